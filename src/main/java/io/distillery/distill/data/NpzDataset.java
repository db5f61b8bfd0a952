package io.distillery.distill.data;

import io.distillery.distill.DistillException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A classification dataset in the MedMNIST npz layout: a ZIP of {@code .npy} arrays {@code train_images}
 * (N,H,W) or channels-last (N,H,W,C), {@code train_labels} (N,1) or (N,), optional
 * {@code val_*}, and {@code test_*}. Images are {@code |u1} (scaled by 1/255) or {@code <f4} (taken as
 * [0, 1]); labels are {@code |u1}, {@code <i4} or {@code <i8}. All splits are standardised with the training
 * split's statistics ({@link Standardisation}).
 */
public record NpzDataset(ImageSet train, ImageSet val, ImageSet test, Standardisation standardisation) {

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** Reads and standardises the file; {@link DistillException} with a one-line reason if it is malformed. */
    public static NpzDataset read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DistillException(file + ": no such file");
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Npy trainX = required(zip, file, "train_images");
            Npy trainY = required(zip, file, "train_labels");
            Npy testX = required(zip, file, "test_images");
            Npy testY = required(zip, file, "test_labels");
            Npy valX = optional(zip, file, "val_images");
            Npy valY = valX == null ? null : required(zip, file, "val_labels");
            int numClasses = 1 + Math.max(max(trainY.labels()), max(testY.labels()));
            if (numClasses < 2) {
                throw new DistillException(file + ": needs at least two classes");
            }
            float[] trainPixels = trainX.unitPixels();
            Standardisation st = Standardisation.of(trainPixels);
            ImageSet train = imageSet(file, "train", trainX, trainPixels, trainY, numClasses, st);
            ImageSet test = imageSet(file, "test", testX, testX.unitPixels(), testY, numClasses, st);
            ImageSet val = valX == null ? null : imageSet(file, "val", valX, valX.unitPixels(), valY, numClasses, st);
            if (test.height() != train.height() || test.width() != train.width()) {
                throw new DistillException(file + ": test images are not the size of the training images");
            }
            return new NpzDataset(train, val, test, st);
        } catch (java.util.zip.ZipException e) {
            throw new DistillException(file + ": not a valid npz (ZIP) file: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DistillException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static ImageSet imageSet(Path file, String split, Npy x, float[] pixels, Npy y, int numClasses,
                                     Standardisation st) {
        int[] labels = y.labels();
        if (labels.length != x.shape[0]) {
            throw new DistillException(file + ": " + split + " has " + x.shape[0] + " images but " + labels.length
                    + " labels");
        }
        for (int l : labels) {
            if (l < 0) {
                throw new DistillException(file + ": " + split + "_labels has a negative label");
            }
        }
        int c = x.shape.length == 4 ? (int) x.shape[3] : 1;
        if (c != 1) {
            // The models take NCHW.
            pixels = toChannelsFirst(pixels, (int) x.shape[0], (int) x.shape[1], (int) x.shape[2], c);
        }
        st.applyInPlace(pixels);
        return new ImageSet(pixels, labels, c, (int) x.shape[1], (int) x.shape[2], numClasses);
    }

    private static float[] toChannelsFirst(float[] hwc, int n, int h, int w, int c) {
        float[] out = new float[hwc.length];
        int plane = h * w;
        for (int i = 0; i < n; i++) {
            int base = i * plane * c;
            for (int p = 0; p < plane; p++) {
                for (int k = 0; k < c; k++) {
                    out[base + k * plane + p] = hwc[base + p * c + k];
                }
            }
        }
        return out;
    }

    private static int max(int[] v) {
        int m = Integer.MIN_VALUE;
        for (int x : v) {
            m = Math.max(m, x);
        }
        return m;
    }

    private static Npy required(ZipFile zip, Path file, String name) throws IOException {
        Npy npy = optional(zip, file, name);
        if (npy == null) {
            throw new DistillException(file + ": missing array " + name + ".npy");
        }
        return npy;
    }

    private static Npy optional(ZipFile zip, Path file, String name) throws IOException {
        ZipEntry e = zip.getEntry(name + ".npy");
        if (e == null) {
            return null;
        }
        try (InputStream in = zip.getInputStream(e)) {
            return Npy.parse(file + ":" + name, in.readAllBytes());
        }
    }

    /** One parsed {@code .npy} array (format 1.0/2.0/3.0, C order). */
    record Npy(String where, String descr, long[] shape, ByteBuffer data) {

        static Npy parse(String where, byte[] bytes) {
            if (bytes.length < 10 || (bytes[0] & 0xff) != 0x93 || bytes[1] != 'N' || bytes[2] != 'U') {
                throw new DistillException(where + ": not a .npy array (bad magic)");
            }
            int major = bytes[6];
            ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            int headerLen;
            int start;
            if (major == 1) {
                headerLen = bb.getShort(8) & 0xffff;
                start = 10;
            } else if (major == 2 || major == 3) {
                headerLen = bb.getInt(8);
                start = 12;
            } else {
                throw new DistillException(where + ": unsupported .npy version " + major);
            }
            if (headerLen < 0 || start + headerLen > bytes.length) {
                throw new DistillException(where + ": truncated .npy header");
            }
            String header = new String(bytes, start, headerLen, StandardCharsets.ISO_8859_1);
            Matcher d = DESCR.matcher(header);
            Matcher f = FORTRAN.matcher(header);
            Matcher s = SHAPE.matcher(header);
            if (!d.find() || !f.find() || !s.find()) {
                throw new DistillException(where + ": malformed .npy header");
            }
            if (f.group(1).equals("True")) {
                throw new DistillException(where + ": Fortran-order arrays are not supported");
            }
            String[] dims = s.group(1).split(",");
            long[] shape = java.util.Arrays.stream(dims).map(String::trim).filter(x -> !x.isEmpty())
                    .mapToLong(Long::parseLong).toArray();
            long count = 1;
            for (long v : shape) {
                count *= v;
            }
            int itemSize = switch (d.group(1)) {
                case "|u1", "<u1", "|i1" -> 1;
                case "<i4", "<f4" -> 4;
                case "<i8" -> 8;
                default -> throw new DistillException(where + ": unsupported dtype " + d.group(1));
            };
            int dataStart = start + headerLen;
            if ((long) bytes.length - dataStart < count * itemSize) {
                throw new DistillException(where + ": truncated data (" + (bytes.length - dataStart) + " bytes for "
                        + count + " values)");
            }
            ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, (int) (count * itemSize)).slice()
                    .order(ByteOrder.LITTLE_ENDIAN);
            return new Npy(where, d.group(1), shape, data);
        }

        long count() {
            long c = 1;
            for (long v : shape) {
                c *= v;
            }
            return c;
        }

        float[] unitPixels() {
            if (shape.length != 3 && shape.length != 4) {
                throw new DistillException(where + ": images must be (N,H,W) or (N,H,W,C), got "
                        + java.util.Arrays.toString(shape));
            }
            int n = (int) count();
            float[] out = new float[n];
            switch (descr) {
                case "|u1", "<u1" -> {
                    for (int i = 0; i < n; i++) {
                        out[i] = (data.get(i) & 0xff) / 255f;
                    }
                }
                case "<f4" -> {
                    for (int i = 0; i < n; i++) {
                        out[i] = data.getFloat(i * 4);
                    }
                }
                default -> throw new DistillException(where + ": images must be uint8 or float32, got " + descr);
            }
            return out;
        }

        int[] labels() {
            boolean columnOk = shape.length == 1 || (shape.length == 2 && shape[1] == 1);
            if (!columnOk) {
                throw new DistillException(where + ": labels must be (N,) or (N,1), got " + java.util.Arrays.toString(shape));
            }
            int n = (int) shape[0];
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                out[i] = switch (descr) {
                    case "|u1", "<u1" -> data.get(i) & 0xff;
                    case "|i1" -> data.get(i);
                    case "<i4" -> data.getInt(i * 4);
                    case "<i8" -> Math.toIntExact(data.getLong(i * 8));
                    default -> throw new DistillException(where + ": labels must be integers, got " + descr);
                };
            }
            return out;
        }
    }
}
