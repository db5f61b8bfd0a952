package io.distillery.distill;

import io.distillery.distill.data.ImageSet;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The outer loop: learns distilled images, soft labels and per-step learning rates with Adam on the
 * hypergradient. Every random choice of iteration i (real batch, θ0 in random-init mode) comes from a
 * generator seeded by (seed, i), so a run resumed from a checkpoint continues exactly as an uninterrupted one.
 *
 * <p>With {@link DistillConfig#selectEvery()} the result is the state that scored best on the validation split
 * (early stopping): test accuracy of one run swings by several points from one checkpoint to the next (bench
 * README), and the last state is just one draw from that swing. The check never changes the trajectory.
 */
public final class Distiller {
    private static final int CHECKPOINT_MAGIC_V1 = 0x44535431; // "DST1": no selection state
    private static final int CHECKPOINT_MAGIC = 0x44535432; // "DST2"

    private final DistillConfig cfg;
    private final ModelSpec spec;
    private final Network inner;
    private final Network outer;
    private final Hypergradient hyper;
    private final DistilledData data;
    private final Adam adamImages;
    private final Adam adamLabels;
    private final Adam adamLr;
    private final PrivateOuterGradient privacy; // null: non-private mode
    private int done;
    private double lastLoss = Double.NaN;
    // Validation selection: the best state so far, its score and iteration (null / -1 before the first check).
    private DistilledData best;
    private double bestScore = Double.NEGATIVE_INFINITY;
    private int bestIteration = -1;

    public Distiller(DistillConfig cfg, ModelSpec spec) {
        this(cfg, spec, null);
    }

    /** @param privacy the differentially private mode's outer gradient, or null for the non-private mode */
    public Distiller(DistillConfig cfg, ModelSpec spec, PrivateOuterGradient privacy) {
        if (privacy != null && cfg.netsPerIteration() > 1) {
            throw new DistillException("the private mode takes one network per iteration");
        }
        this.privacy = privacy;
        this.cfg = cfg;
        this.spec = spec;
        this.inner = ModelSpec.create(spec, DataType.DOUBLE);
        this.outer = cfg.outerType() == DataType.DOUBLE ? inner : ModelSpec.create(spec, cfg.outerType());
        this.hyper = new Hypergradient(inner, outer, Hypergradient.DEFAULT_STEP);
        this.data = initialData(cfg, spec);
        this.adamImages = new Adam(data.images(), 0.5, 0.999);
        this.adamLabels = new Adam(data.labels(), 0.5, 0.999);
        this.adamLr = new Adam(data.rawLr(), 0.5, 0.999);
    }

    /** Images N(0,1), one-hot labels cycling through the classes (see {@link #classesOf}), η_t = distill lr. */
    static DistilledData initialData(DistillConfig cfg, ModelSpec spec) {
        int total = cfg.steps() * cfg.imagesPerStep();
        INDArray images = Gaussian.randn(mix(cfg.seed(), -1), DataType.DOUBLE, total, spec.channels(), spec.height(),
                spec.width());
        INDArray labels = Nd4j.createFromArray(CrossEntropy.oneHot(classesOf(cfg, spec), spec.numClasses()))
                .reshape(total, spec.numClasses());
        INDArray raw = Nd4j.valueArrayOf(new long[] {cfg.innerSteps()}, DistilledData.inverseSoftplus(cfg.distillLr()),
                DataType.DOUBLE);
        return new DistilledData(images, labels, raw, cfg.steps(), cfg.imagesPerStep());
    }

    /**
     * Class of each distilled image (the class its label starts as): classes cycle over all images in step
     * order, so every class is present even when a step holds fewer images than there are classes (10 steps
     * of 1 image on MNIST start as one image per digit, not ten zeros); when the images per step are a
     * multiple of the classes, every step holds the same balanced set.
     */
    public static int[] classesOf(DistillConfig cfg, ModelSpec spec) {
        int total = cfg.steps() * cfg.imagesPerStep();
        int[] classes = new int[total];
        for (int i = 0; i < total; i++) {
            classes[i] = i % spec.numClasses();
        }
        return classes;
    }

    /** θ0 of the fixed-init mode: Xavier-normal from the run's seed, rebuilt by anyone with seed and spec. */
    public static INDArray fixedInit(Network net, long seed) {
        INDArray theta = Nd4j.create(DataType.DOUBLE, net.numParams());
        net.initialise(theta, seed);
        return theta;
    }

    /**
     * Seeds of the initialisations the validation check trains in random-init mode: disjoint from the training
     * draws and from the test evaluation's, so the reported accuracy is still on networks selection never saw.
     */
    static long selectInitSeed(long seed, int j) {
        return mix(seed ^ 0x5E1EC7L, 2_000_000 + j);
    }

    /** Seeds for the unseen initialisations used in evaluation (disjoint from training iterations). */
    public static long evalInitSeed(long seed, int j) {
        return mix(seed ^ 0x5DEECE66DL, 1_000_000 + j);
    }

    static long mix(long seed, long i) {
        long z = seed * 0x9E3779B97F4A7C15L + i * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public DistilledData data() {
        return data;
    }

    public Network innerNetwork() {
        return inner;
    }

    public Network outerNetwork() {
        return outer;
    }

    public Hypergradient hypergradient() {
        return hyper;
    }

    public int iterationsDone() {
        return done;
    }

    public double lastLoss() {
        return lastLoss;
    }

    /** The result: the best state on the validation split with selection on, otherwise the last state. */
    public DistilledData selected() {
        return best != null ? best : data;
    }

    /** Iteration of {@link #selected()}: the best validation check, or the iterations done without selection. */
    public int selectedIteration() {
        return best != null ? bestIteration : done;
    }

    /** Validation score (mean per-class recall) of {@link #selected()}; NaN without selection. */
    public double selectedScore() {
        return best != null ? bestScore : Double.NaN;
    }

    /** Runs the remaining iterations without a validation split (selection must be off). */
    public void run(ImageSet train, ProgressListener listener, int checkpointEvery, Path checkpoint) {
        run(train, null, listener, checkpointEvery, checkpoint);
    }

    /**
     * Runs the remaining iterations; checkpoints every {@code checkpointEvery} (0: never) to {@code checkpoint}.
     *
     * @param val the validation split for {@link DistillConfig#selectEvery()}; may be null when selection is off
     */
    public void run(ImageSet train, ImageSet val, ProgressListener listener, int checkpointEvery, Path checkpoint) {
        if (cfg.selectEvery() > 0 && (val == null || val.size() == 0)) {
            throw new DistillException("selecting on validation needs a validation split (val_images and val_labels"
                    + " in the npz); without one, turn selection off");
        }
        if (train.channels() != spec.channels() || train.height() != spec.height() || train.width() != spec.width()) {
            throw new DistillException("training images are " + train.channels() + "x" + train.height() + "x"
                    + train.width() + " but the model expects " + spec.channels() + "x" + spec.height() + "x"
                    + spec.width());
        }
        INDArray theta0 = fixedInit(inner, cfg.seed());
        long start = System.nanoTime();
        int startIt = done;
        int batch = Math.min(cfg.batch(), train.size());
        int[][] byClass = cfg.balancedBatch() ? byClass(train) : null;
        while (done < cfg.iterations()) {
            SplittableRandom rng = new SplittableRandom(mix(cfg.seed(), done));
            if (cfg.init() == DistillConfig.Init.RANDOM) {
                inner.initialise(theta0, rng.nextLong());
            }
            Hypergradient.Result r;
            if (privacy == null) {
                int[] idx = byClass != null ? sampleBalanced(rng, byClass, cfg.batch()) : sample(rng, train.size(), batch);
                INDArray realX = train.images(idx, cfg.outerType());
                int[] realY = train.labels(idx);
                r = hyper.compute(theta0, data, realX, realY, cfg.softLabels());
                // Random init with several networks: each a fresh θ0 on the same real batch, the hypergradient
                // their mean (as the reference implementation's sample_n_nets), so one unlucky θ0 moves less.
                for (int n = 1; n < cfg.netsPerIteration(); n++) {
                    inner.initialise(theta0, rng.nextLong());
                    r = sum(r, hyper.compute(theta0, data, realX, realY, cfg.softLabels()));
                }
                if (cfg.netsPerIteration() > 1) {
                    r = scaled(r, 1.0 / cfg.netsPerIteration());
                }
            } else {
                r = privacy.hypergradient(hyper, theta0, data, train, batch, done, cfg.softLabels());
            }
            double lr = cfg.outerLr() * (cfg.decayEvery() > 0 ? Math.pow(cfg.decayFactor(), done / cfg.decayEvery()) : 1);
            adamImages.step(data.images(), r.images(), lr);
            if (cfg.softLabels()) {
                adamLabels.step(data.labels(), r.labels(), lr);
            }
            adamLr.step(data.rawLr(), r.rawLr(), lr);
            lastLoss = r.loss();
            if (!Double.isFinite(lastLoss)) {
                throw new DistillException("outer loss became " + lastLoss + " at iteration " + (done + 1)
                        + "; lower --distill-lr or the outer lr");
            }
            done++;
            if (cfg.selectEvery() > 0 && (done % cfg.selectEvery() == 0 || done == cfg.iterations())) {
                select(val, listener);
            }
            double perIter = (System.nanoTime() - start) / 1e9 / (done - startIt);
            listener.onIteration(new ProgressListener.Progress(done, cfg.iterations(), lastLoss, perIter,
                    perIter * (cfg.iterations() - done)));
            if (checkpointEvery > 0 && checkpoint != null && (done % checkpointEvery == 0 || done == cfg.iterations())) {
                saveCheckpoint(checkpoint);
            }
        }
    }

    /** Scores the current state on the validation split; keeps a copy if it beats every earlier check. */
    private void select(ImageSet val, ProgressListener listener) {
        int inits = cfg.init() == DistillConfig.Init.FIXED ? 1 : cfg.evalInits();
        double score = 0;
        for (int j = 0; j < inits; j++) {
            INDArray theta0 = fixedInit(inner, cfg.init() == DistillConfig.Init.FIXED ? cfg.seed()
                    : selectInitSeed(cfg.seed(), j));
            INDArray thetaT = hyper.unroll(theta0, data).castTo(outer.dataType());
            score += Metrics.evaluate(outer, thetaT, val).balancedAccuracy(spec.numClasses()) / inits;
        }
        boolean better = score > bestScore; // ties keep the earlier state
        if (better) {
            best = data.copy();
            bestScore = score;
            bestIteration = done;
        }
        listener.onSelection(done, score, better);
    }

    private static Hypergradient.Result sum(Hypergradient.Result a, Hypergradient.Result b) {
        return new Hypergradient.Result(a.loss() + b.loss(), a.images().addi(b.images()),
                a.labels() == null ? null : a.labels().addi(b.labels()), a.rawLr().addi(b.rawLr()));
    }

    private static Hypergradient.Result scaled(Hypergradient.Result r, double f) {
        return new Hypergradient.Result(r.loss() * f, r.images().muli(f), r.labels() == null ? null : r.labels().muli(f),
                r.rawLr().muli(f));
    }

    static int[] sample(SplittableRandom rng, int n, int k) {
        int[] all = ImageSet.range(0, n);
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(n - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return java.util.Arrays.copyOf(all, k);
    }

    private static int[][] byClass(ImageSet train) {
        int[][] idx = new int[train.numClasses()][];
        for (int c = 0; c < idx.length; c++) {
            idx[c] = train.indicesOfClass(c);
            if (idx[c].length == 0) {
                throw new DistillException("--balanced-batch: the training split has no image of class " + c);
            }
        }
        return idx;
    }

    /**
     * {@code k} indices with k / C of each of the C classes (the first k mod C classes one more), drawn without
     * replacement within a class while it has enough images, with replacement otherwise.
     */
    static int[] sampleBalanced(SplittableRandom rng, int[][] byClass, int k) {
        int[] out = new int[k];
        int at = 0;
        for (int c = 0; c < byClass.length; c++) {
            int m = k / byClass.length + (c < k % byClass.length ? 1 : 0);
            int[] cls = byClass[c];
            if (m <= cls.length) {
                for (int i : sample(rng, cls.length, m)) {
                    out[at++] = cls[i];
                }
            } else {
                for (int i = 0; i < m; i++) {
                    out[at++] = cls[rng.nextInt(cls.length)];
                }
            }
        }
        return out;
    }

    /** Writes iteration count, learned tensors and Adam moments (atomically: temp file, then rename). */
    public void saveCheckpoint(Path file) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream os = Files.newOutputStream(tmp); DataOutputStream out = new DataOutputStream(
                new java.io.BufferedOutputStream(os))) {
            out.writeInt(CHECKPOINT_MAGIC);
            out.writeInt(done);
            out.writeDouble(lastLoss);
            for (Object[] pair : new Object[][] {{data.images(), adamImages}, {data.labels(), adamLabels},
                    {data.rawLr(), adamLr}}) {
                Adam adam = (Adam) pair[1];
                Nd4j.write((INDArray) pair[0], out);
                Nd4j.write(adam.m(), out);
                Nd4j.write(adam.v(), out);
                out.writeLong(adam.count());
            }
            out.writeBoolean(best != null);
            if (best != null) {
                out.writeInt(bestIteration);
                out.writeDouble(bestScore);
                Nd4j.write(best.images(), out);
                Nd4j.write(best.labels(), out);
                Nd4j.write(best.rawLr(), out);
            }
        } catch (IOException e) {
            throw new DistillException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DistillException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /** Restores a checkpoint written by a run with the same configuration. */
    public void resume(Path file) {
        try (InputStream is = Files.newInputStream(file); DataInputStream in = new DataInputStream(
                new java.io.BufferedInputStream(is))) {
            int magic = in.readInt();
            if (magic != CHECKPOINT_MAGIC && magic != CHECKPOINT_MAGIC_V1) {
                throw new DistillException(file + ": not a distillation checkpoint");
            }
            int it = in.readInt();
            double loss = in.readDouble();
            for (Object[] pair : new Object[][] {{data.images(), adamImages}, {data.labels(), adamLabels},
                    {data.rawLr(), adamLr}}) {
                INDArray target = (INDArray) pair[0];
                INDArray value = Nd4j.read(in);
                if (!java.util.Arrays.equals(value.shape(), target.shape())) {
                    throw new DistillException(file + ": checkpoint shapes do not match this configuration");
                }
                target.assign(value);
                INDArray m = Nd4j.read(in);
                INDArray v = Nd4j.read(in);
                ((Adam) pair[1]).restore(m, v, in.readLong());
            }
            if (magic == CHECKPOINT_MAGIC && in.readBoolean()) {
                int iteration = in.readInt();
                double score = in.readDouble();
                DistilledData saved = data.copy();
                for (INDArray target : new INDArray[] {saved.images(), saved.labels(), saved.rawLr()}) {
                    INDArray value = Nd4j.read(in);
                    if (!java.util.Arrays.equals(value.shape(), target.shape())) {
                        throw new DistillException(file + ": checkpoint shapes do not match this configuration");
                    }
                    target.assign(value);
                }
                best = saved;
                bestScore = score;
                bestIteration = iteration;
            }
            done = it;
            lastLoss = loss;
        } catch (IOException | RuntimeException e) {
            if (e instanceof DistillException de) {
                throw de;
            }
            throw new DistillException(file + ": unreadable checkpoint: " + e.getMessage(), e);
        }
    }
}
