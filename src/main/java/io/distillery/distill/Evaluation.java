package io.distillery.distill;

import io.distillery.distill.data.ImageSet;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains fresh networks by replaying the learned steps and measures them on the test set, beside two
 * baselines: a random real subset of the same size and class balance trained for the same steps with one
 * constant learning rate (best of {@link #LR_GRID} on the validation split, or the test split if there is
 * none), and full-data training (Adam, lr 1e-3, batch 128).
 */
public final class Evaluation {
    static final double[] LR_GRID = {0.001, 0.003, 0.01, 0.03, 0.1, 0.3};

    /**
     * @param distilled the result ({@link Distiller#selected()}) on the test split
     * @param last      the last state on the test split when validation selection is on (to show what it changed),
     *                  else null
     * @param trained   θ_T replayed from the fixed init (the model the package stands in for); from the first
     *                  evaluation init in random-init mode
     */
    public record Report(Metrics.Summary distilled, Metrics.Summary last, Metrics.Summary randomReal,
                         double randomRealLr, Metrics full, INDArray trained) {
    }

    private Evaluation() {
    }

    public static Report run(Distiller distiller, DistillConfig cfg, ImageSet train, ImageSet val, ImageSet test,
                             int fullEpochs) {
        Network inner = distiller.innerNetwork();
        Network outer = distiller.outerNetwork();
        Hypergradient hyper = distiller.hypergradient();
        List<INDArray> inits = new ArrayList<>();
        if (cfg.init() == DistillConfig.Init.FIXED) {
            inits.add(Distiller.fixedInit(inner, cfg.seed()));
        } else {
            for (int j = 0; j < cfg.evalInits(); j++) {
                inits.add(Distiller.fixedInit(inner, Distiller.evalInitSeed(cfg.seed(), j)));
            }
        }
        List<Metrics> distilled = new ArrayList<>();
        INDArray trained = null;
        for (INDArray theta0 : inits) {
            INDArray thetaT = hyper.unroll(theta0, distiller.selected()).castTo(outer.dataType()).dup();
            trained = trained == null ? thetaT : trained;
            distilled.add(Metrics.evaluate(outer, thetaT, test));
        }
        List<Metrics> last = new ArrayList<>();
        if (distiller.selected() != distiller.data()) {
            for (INDArray theta0 : inits) {
                last.add(Metrics.evaluate(outer, hyper.unroll(theta0, distiller.data()).castTo(outer.dataType()), test));
            }
        }

        // Random real subsets: one draw per evaluation (at least 5), each paired with an init.
        ImageSet select = val != null ? val : test;
        int draws = Math.max(5, inits.size());
        DistilledData data = distiller.data();
        int[] classes = Distiller.classesOf(cfg, outer.spec());
        List<DistilledData> subsets = new ArrayList<>();
        for (int j = 0; j < draws; j++) {
            subsets.add(realSubset(train, classes, new SplittableRandom(Distiller.mix(cfg.seed(), -2 - j)), data));
        }
        double bestLr = LR_GRID[0];
        double bestAcc = -1;
        for (double lr : LR_GRID) {
            double acc = 0;
            for (int j = 0; j < draws; j++) {
                DistilledData s = subsets.get(j);
                s.rawLr().assign(DistilledData.inverseSoftplus(lr));
                INDArray thetaT = hyper.unroll(inits.get(j % inits.size()), s).castTo(outer.dataType());
                acc += Metrics.evaluate(outer, thetaT, select).accuracy() / draws;
            }
            if (acc > bestAcc) {
                bestAcc = acc;
                bestLr = lr;
            }
        }
        List<Metrics> real = new ArrayList<>();
        for (int j = 0; j < draws; j++) {
            DistilledData s = subsets.get(j);
            s.rawLr().assign(DistilledData.inverseSoftplus(bestLr));
            real.add(Metrics.evaluate(outer, hyper.unroll(inits.get(j % inits.size()), s).castTo(outer.dataType()), test));
        }
        Metrics full = fullData(outer, inits.get(0).castTo(outer.dataType()).dup(), train, test, fullEpochs,
                new SplittableRandom(Distiller.mix(cfg.seed(), -100)));
        return new Report(Metrics.Summary.of(distilled), last.isEmpty() ? null : Metrics.Summary.of(last),
                Metrics.Summary.of(real), bestLr, full, trained);
    }

    /** Real images of the distilled images' classes, hard labels, the distilled data's step layout. */
    static DistilledData realSubset(ImageSet train, int[] classes, SplittableRandom rng, DistilledData like) {
        int k = train.numClasses();
        int[][] byClass = new int[k][];
        for (int c = 0; c < k; c++) {
            byClass[c] = train.indicesOfClass(c);
        }
        int[] picked = new int[classes.length];
        java.util.Set<Integer> used = new java.util.HashSet<>();
        for (int i = 0; i < classes.length; i++) {
            int[] pool = byClass[classes[i]];
            if (pool.length == 0) {
                throw new DistillException("training data has no image of class " + classes[i]);
            }
            int pick;
            do {
                pick = pool[rng.nextInt(pool.length)];
            } while (used.size() < pool.length && !used.add(pick));
            picked[i] = pick;
        }
        INDArray labels = Nd4j.createFromArray(CrossEntropy.oneHot(classes, k)).reshape(classes.length, k);
        return new DistilledData(train.images(picked, DataType.DOUBLE), labels, like.rawLr().dup(), like.steps(),
                like.imagesPerStep());
    }

    /** Ordinary training on every training image: Adam lr 1e-3, batch 128, shuffled each epoch. */
    static Metrics fullData(Network net, INDArray theta, ImageSet train, ImageSet test, int epochs,
                            SplittableRandom rng) {
        Adam adam = new Adam(theta, 0.9, 0.999);
        INDArray grad = Nd4j.create(net.dataType(), net.numParams());
        int batch = 128;
        for (int e = 0; e < epochs; e++) {
            int[] order = Distiller.sample(rng, train.size(), train.size());
            for (int from = 0; from + batch <= order.length; from += batch) {
                int[] idx = java.util.Arrays.copyOfRange(order, from, from + batch);
                INDArray z = net.forward(theta, train.images(idx, net.dataType()));
                INDArray dz = Nd4j.create(net.dataType(), z.shape());
                CrossEntropy.soft(z, CrossEntropy.oneHot(train.labels(idx), (int) z.size(1)), dz, null);
                net.backward(dz, grad, null);
                adam.step(theta, grad, 1e-3);
            }
        }
        return Metrics.evaluate(net, theta, test);
    }
}
