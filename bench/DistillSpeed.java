package io.distillery.bench;

import io.distillery.distill.DistillConfig;
import io.distillery.distill.Distiller;
import io.distillery.distill.ModelSpec;
import io.distillery.distill.ProgressListener;
import io.distillery.distill.data.ImageSet;
import io.distillery.distill.data.NpzDataset;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Seconds per outer iteration of the first row of issue 4 (PneumoniaMNIST, fixed init, 2 soft-label images,
 * 1 step x 3 epochs, batch 256, LeNet), after a warm-up run: wall time and the CPU time of the thread doing
 * the work (ND4J runs its ops in the calling thread with OMP_NUM_THREADS=1), which is what stays comparable
 * on a shared machine. Prints one line: {@code wall_s_per_iter cpu_s_per_iter}.
 */
public final class DistillSpeed {
    public static void main(String[] args) {
        Path npz = Path.of(args[0]);
        int iterations = Integer.parseInt(args[1]);
        ImageSet train = NpzDataset.read(npz).train();
        ModelSpec spec = new ModelSpec("lenet", train.channels(), train.height(), train.width(), train.numClasses());
        run(train, spec, Math.max(5, iterations / 5));
        long cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        run(train, spec, iterations);
        double cpu = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0) / 1e9 / iterations;
        double wall = (System.nanoTime() - wall0) / 1e9 / iterations;
        System.out.printf(Locale.ROOT, "%.4f %.4f%n", wall, cpu);
    }

    private static void run(ImageSet train, ModelSpec spec, int iterations) {
        DistillConfig cfg = new DistillConfig("lenet", 2, 1, 3, iterations, 256, 0.02, DistillConfig.Init.FIXED, true,
                0, 0.01, 0, 0.5, DataType.FLOAT, 5, false);
        new Distiller(cfg, spec).run(train, ProgressListener.NONE, 0, null);
    }
}
