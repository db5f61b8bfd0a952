package io.distillery.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.distill.data.ImageSet;
import io.distillery.distill.data.NpzDataset;
import io.distillery.testsupport.SharedData;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The differentially private outer gradient: clipping, noise, agreement with the plain hypergradient, seeds. */
class PrivateOuterGradientTest {
    private static ImageSet train;
    private static ModelSpec spec;

    @BeforeAll
    static void load() {
        train = NpzDataset.read(SharedData.data("medmnist/pneumoniamnist.npz")).train();
        spec = new ModelSpec("lenet", 1, 28, 28, train.numClasses());
    }

    private static INDArray theta(Network net, long seed) {
        return Distiller.fixedInit(net, seed).castTo(net.dataType());
    }

    @Test
    void everyImageContributesAtMostTheClipNorm() {
        Network net = ModelSpec.create(spec, DataType.FLOAT);
        INDArray theta = theta(net, 3);
        INDArray g = Nd4j.create(DataType.FLOAT, net.numParams());
        PrivateOuterGradient unclipped = new PrivateOuterGradient(1e12, 0, 1);
        unclipped.clippedNoisySum(net, theta, train, new int[] {7}, 1, 0, g);
        double raw = g.norm2Number().doubleValue();
        INDArray rawDirection = g.div(raw);
        assertTrue(raw > 0);

        PrivateOuterGradient clipping = new PrivateOuterGradient(raw / 3, 0, 1);
        clipping.clippedNoisySum(net, theta, train, new int[] {7}, 1, 0, g);
        assertEquals(raw / 3, g.norm2Number().doubleValue(), 1e-5 * raw, "a gradient above C is scaled to norm C");
        assertEquals(1.0, g.div(raw / 3).mul(rawDirection).sumNumber().doubleValue(), 1e-5, "and keeps its direction");

        PrivateOuterGradient loose = new PrivateOuterGradient(raw * 2, 0, 1);
        loose.clippedNoisySum(net, theta, train, new int[] {7}, 1, 0, g);
        assertEquals(raw, g.norm2Number().doubleValue(), 1e-5 * raw, "a gradient below C is left alone");

        // Sum of 40 images, each clipped to C = 0.01: no more than 40 C in total, and each image's own
        // gradient (measured alone) is at most C.
        double c = 0.01;
        int[] idx = java.util.stream.IntStream.range(100, 140).toArray();
        PrivateOuterGradient tight = new PrivateOuterGradient(c, 0, 1);
        for (int i : idx) {
            tight.clippedNoisySum(net, theta, train, new int[] {i}, 1, 0, g);
            assertTrue(g.norm2Number().doubleValue() <= c * (1 + 1e-5), "image " + i);
        }
        tight.clippedNoisySum(net, theta, train, idx, 1, 0, g);
        assertTrue(g.norm2Number().doubleValue() <= idx.length * c * (1 + 1e-5));
    }

    @Test
    void noiseIsGaussianWithStandardDeviationSigmaTimesClipOverBatch() {
        Network net = ModelSpec.create(spec, DataType.FLOAT);
        INDArray theta = theta(net, 3);
        INDArray g = Nd4j.create(DataType.FLOAT, net.numParams());
        double sigma = 1.7, clip = 0.5, divisor = 4;
        PrivateOuterGradient dp = new PrivateOuterGradient(clip, sigma, 1);
        dp.clippedNoisySum(net, theta, train, new int[0], divisor, 11, g); // no data: noise only
        double[] v = g.data().asDouble();
        double mean = 0, sq = 0, fourth = 0;
        for (double x : v) {
            mean += x / v.length;
        }
        for (double x : v) {
            sq += (x - mean) * (x - mean) / v.length;
        }
        double sd = Math.sqrt(sq);
        for (double x : v) {
            fourth += Math.pow((x - mean) / sd, 4) / v.length;
        }
        double expected = sigma * clip / divisor;
        int n = v.length; // 44,426 LeNet parameters at 28 px, 2 classes
        assertEquals(0, mean, 4 * expected / Math.sqrt(n), "mean");
        assertEquals(expected, sd, 4 * expected / Math.sqrt(2.0 * n), "standard deviation");
        assertEquals(3, fourth, 0.15, "kurtosis of a Gaussian");

        INDArray again = Nd4j.create(DataType.FLOAT, net.numParams());
        dp.clippedNoisySum(net, theta, train, new int[0], divisor, 11, again);
        assertEquals(g, again, "same noise seed, same noise");
        dp.clippedNoisySum(net, theta, train, new int[0], divisor, 12, again);
        assertFalse(g.equalsWithEps(again, 1e-3), "another noise seed, other noise");
    }

