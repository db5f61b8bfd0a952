package io.distillery.distill;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * Every option of a distillation run. Defaults follow the reference implementation (Adam lr 0.01, betas
 * (0.5, 0.999), distill lr 0.02).
 *
 * @param decayEvery  multiply the outer lr by {@code decayFactor} every this many iterations (0: no decay)
 * @param outerType   type of the real-batch pass (FLOAT for speed, DOUBLE for checks); the inner loop is float64
 * @param evalInits   unseen initialisations evaluated in random-init mode
 * @param balancedBatch draw every real batch with the same number of images of each class, whatever the
 *                    training split's class mix (an option, not in the reference: cohorts are often imbalanced)
 * @param selectEvery  every this many iterations, score the distilled data on the validation split and keep the
 *                    best state as the result (0: the result is the last state, as in the reference)
 */
public record DistillConfig(String model, int imagesPerStep, int steps, int epochs, int iterations, int batch,
                            double distillLr, Init init, boolean softLabels, long seed, double outerLr,
                            int decayEvery, double decayFactor, DataType outerType, int evalInits,
                            boolean balancedBatch, int netsPerIteration, int selectEvery) {

    public enum Init { FIXED, RANDOM }

    public DistillConfig {
        if (imagesPerStep < 1 || steps < 1 || epochs < 1 || iterations < 0 || batch < 1) {
            throw new DistillException("images per step, steps, epochs and batch must be positive, iterations >= 0");
        }
        if (!(distillLr > 0) || !(outerLr > 0)) {
            throw new DistillException("learning rates must be positive");
        }
        if (evalInits < 1) {
            throw new DistillException("eval inits must be at least 1");
        }
        if (netsPerIteration < 1) {
            throw new DistillException("networks per iteration must be at least 1");
        }
        if (netsPerIteration > 1 && init != Init.RANDOM) {
            throw new DistillException("several networks per iteration need random init (with fixed init they are"
                    + " all the same network)");
        }
        if (selectEvery < 0) {
            throw new DistillException("select every must be 0 (off) or a number of iterations");
        }
    }

    /** Every option but validation selection (off). */
    public DistillConfig(String model, int imagesPerStep, int steps, int epochs, int iterations, int batch,
                         double distillLr, Init init, boolean softLabels, long seed, double outerLr, int decayEvery,
                         double decayFactor, DataType outerType, int evalInits, boolean balancedBatch,
                         int netsPerIteration) {
        this(model, imagesPerStep, steps, epochs, iterations, batch, distillLr, init, softLabels, seed, outerLr,
                decayEvery, decayFactor, outerType, evalInits, balancedBatch, netsPerIteration, 0);
    }

    /** The common case: one network (one θ0) per outer iteration. */
    public DistillConfig(String model, int imagesPerStep, int steps, int epochs, int iterations, int batch,
                         double distillLr, Init init, boolean softLabels, long seed, double outerLr, int decayEvery,
                         double decayFactor, DataType outerType, int evalInits, boolean balancedBatch) {
        this(model, imagesPerStep, steps, epochs, iterations, batch, distillLr, init, softLabels, seed, outerLr,
                decayEvery, decayFactor, outerType, evalInits, balancedBatch, 1);
    }

    public static DistillConfig defaults() {
        return new DistillConfig("lenet", 2, 1, 3, 1000, 256, 0.02, Init.FIXED, true, 0, 0.01, 0, 0.5,
                DataType.FLOAT, 5, false);
    }

    public int innerSteps() {
        return steps * epochs;
    }

    public DistillConfig withIterations(int n) {
        return new DistillConfig(model, imagesPerStep, steps, epochs, n, batch, distillLr, init, softLabels, seed,
                outerLr, decayEvery, decayFactor, outerType, evalInits, balancedBatch, netsPerIteration, selectEvery);
    }

    public DistillConfig withSelectEvery(int n) {
        return new DistillConfig(model, imagesPerStep, steps, epochs, iterations, batch, distillLr, init, softLabels,
                seed, outerLr, decayEvery, decayFactor, outerType, evalInits, balancedBatch, netsPerIteration, n);
    }
}
