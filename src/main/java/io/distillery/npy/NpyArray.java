package io.distillery.npy;

import java.util.Arrays;

/**
 * An n-dimensional array as NumPy stores it: a dtype descriptor such as {@code "|u1"}, {@code "<f4"}, a shape, and
 * the raw C-order bytes in the dtype's byte order.
 */
public record NpyArray(String dtype, int[] shape, byte[] data) {

    public NpyArray {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n *= d;
        }
        long expected = n * itemSize(dtype);
        if (expected != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                    + expected + " bytes, got " + data.length);
        }
    }

    /** Number of elements. */
    public long size() {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** Bytes per element of a simple dtype descriptor ("|u1", "<i2", "<f8", "|b1", "|S8"...). */
    public static int itemSize(String dtype) {
        if (dtype.length() < 3) {
            throw new IllegalArgumentException("unsupported dtype " + dtype);
        }
        char kind = dtype.charAt(1);
        int size = Integer.parseInt(dtype.substring(2));
        return kind == 'U' ? 4 * size : size;
    }
}
