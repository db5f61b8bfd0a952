package io.distillery.distill.data;

import io.distillery.distill.DistillException;
import io.distillery.npy.Npy;
import io.distillery.npy.NpyArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * A classification dataset in the MedMNIST npz layout: a ZIP of {@code .npy} arrays {@code train_images}
 * (N,H,W) or channels-last (N,H,W,C), {@code train_labels} (N,1) or (N,), optional
 * {@code val_*}, and {@code test_*}. Images are {@code |u1} (scaled by 1/255) or {@code <f4} (taken as
 * [0, 1]); labels are any integer dtype. All splits are standardised with the training split's statistics
 * ({@link Standardisation}). The archive is read by {@link Npy}.
 */
public record NpzDataset(ImageSet train, ImageSet val, ImageSet test, Standardisation standardisation) {

    /** Reads and standardises the file; {@link DistillException} with a one-line reason if it is malformed. */
    public static NpzDataset read(Path file) {
        return read(file, null);
    }

    /**
     * The same with a given standardisation instead of the training split's statistics (null: those statistics);
     * the differentially private mode needs one that does not depend on the data.
     */
    public static NpzDataset read(Path file, Standardisation fixed) {
        if (!Files.isRegularFile(file)) {
            throw new DistillException(file + ": no such file");
        }
        Map<String, NpyArray> arrays;
        try {
            arrays = Npy.readNpz(file);
        } catch (IOException | IllegalArgumentException e) {
            throw new DistillException(file + ": not a readable npz file: " + e.getMessage(), e);
        }
        Split trainX = required(arrays, file, "train_images");
        Split trainY = required(arrays, file, "train_labels");
        Split testX = required(arrays, file, "test_images");
        Split testY = required(arrays, file, "test_labels");
        Split valX = optional(arrays, file, "val_images");
        Split valY = valX == null ? null : required(arrays, file, "val_labels");
        int numClasses = 1 + Math.max(max(trainY.labels()), max(testY.labels()));
        if (numClasses < 2) {
            throw new DistillException(file + ": needs at least two classes");
        }
        float[] trainPixels = trainX.unitPixels();
        Standardisation st = fixed != null ? fixed : Standardisation.of(trainPixels);
        ImageSet train = imageSet(file, "train", trainX, trainPixels, trainY, numClasses, st);
        ImageSet test = imageSet(file, "test", testX, testX.unitPixels(), testY, numClasses, st);
        ImageSet val = valX == null ? null : imageSet(file, "val", valX, valX.unitPixels(), valY, numClasses, st);
        if (test.height() != train.height() || test.width() != train.width()) {
            throw new DistillException(file + ": test images are not the size of the training images");
        }
        return new NpzDataset(train, val, test, st);
    }

    private static ImageSet imageSet(Path file, String split, Split x, float[] pixels, Split y, int numClasses,
                                     Standardisation st) {
        int[] labels = y.labels();
        if (labels.length != x.shape()[0]) {
            throw new DistillException(file + ": " + split + " has " + x.shape()[0] + " images but " + labels.length
                    + " labels");
        }
        for (int l : labels) {
            if (l < 0) {
                throw new DistillException(file + ": " + split + "_labels has a negative label");
            }
        }
        int c = x.shape().length == 4 ? x.shape()[3] : 1;
        if (c != 1) {
            // The models take NCHW.
            pixels = toChannelsFirst(pixels, x.shape()[0], x.shape()[1], x.shape()[2], c);
        }
        st.applyInPlace(pixels);
        return new ImageSet(pixels, labels, c, x.shape()[1], x.shape()[2], numClasses);
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

    private static Split required(Map<String, NpyArray> arrays, Path file, String name) {
        Split a = optional(arrays, file, name);
        if (a == null) {
            throw new DistillException(file + ": missing array " + name + ".npy");
        }
        return a;
    }

    private static Split optional(Map<String, NpyArray> arrays, Path file, String name) {
        NpyArray a = arrays.get(name);
        return a == null ? null : new Split(file + ":" + name, a);
    }

    /** One array of the archive, named for error messages, read as images or labels. */
    private record Split(String where, NpyArray array) {

        int[] shape() {
            return array.shape();
        }

        float[] unitPixels() {
            int[] shape = array.shape();
            if (shape.length != 3 && shape.length != 4) {
                throw new DistillException(where + ": images must be (N,H,W) or (N,H,W,C), got "
                        + Arrays.toString(shape));
            }
            double scale = switch (array.dtype()) {
                case "|u1", "<u1" -> 1 / 255.0;
                case "<f4" -> 1;
                default -> throw new DistillException(where + ": images must be uint8 or float32, got "
                        + array.dtype());
            };
            float[] out = array.toFloats();
            if (scale != 1) {
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) (out[i] * scale);
                }
            }
            return out;
        }

        int[] labels() {
            int[] shape = array.shape();
            boolean columnOk = shape.length == 1 || (shape.length == 2 && shape[1] == 1);
            if (!columnOk) {
                throw new DistillException(where + ": labels must be (N,) or (N,1), got " + Arrays.toString(shape));
            }
            long[] v;
            try {
                v = array.toLongs();
            } catch (IllegalArgumentException e) {
                throw new DistillException(where + ": labels must be integers, got " + array.dtype(), e);
            }
            int[] out = new int[v.length];
            for (int i = 0; i < v.length; i++) {
                if (v[i] != (int) v[i]) {
                    throw new DistillException(where + ": label " + v[i] + " is out of range");
                }
                out[i] = (int) v[i];
            }
            return out;
        }
    }
}