    @Test
    void withoutNoiseAndClippingItIsThePlainHypergradient() {
        DistillConfig cfg = new DistillConfig("lenet", 2, 1, 3, 1, 64, 0.02, DistillConfig.Init.FIXED, true, 5, 0.01,
                0, 0.5, DataType.DOUBLE, 1, false);
        Network net = ModelSpec.create(spec, DataType.DOUBLE);
        Hypergradient hyper = new Hypergradient(net, net, Hypergradient.DEFAULT_STEP);
        DistilledData d = Distiller.initialData(cfg, spec);
        INDArray theta0 = Distiller.fixedInit(net, 5);
        int[] idx = Distiller.sample(new SplittableRandom(9), train.size(), 64);

        Hypergradient.Result plain = hyper.compute(theta0, d, train.images(idx, DataType.DOUBLE), train.labels(idx), true);
        Hypergradient.Result dense = copy(plain);
        // ε huge: clip far above any gradient, noise 1e-9 C
        PrivateOuterGradient open = new PrivateOuterGradient(1e6, 1e-15, 1);
        Hypergradient.Result dp = hyper.compute(theta0, d, (n, thetaT, grad) ->
                open.clippedNoisySum(n, thetaT, train, idx, idx.length, 3, grad), true);
        assertEquals(dense.loss(), dp.loss(), 1e-12);
        for (INDArray[] pair : new INDArray[][] {{dense.images(), dp.images()}, {dense.labels(), dp.labels()},
                {dense.rawLr(), dp.rawLr()}}) {
            double scale = pair[0].norm2Number().doubleValue();
            assertTrue(scale > 0);
            assertEquals(0, pair[0].sub(pair[1]).norm2Number().doubleValue(), 1e-6 * scale);
        }
    }

    private static Hypergradient.Result copy(Hypergradient.Result r) {
        return new Hypergradient.Result(r.loss(), r.images().dup(), r.labels().dup(), r.rawLr().dup());
    }

    @Test
    void aSecretSeedReproducesARunAndAnotherChangesIt() {
        DistillConfig cfg = new DistillConfig("lenet", 2, 1, 3, 2, 64, 0.02, DistillConfig.Init.FIXED, true, 5, 0.01,
                0, 0.5, DataType.FLOAT, 1, false);
        float[] a = run(cfg, 77);
        float[] b = run(cfg, 77);
        float[] c = run(cfg, 78);
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
    }

    @Test
    void poissonSamplingHasTheExpectedSize() {
        int[] s = PrivateOuterGradient.poissonSample(new SplittableRandom(1), 100_000, 0.05);
        assertEquals(5000, s.length, 4 * Math.sqrt(100_000 * 0.05 * 0.95));
        for (int i = 1; i < s.length; i++) {
            assertTrue(s[i] > s[i - 1]);
        }
    }

    private static float[] run(DistillConfig cfg, long secretSeed) {
        Distiller d = new Distiller(cfg, spec, new PrivateOuterGradient(1.0, 1.0, secretSeed));
        d.run(train, ProgressListener.NONE, 0, null);
        return d.data().images().data().asFloat();
    }
    @Test
    void batchedPerExampleNormsClipExactlyLikeOnePassPerImage() {
        Network lenet = ModelSpec.create(spec, DataType.DOUBLE);
        assertTrue(lenet instanceof PerExampleGradientNorms);
        Network plain = onlyNetwork(lenet);
        INDArray theta = theta(lenet, 4);
        // 150 images: two full chunks and a padded one; C near the median norm, so about half are clipped
        int[] idx = java.util.stream.IntStream.range(0, 150).map(i -> i * 31).toArray();
        double[] norms = new double[idx.length];
        INDArray g = Nd4j.create(DataType.DOUBLE, lenet.numParams());
        PrivateOuterGradient open = new PrivateOuterGradient(1e12, 0, 1);
        for (int j = 0; j < idx.length; j++) {
            open.clippedNoisySum(plain, theta, train, new int[] {idx[j]}, 1, 0, g);
            norms[j] = g.norm2Number().doubleValue();
        }
        double[] sorted = norms.clone();
        java.util.Arrays.sort(sorted);
        PrivateOuterGradient dp = new PrivateOuterGradient(sorted[75], 0, 1);
        INDArray slow = Nd4j.create(DataType.DOUBLE, lenet.numParams());
        INDArray fast = Nd4j.create(DataType.DOUBLE, lenet.numParams());
        double slowLoss = dp.clippedNoisySum(plain, theta, train, idx, idx.length, 0, slow);
        double fastLoss = dp.clippedNoisySum(lenet, theta, train, idx, idx.length, 0, fast);
        assertEquals(slowLoss, fastLoss, 1e-10);
        assertEquals(0, slow.sub(fast).norm2Number().doubleValue(), 1e-9 * slow.norm2Number().doubleValue());
    }

    /** The same network without its per-example-norm capability: the one-pass-per-image path. */
    private static Network onlyNetwork(Network net) {
        return new Network() {
            public ModelSpec spec() { return net.spec(); }
            public DataType dataType() { return net.dataType(); }
            public long numParams() { return net.numParams(); }
            public void initialise(INDArray theta, long seed) { net.initialise(theta, seed); }
            public INDArray forward(INDArray theta, INDArray x) { return net.forward(theta, x); }
            public INDArray forwardFrozen(INDArray theta, INDArray x) { return net.forwardFrozen(theta, x); }
            public void backward(INDArray dLogits, INDArray gradTheta, INDArray gradX) {
                net.backward(dLogits, gradTheta, gradX);
            }
        };
    }
}
