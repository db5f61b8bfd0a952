package io.distillery.distill;

import io.distillery.distill.data.ImageSet;
import io.distillery.distill.data.Standardisation;
import io.distillery.distill.privacy.RdpAccountant;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The differentially private mode: DP-SGD (Abadi et al. 2016) on the one place real data enters the
 * hypergradient, a = ∂L/∂θ_T ({@link Hypergradient.OuterGradient}). Each outer iteration draws a Poisson sample of
 * the training set (every image independently with probability q = batch / N), computes every sampled image's
 * gradient of its own cross-entropy at θ_T, clips it to L2 norm C, sums, adds N(0, σ²C²I) and divides by the
 * expected batch size qN. Everything downstream (the backward sweep through the inner steps, Adam, the released
 * images, labels, learning rates and any model replayed from them) is post-processing, so the run is
 * (ε, δ)-DP with respect to adding or removing one training image, ε from {@link RdpAccountant} over the
 * iterations run.
 *
 * <p>The sampling and the noise come from {@code secretSeed}, which must not be published: the run's public seed
 * (θ0, written into the package) is a different number. Whoever knows the secret seed can regenerate the noise
 * and the batches, so it is kept only for reproducing a run in-house (tests pass a fixed one).
 *
 * <p>Clipping needs each image's own gradient norm: networks implementing {@link PerExampleGradientNorms}
 * (LeNet) give them from batched passes; any other network falls back to one pass per image.
 */
public final class PrivateOuterGradient {
    /**
     * Input scaling of the private mode: pixels in [0, 1] mapped by (x − 0.5) / 0.25. Standardising with the
     * training set's own mean and deviation would let every image influence every input and would publish those
     * statistics in the model spec without noise.
     */
    public static final Standardisation DATA_INDEPENDENT_SCALING = new Standardisation(0.5, 0.25);

    /** Images per batched pass of the fast path. */
    static final int CHUNK = 64;

    private final double clip;
    private final double noiseMultiplier;
    private final long secretSeed;

    public PrivateOuterGradient(double clip, double noiseMultiplier, long secretSeed) {
        if (!(clip > 0) || !(noiseMultiplier >= 0) || Double.isInfinite(clip)) {
            throw new DistillException("DP clip norm must be positive and the noise multiplier non-negative");
        }
        this.clip = clip;
        this.noiseMultiplier = noiseMultiplier;
        this.secretSeed = secretSeed;
    }

    public double clip() {
        return clip;
    }

    public double noiseMultiplier() {
        return noiseMultiplier;
    }

    /** Sampling rate of a run with this expected batch on {@code n} training images. */
    public static double samplingRate(int batch, int n) {
        return Math.min(1.0, (double) batch / n);
    }

    /** ε of {@code steps} iterations at sampling rate q, at δ. */
    public RdpAccountant.Epsilon epsilon(double q, int steps, double delta) {
        return RdpAccountant.epsilon(q, noiseMultiplier, steps, delta);
    }

    /** The hypergradient of outer iteration {@code iteration} with a private a. */
    public Hypergradient.Result hypergradient(Hypergradient hyper, INDArray theta0, DistilledData d, ImageSet train,
                                              int batch, int iteration, boolean learnLabels) {
        double q = samplingRate(batch, train.size());
        SplittableRandom rng = new SplittableRandom(Distiller.mix(secretSeed, iteration));
        int[] idx = poissonSample(rng, train.size(), q);
        long noiseSeed = rng.nextLong();
        return hyper.compute(theta0, d, (net, thetaT, grad) ->
                clippedNoisySum(net, thetaT, train, idx, q * train.size(), noiseSeed, grad), learnLabels);
    }

    /** Each index independently with probability q. */
    static int[] poissonSample(SplittableRandom rng, int n, double q) {
        int[] picked = new int[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (rng.nextDouble() < q) {
                picked[k++] = i;
            }
        }
        return java.util.Arrays.copyOf(picked, k);
    }

