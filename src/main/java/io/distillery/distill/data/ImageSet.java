package io.distillery.distill.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Labelled images in NCHW order, already scaled to model input (see {@link Standardisation}).
 *
 * @param pixels  N*C*H*W values, image-major
 * @param labels  class index per image
 */
public record ImageSet(float[] pixels, int[] labels, int channels, int height, int width, int numClasses) {

    public ImageSet {
        if ((long) labels.length * channels * height * width != pixels.length) {
            throw new IllegalArgumentException("pixels do not match " + labels.length + " images of "
                    + channels + "x" + height + "x" + width);
        }
    }

    public int size() {
        return labels.length;
    }

    public int imageSize() {
        return channels * height * width;
    }

    /** The images at {@code indices} as an [n, C, H, W] array of the given type. */
    public INDArray images(int[] indices, DataType type) {
        int d = imageSize();
        float[] out = new float[indices.length * d];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(pixels, indices[i] * d, out, i * d, d);
        }
        return Nd4j.create(out, new long[] {indices.length, channels, height, width}, 'c').castTo(type);
    }

    public int[] labels(int[] indices) {
        int[] out = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = labels[indices[i]];
        }
        return out;
    }

    /** Indices of every image of class {@code c}, in file order. */
    public int[] indicesOfClass(int c) {
        return java.util.stream.IntStream.range(0, labels.length).filter(i -> labels[i] == c).toArray();
    }

    public static int[] range(int from, int to) {
        return java.util.stream.IntStream.range(from, to).toArray();
    }
}
