package io.distillery.distill.data;

import io.distillery.distill.DistillException;
import io.distillery.npy.Npy;
import io.distillery.npy.NpyArray;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Writers for the distilled set: float32 {@code .npy} (readable by numpy and {@link NpzDataset}) and a PNG grid. */
public final class Outputs {
    private Outputs() {
    }

    /** Writes {@code a} as little-endian float32, C order, .npy format 1.0 (by {@link Npy}). */
    public static void writeNpy(Path file, INDArray a) {
        int[] shape = Arrays.stream(a.shape()).mapToInt(Math::toIntExact).toArray();
        try {
            Npy.write(file, NpyArray.float32(shape, a.dup('c').data().asFloat()));
        } catch (IOException e) {
            throw new DistillException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * A grid of the distilled images (one row per step, first channel), each mapped back to pixel scale with
     * the standardisation and clipped to [0, 1], enlarged 4x.
     */
    public static void writePngGrid(Path file, INDArray images, int perRow, Standardisation st) {
        int n = (int) images.size(0);
        int h = (int) images.size(2);
        int w = (int) images.size(3);
        int zoom = 4;
        int gap = 2;
        int rows = (n + perRow - 1) / perRow;
        BufferedImage img = new BufferedImage(perRow * (w * zoom + gap) + gap, rows * (h * zoom + gap) + gap,
                BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < n; i++) {
            int ox = gap + (i % perRow) * (w * zoom + gap);
            int oy = gap + (i / perRow) * (h * zoom + gap);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double u = Math.max(0, Math.min(1, st.toUnit(images.getDouble(i, 0, y, x))));
                    int g = (int) Math.round(u * 255);
                    int rgb = (g << 16) | (g << 8) | g;
                    for (int dy = 0; dy < zoom; dy++) {
                        for (int dx = 0; dx < zoom; dx++) {
                            img.setRGB(ox + x * zoom + dx, oy + y * zoom + dy, rgb);
                        }
                    }
                }
            }
        }
        try {
            ImageIO.write(img, "png", file.toFile());
        } catch (IOException e) {
            throw new DistillException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** θ as raw little-endian float32: the trained model "as saved" for the compression ratio. */
    public static void writeRawFloats(Path file, INDArray theta) {
        double[] v = theta.data().asDouble();
        ByteBuffer bb = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) {
            bb.putFloat((float) x);
        }
        try {
            Files.write(file, bb.array());
        } catch (IOException e) {
            throw new DistillException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