    /**
     * (Σ_i clip_C(∇θ ℓ_i) + N(0, σ²C²I)) / divisor into {@code grad}; returns the mean loss of the sampled images
     * (0 for an empty sample), which is not private and only logged.
     */
    double clippedNoisySum(Network net, INDArray theta, ImageSet train, int[] idx, double divisor, long noiseSeed,
                           INDArray grad) {
        INDArray sum = Nd4j.create(DataType.DOUBLE, net.numParams());
        double lossSum = net instanceof PerExampleGradientNorms fast
                ? addClippedBatched(net, fast, theta, train, idx, sum)
                : addClippedOneByOne(net, theta, train, idx, sum);
        if (noiseMultiplier > 0) {
            sum.addi(Gaussian.randn(noiseSeed, DataType.DOUBLE, net.numParams()).muli(noiseMultiplier * clip));
        }
        grad.assign(sum.divi(divisor).castTo(grad.dataType()));
        return idx.length == 0 ? 0 : lossSum / idx.length;
    }

    /** Any network: one forward and backward pass per image. */
    private double addClippedOneByOne(Network net, INDArray theta, ImageSet train, int[] idx, INDArray sum) {
        INDArray g = Nd4j.create(net.dataType(), net.numParams());
        double loss = 0;
        for (int i : idx) {
            int[] one = {i};
            INDArray z = net.forward(theta, train.images(one, net.dataType()));
            INDArray dz = Nd4j.create(net.dataType(), z.shape());
            loss += CrossEntropy.soft(z, CrossEntropy.oneHot(train.labels(one), train.numClasses()), dz, null);
            net.backward(dz, g, null);
            INDArray gd = g.castTo(DataType.DOUBLE);
            double norm = gd.norm2Number().doubleValue();
            sum.addi(norm > clip ? gd.muli(clip / norm) : gd);
        }
        return loss;
    }

    /**
     * Networks with per-example norms: chunks of {@link #CHUNK} images (the last padded with zero-weight rows, so
     * the network keeps one set of buffers whatever the Poisson batch size), norms from one backward pass, then
     * one backward pass with every row of the logit gradient scaled by min(1, C/‖g_i‖).
     */
    private double addClippedBatched(Network net, PerExampleGradientNorms fast, INDArray theta, ImageSet train,
                                     int[] idx, INDArray sum) {
        INDArray g = Nd4j.create(net.dataType(), net.numParams());
        int k = train.numClasses();
        double loss = 0;
        for (int from = 0; from < idx.length; from += CHUNK) {
            int m = Math.min(CHUNK, idx.length - from);
            int[] chunk = new int[CHUNK];
            for (int j = 0; j < CHUNK; j++) {
                chunk[j] = idx[from + Math.min(j, m - 1)];
            }
            INDArray z = net.forward(theta, train.images(chunk, net.dataType()));
            INDArray dz = Nd4j.create(net.dataType(), z.shape());
            double[] y = CrossEntropy.oneHot(train.labels(chunk), k);
            double chunkMean = CrossEntropy.soft(z, y, dz, null);
            // per-example logit gradients: the mean's gradient times the chunk size
            dz.muli(CHUNK);
            loss += m == CHUNK ? chunkMean * CHUNK : CrossEntropy.soft(z.get(NDArrayIndex.interval(0, m),
                    NDArrayIndex.all()).dup(), java.util.Arrays.copyOf(y, m * k), null, null) * m;
            double[] sq = fast.perExampleSquaredNorms(dz, g);
            double[] factor = new double[CHUNK];
            for (int j = 0; j < m; j++) {
                double norm = Math.sqrt(sq[j]);
                factor[j] = norm > clip ? clip / norm : 1;
            }
            dz.muliColumnVector(Nd4j.createFromArray(factor).castTo(dz.dataType()).reshape(CHUNK, 1));
            net.backward(dz, g, null);
            sum.addi(g.castTo(DataType.DOUBLE));
        }
        return loss;
    }
}
