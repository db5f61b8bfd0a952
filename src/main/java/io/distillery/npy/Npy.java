package io.distillery.npy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * NumPy's {@code .npy} format (version 1.0 header, C order) and {@code .npz} archives (a ZIP of {@code .npy}
 * entries), the exchange format between the store, the distillation engine and Python tools.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']+)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /** The complete version 1.0 header (magic to newline) for an array of {@code dtype} and {@code shape}. */
    public static byte[] header(String dtype, long... shape) {
        String dims = java.util.Arrays.stream(shape).mapToObj(Long::toString)
                .collect(java.util.stream.Collectors.joining(", "));
        String dict = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': (" + dims
                + (shape.length == 1 ? "," : "") + "), }";
        int unpadded = MAGIC.length + 4 + dict.length() + 1;
        int total = (unpadded + 63) / 64 * 64;
        if (total - MAGIC.length - 4 > 0xFFFF) {
            throw new IllegalArgumentException("npy header too long for format 1.0");
        }
        byte[] text = (dict + " ".repeat(total - unpadded) + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[total];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        out[6] = 1;
        out[8] = (byte) text.length;
        out[9] = (byte) (text.length >>> 8);
        System.arraycopy(text, 0, out, 10, text.length);
        return out;
    }

    /** Writes the header alone; the caller then streams exactly product(shape) * itemsize bytes of data. */
    public static void writeHeader(OutputStream out, String dtype, long... shape) throws IOException {
        out.write(header(dtype, shape));
    }

    public static void write(OutputStream out, NpyArray a) throws IOException {
        out.write(header(a.dtype(), java.util.Arrays.stream(a.shape()).asLongStream().toArray()));
        out.write(a.data());
    }

    public static void write(Path file, NpyArray a) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out, a);
        }
    }

    /** Reads a {@code .npy} file. */
    public static NpyArray read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }

    /** Reads one array; fails clearly on anything but a C-order version 1/2/3 file whose data is complete. */
    public static NpyArray read(InputStream in) throws IOException {
        byte[] magic = in.readNBytes(8);
        if (magic.length < 8 || magic[0] != MAGIC[0] || magic[1] != 'N' || magic[5] != 'Y') {
            throw new IOException("not a .npy file");
        }
        int major = magic[6];
        int headerLen;
        if (major == 1) {
            byte[] l = in.readNBytes(2);
            headerLen = (l[0] & 0xFF) | (l[1] & 0xFF) << 8;
        } else {
            byte[] l = in.readNBytes(4);
            headerLen = (l[0] & 0xFF) | (l[1] & 0xFF) << 8 | (l[2] & 0xFF) << 16 | (l[3] & 0xFF) << 24;
        }
        if (headerLen < 0 || headerLen > 1 << 20) {
            throw new IOException(".npy header length " + headerLen + " is implausible");
        }
        String header = new String(in.readNBytes(headerLen), StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher o = ORDER.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !o.find() || !s.find()) {
            throw new IOException(".npy header not understood: " + header.trim());
        }
        if (o.group(1).equals("True")) {
            throw new IOException("Fortran-order .npy arrays are not supported");
        }
        String[] dims = s.group(1).split(",");
        int n = 0;
        int[] shape = new int[dims.length];
        for (String dim : dims) {
            if (!dim.isBlank()) {
                shape[n++] = Integer.parseInt(dim.trim());
            }
        }
        shape = java.util.Arrays.copyOf(shape, n);
        long count = 1;
        for (int x : shape) {
            count *= x;
        }
        long bytes = count * NpyArray.itemSize(d.group(1));
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new IOException(".npy array of " + bytes + " bytes is too large");
        }
        byte[] data = in.readNBytes((int) bytes);
        if (data.length != bytes) {
            throw new IOException(".npy data truncated: " + data.length + " of " + bytes + " bytes");
        }
        return new NpyArray(d.group(1), shape, data);
    }

    /** Writes named arrays as an .npz archive (deflated entries, as numpy.savez_compressed). */
    public static void writeNpz(Path file, Map<String, NpyArray> arrays) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                write(buf, e.getValue());
                buf.writeTo(zip);
                zip.closeEntry();
            }
        }
    }

    /**
     * Reads one array of an .npz archive by name (without ".npy"), leaving the others unread: the labels of a
     * cohort without its images, for instance.
     */
    public static NpyArray readNpzEntry(Path file, String name) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry entry = zip.getEntry(name + ".npy");
            if (entry == null) {
                throw new IOException(file + " has no array " + name);
            }
            try (InputStream in = zip.getInputStream(entry)) {
                return read(in);
            }
        }
    }

    /** Reads every array of an .npz archive, keyed by entry name without ".npy". */
    public static Map<String, NpyArray> readNpz(Path file) throws IOException {
        Map<String, NpyArray> out = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                String name = e.getName();
                if (name.endsWith(".npy")) {
                    try {
                        out.put(name.substring(0, name.length() - 4), read(zip));
                    } catch (IOException | IllegalArgumentException ex) {
                        throw new IOException("entry " + name + ": " + ex.getMessage(), ex);
                    }
                }
            }
        }
        if (out.isEmpty()) {
            // ZipInputStream reads a file that is no ZIP at all as an empty archive.
            throw new IOException("holds no .npy arrays (not an npz archive?)");
        }
        return out;
    }
}
