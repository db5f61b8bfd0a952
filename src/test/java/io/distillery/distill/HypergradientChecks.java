package io.distillery.distill;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The gradient check the hypergradient tests share: the engine's first-order hypergradient against a brute-force
 * central difference of the whole unrolled outer loss (float64), for images (random pixels and two random
 * directions), soft labels and learning rates. Relative error is norm-wise over the checked entries of each group:
 * ‖g − g_fd‖ / ‖g_fd‖.
 */
final class HypergradientChecks {
    private HypergradientChecks() {
    }

    /**
     * Checks the hypergradient of a random distilled set (seeded) for {@code spec}, with the real-batch pass in
     * {@code type}, on the real batch {@code realX}/{@code realY} (float64), at {@code pixels} random image entries.
     */
    static void againstFiniteDifference(ModelSpec spec, DataType type, int steps, int n, int epochs, INDArray realX,
                                        int[] realY, int pixels, double tolerance) {
        String model = spec.model();
        Random rng = new Random(11);
        DistilledData d64 = randomData(rng, spec, steps, n, epochs);
        Network net64 = ModelSpec.create(spec, DataType.DOUBLE);
        INDArray theta64 = Nd4j.create(DataType.DOUBLE, net64.numParams());
        net64.initialise(theta64, 1);

        Hypergradient hyper = new Hypergradient(ModelSpec.create(spec, DataType.DOUBLE), ModelSpec.create(spec, type),
                Hypergradient.DEFAULT_STEP);
        Hypergradient.Result r = hyper.compute(theta64, d64, realX.castTo(type), realY, true);

        Hypergradient brute = new Hypergradient(net64, net64, Hypergradient.DEFAULT_STEP);
        double h = 1e-5;
        double[] got = new double[pixels + 2];
        double[] fd = new double[pixels + 2];
        INDArray gImages = r.images().castTo(DataType.DOUBLE);
        for (int i = 0; i < pixels; i++) {
            long idx = (long) (rng.nextDouble() * d64.images().length());
            got[i] = gImages.getDouble(idx);
            fd[i] = centralDifference(brute, theta64, d64, d64.images(), idx, h, realX, realY);
        }
        for (int i = pixels; i < pixels + 2; i++) {
            INDArray dir = Gaussian.randn(100 + i, DataType.DOUBLE, d64.images().shape());
            got[i] = gImages.mul(dir).sumNumber().doubleValue();
            INDArray saved = d64.images().dup();
            d64.images().addi(dir.mul(h));
            double lp = brute.outerLoss(theta64, d64, realX, realY);
            d64.images().assign(saved).subi(dir.mul(h));
            double lm = brute.outerLoss(theta64, d64, realX, realY);
            d64.images().assign(saved);
            fd[i] = (lp - lm) / (2 * h);
        }
        assertClose(model + " images", got, fd, tolerance);

        INDArray gLabels = r.labels().castTo(DataType.DOUBLE);
        double[] gotY = new double[(int) gLabels.length()];
        double[] fdY = new double[gotY.length];
        for (int i = 0; i < gotY.length; i++) {
            gotY[i] = gLabels.getDouble(i);
            fdY[i] = centralDifference(brute, theta64, d64, d64.labels(), i, h, realX, realY);
        }
        assertClose(model + " labels", gotY, fdY, tolerance);

        INDArray gLr = r.rawLr().castTo(DataType.DOUBLE);
        double[] gotLr = new double[(int) gLr.length()];
        double[] fdLr = new double[gotLr.length];
        for (int i = 0; i < gotLr.length; i++) {
            gotLr[i] = gLr.getDouble(i);
            fdLr[i] = centralDifference(brute, theta64, d64, d64.rawLr(), i, h, realX, realY);
        }
        assertClose(model + " learning rates", gotLr, fdLr, tolerance);
    }

    private static DistilledData randomData(Random rng, ModelSpec spec, int steps, int n, int epochs) {
        INDArray images = Gaussian.randn(rng.nextLong(), DataType.DOUBLE, (long) steps * n, spec.channels(),
                spec.height(), spec.width());
        double[] labels = new double[steps * n * 2];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (i / 2 + i) % 2 == 0 ? 0.8 + 0.2 * rng.nextDouble() : 0.3 * rng.nextDouble();
        }
        double[] raw = new double[steps * epochs];
        for (int t = 0; t < raw.length; t++) {
            raw[t] = DistilledData.inverseSoftplus(0.05 + 0.1 * rng.nextDouble());
        }
        return new DistilledData(images, Nd4j.createFromArray(labels).reshape(steps * n, 2),
                Nd4j.createFromArray(raw), steps, n);
    }

    private static double centralDifference(Hypergradient brute, INDArray theta, DistilledData d, INDArray target,
                                            long idx, double h, INDArray realX, int[] realY) {
        double orig = target.getDouble(idx);
        target.putScalar(idx, orig + h);
        double lp = brute.outerLoss(theta, d, realX, realY);
        target.putScalar(idx, orig - h);
        double lm = brute.outerLoss(theta, d, realX, realY);
        target.putScalar(idx, orig);
        return (lp - lm) / (2 * h);
    }

    private static void assertClose(String what, double[] got, double[] fd, double tolerance) {
        double diff = 0;
        double ref = 0;
        for (int i = 0; i < got.length; i++) {
            diff += (got[i] - fd[i]) * (got[i] - fd[i]);
            ref += fd[i] * fd[i];
        }
        double rel = Math.sqrt(diff / ref);
        System.out.printf("%s: relative error %.3g (|g_fd| = %.3g)%n", what, rel, Math.sqrt(ref));
        assertTrue(ref > 0, what + ": finite difference is zero, the check would be vacuous");
        assertTrue(rel < tolerance, what + ": relative error " + rel + " exceeds " + tolerance
                + "\n got " + java.util.Arrays.toString(got) + "\n fd  " + java.util.Arrays.toString(fd));
    }
}
