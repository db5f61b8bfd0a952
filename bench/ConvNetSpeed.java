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
 * Seconds per outer iteration of the ConvNet at 64 px: PneumoniaMNIST upsampled bilinearly from 28 px, fixed
 * init, 2 soft-label images, 1 step x 3 epochs, float32 real batch, after a 3-iteration warm-up. Arguments:
 * npz, iterations, batch, widths... Prints one line per width: {@code width wall_s_per_iter cpu_s_per_iter}.
 */
public final class ConvNetSpeed {
    public static void main(String[] args) {
        ImageSet train = upsample(NpzDataset.read(Path.of(args[0])).train(), 64);
        int iterations = Integer.parseInt(args[1]);
        int batch = Integer.parseInt(args[2]);
        for (int i = 3; i < args.length; i++) {
            int width = Integer.parseInt(args[i]);
            ModelSpec spec = new ModelSpec("convnet", 1, 64, 64, train.numClasses(), width);
            run(train, spec, batch, 3);
            long cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            long wall0 = System.nanoTime();
            run(train, spec, batch, iterations);
            double cpu = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0) / 1e9 / iterations;
            double wall = (System.nanoTime() - wall0) / 1e9 / iterations;
            System.out.printf(Locale.ROOT, "%d %.3f %.3f%n", width, wall, cpu);
        }
    }

    private static void run(ImageSet train, ModelSpec spec, int batch, int iterations) {
        DistillConfig cfg = new DistillConfig("convnet", 2, 1, 3, iterations, batch, 0.02, DistillConfig.Init.FIXED,
                true, 0, 0.01, 0, 0.5, DataType.FLOAT, 5, false);
        new Distiller(cfg, spec).run(train, ProgressListener.NONE, 0, null);
    }

    /** Bilinear resize of every image to side x side (align-corners sampling). */
    static ImageSet upsample(ImageSet set, int side) {
        int h = set.height();
        int w = set.width();
        int planes = set.size() * set.channels();
        float[] src = set.pixels();
        float[] out = new float[planes * side * side];
        double sy = (h - 1.0) / (side - 1);
        double sx = (w - 1.0) / (side - 1);
        for (int p = 0; p < planes; p++) {
            int s0 = p * h * w;
            int o0 = p * side * side;
            for (int y = 0; y < side; y++) {
                int y0 = Math.min((int) (y * sy), h - 2);
                double ty = y * sy - y0;
                for (int x = 0; x < side; x++) {
                    int x0 = Math.min((int) (x * sx), w - 2);
                    double tx = x * sx - x0;
                    double top = src[s0 + y0 * w + x0] * (1 - tx) + src[s0 + y0 * w + x0 + 1] * tx;
                    double bottom = src[s0 + (y0 + 1) * w + x0] * (1 - tx) + src[s0 + (y0 + 1) * w + x0 + 1] * tx;
                    out[o0 + y * side + x] = (float) (top * (1 - ty) + bottom * ty);
                }
            }
        }
        return new ImageSet(out, set.labels(), set.channels(), side, side, set.numClasses());
    }
}
