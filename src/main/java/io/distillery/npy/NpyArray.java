package io.distillery.npy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

    /** A little-endian float32 array of {@code shape} holding {@code values} in C order. */
    public static NpyArray float32(int[] shape, float[] values) {
        ByteBuffer bb = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(values);
        return new NpyArray("<f4", shape, bb.array());
    }

    /**
     * The elements as doubles, for bool, signed and unsigned integer and float32/float64 dtypes in either byte
     * order.
     *
     * @throws IllegalArgumentException for any other dtype
     */
    public double[] toDoubles() {
        ByteBuffer bb = buffer();
        double[] out = new double[(int) size()];
        switch (numericKind()) {
            case "f4" -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = bb.getFloat();
                }
            }
            case "f8" -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = bb.getDouble();
                }
            }
            case "u8" -> {
                for (int i = 0; i < out.length; i++) {
                    long v = bb.getLong();
                    out[i] = v >= 0 ? v : (double) (v >>> 1) * 2 + (v & 1);
                }
            }
            default -> {
                long[] v = toLongs();
                for (int i = 0; i < out.length; i++) {
                    out[i] = v[i];
                }
            }
        }
        return out;
    }

    /** The elements as floats (float32 exactly, other numeric dtypes rounded to float). */
    public float[] toFloats() {
        if (numericKind().equals("f4")) {
            float[] out = new float[(int) size()];
            buffer().asFloatBuffer().get(out);
            return out;
        }
        double[] d = toDoubles();
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (float) d[i];
        }
        return out;
    }

    /**
     * The elements as longs, for bool and integer dtypes (uint64 above Long.MAX_VALUE is refused).
     *
     * @throws IllegalArgumentException for any other dtype
     */
    public long[] toLongs() {
        ByteBuffer bb = buffer();
        long[] out = new long[(int) size()];
        String kind = numericKind();
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (kind) {
                case "b1", "u1" -> bb.get() & 0xFFL;
                case "i1" -> bb.get();
                case "u2" -> bb.getShort() & 0xFFFFL;
                case "i2" -> bb.getShort();
                case "u4" -> bb.getInt() & 0xFFFFFFFFL;
                case "i4" -> bb.getInt();
                case "i8" -> bb.getLong();
                case "u8" -> {
                    long v = bb.getLong();
                    if (v < 0) {
                        throw new IllegalArgumentException("uint64 value above " + Long.MAX_VALUE);
                    }
                    yield v;
                }
                default -> throw new IllegalArgumentException("expected an integer dtype, got " + dtype);
            };
        }
        return out;
    }

    /** Kind and size ("u1", "f4", ...) of a numeric dtype; refuses strings, complex and half floats. */
    private String numericKind() {
        String kind = dtype.substring(1);
        return switch (kind) {
            case "b1", "u1", "i1", "u2", "i2", "u4", "i4", "u8", "i8", "f4", "f8" -> kind;
            default -> throw new IllegalArgumentException("expected a numeric dtype, got " + dtype);
        };
    }

    private ByteBuffer buffer() {
        return ByteBuffer.wrap(data).order(dtype.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
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
