package io.distillery.distill;

import io.distillery.distill.data.NpzDataset;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Dumps the engine's starting state and what it computes from it, as .npy files, so that the PyTorch reference
 * ({@code bench/reference/distill_ref.py --compare DIR}) can start from the same θ0, distilled images, labels,
 * learning rates and real batches and compare the outer loss, the hypergradient at iteration 0 and the
 * trajectory. Lives in the engine's package (it uses the batch sampler and fixed init of {@link Distiller}).
 * Usage: DistillCompare FILE.npz OUT_DIR ITERATIONS [images-per-step steps epochs [float|double]]
 */
public final class DistillCompare {
    private DistillCompare() {
    }

    public static void main(String[] args) throws Exception {
        NpzDataset ds = NpzDataset.read(Path.of(args[0]));
        Path out = Files.createDirectories(Path.of(args[1]));
        int iterations = Integer.parseInt(args[2]);
        int n = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        int steps = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        int epochs = args.length > 5 ? Integer.parseInt(args[5]) : 3;
        DataType type = args.length > 6 && args[6].equals("double") ? DataType.DOUBLE : DataType.FLOAT;
        ModelSpec spec = new ModelSpec("lenet", ds.train().channels(), ds.train().height(), ds.train().width(),
                ds.train().numClasses());
        DistillConfig cfg = new DistillConfig("lenet", n, steps, epochs, iterations, 256, 0.02,
                DistillConfig.Init.FIXED, true, 0, 0.01, 0, 0.5, type, 5, false);
        Distiller distiller = new Distiller(cfg, spec);
        DistilledData d = distiller.data();
        INDArray theta0 = Distiller.fixedInit(distiller.innerNetwork(), cfg.seed());
        write(out, "theta0", theta0);
        write(out, "images0", d.images());
        write(out, "labels0", d.labels());
        write(out, "rawlr0", d.rawLr());
        int[][] idx = new int[iterations][];
        for (int i = 0; i < iterations; i++) {
            idx[i] = Distiller.sample(new SplittableRandom(Distiller.mix(cfg.seed(), i)), ds.train().size(),
                    cfg.batch());
        }
        write(out, "batches", Nd4j.createFromArray(idx));

        Hypergradient.Result r = distiller.hypergradient().compute(theta0, d,
                ds.train().images(idx[0], type), ds.train().labels(idx[0]), true);
        write(out, "g_images", r.images());
        write(out, "g_labels", r.labels());
        write(out, "g_rawlr", r.rawLr());
        System.out.printf("iteration 0: outer loss %.8f%n", r.loss());

        double[] losses = new double[iterations];
        distiller.run(ds.train(), p -> losses[p.iteration() - 1] = p.outerLoss(), 0, null);
        write(out, "losses", Nd4j.createFromArray(losses));
        write(out, "images", d.images());
        write(out, "labels", d.labels());
        write(out, "rawlr", d.rawLr());
        INDArray thetaT = distiller.hypergradient().unroll(theta0, d).castTo(type);
        double acc = Metrics.evaluate(distiller.outerNetwork(), thetaT, ds.test()).accuracy();
        System.out.printf("after %d iterations: loss %.6f, test accuracy from θ0 %.4f, lrs %s%n", iterations,
                losses[iterations - 1], acc, java.util.Arrays.toString(d.learningRates()));
    }

    private static void write(Path dir, String name, INDArray a) throws Exception {
        Nd4j.writeAsNumpy(a.dup('c'), new File(dir.toFile(), name + ".npy"));
    }
}
