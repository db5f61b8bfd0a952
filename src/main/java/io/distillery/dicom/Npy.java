package io.distillery.dicom;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * NumPy {@code .npy} format version 1.0 (numpy.lib.format): magic "\x93NUMPY", version 1.0, a little-endian
 * 16-bit header length, then an ASCII Python dict literal padded with spaces and ended by a newline so that the
 * data starts on a 64-byte boundary, then the raw C-order array bytes.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};

    private Npy() {
    }

    /**
     * The complete header (magic to newline) for an array of {@code dtype} (e.g. "&lt;u2") and {@code shape}.
     */
    public static byte[] header(String dtype, long... shape) {
        String dims = Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
        String dict = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': (" + dims
                + (shape.length == 1 ? "," : "") + "), }";
        int unpadded = MAGIC.length + 2 + dict.length() + 1;
        int total = (unpadded + 63) / 64 * 64;
        if (total - MAGIC.length - 2 > 0xFFFF) {
            throw new IllegalArgumentException("npy header too long for format 1.0");
        }
        StringBuilder sb = new StringBuilder(dict);
        sb.append(" ".repeat(total - unpadded)).append('\n');
        byte[] text = sb.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[total];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        out[8] = (byte) text.length;
        out[9] = (byte) (text.length >>> 8);
        System.arraycopy(text, 0, out, 10, text.length);
        return out;
    }

    /** Writes the header; the caller then writes exactly product(shape) * itemsize bytes of data. */
    public static void writeHeader(OutputStream out, String dtype, long... shape) throws IOException {
        out.write(header(dtype, shape));
    }
}
