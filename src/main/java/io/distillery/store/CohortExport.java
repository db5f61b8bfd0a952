package io.distillery.store;

import io.distillery.npy.Npy;
import io.distillery.npy.NpyArray;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exports a cohort to the MedMNIST npz layout the distillation engine reads: {@code train_images} uint8
 * (N, H, W), {@code train_labels} uint8 (N, 1), the same for {@code val_} and {@code test_}, plus
 * {@code label_names} (the class index is the position of the label in the list given).
 *
 * <p>The split is by patient, never by image, so that no patient has images on both sides of an evaluation: a
 * patient goes to test, val or train by the SHA-256 of its pseudonymous key, which is stable across exports.
 */
public final class CohortExport {
    private CohortExport() {
    }

    /** Counts written per split. */
    public record Summary(int train, int val, int test, int height, int width) {
    }

    public static Summary toNpz(SampleStore store, List<String> labels, Path out, double valFraction,
            double testFraction) throws IOException {
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("name the labels to export, in class-index order");
        }
        if (labels.size() > 255) {
            throw new IllegalArgumentException("at most 255 labels fit the uint8 label layout");
        }
        List<Sample> samples = store.cohort(labels);
        if (samples.isEmpty()) {
            throw new StoreException("no samples with labels " + labels);
        }
        int h = samples.get(0).height();
        int w = samples.get(0).width();
        Map<String, List<Sample>> splits = new LinkedHashMap<>();
        splits.put("train", new ArrayList<>());
        splits.put("val", new ArrayList<>());
        splits.put("test", new ArrayList<>());
        for (Sample s : samples) {
            if (s.height() != h || s.width() != w) {
                throw new StoreException("sample " + s.key() + " is " + s.height() + "x" + s.width()
                        + ", the cohort is " + h + "x" + w + ": normalise to one grid");
            }
            double u = unit(s.patientKey() == null ? s.key() : s.patientKey());
            splits.get(u < testFraction ? "test" : u < testFraction + valFraction ? "val" : "train").add(s);
        }
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        for (Map.Entry<String, List<Sample>> e : splits.entrySet()) {
            List<Sample> list = e.getValue();
            byte[] images = new byte[list.size() * h * w];
            byte[] y = new byte[list.size()];
            for (int i = 0; i < list.size(); i++) {
                float[] px = list.get(i).pixels();
                for (int j = 0; j < px.length; j++) {
                    images[i * h * w + j] = (byte) Math.round(Math.max(0f, Math.min(1f, px[j])) * 255f);
                }
                y[i] = (byte) labels.indexOf(list.get(i).label());
            }
            arrays.put(e.getKey() + "_images", new NpyArray("|u1", new int[] {list.size(), h, w}, images));
            arrays.put(e.getKey() + "_labels", new NpyArray("|u1", new int[] {list.size(), 1}, y));
        }
        int width = 1;
        for (String l : labels) {
            width = Math.max(width, l.getBytes(StandardCharsets.UTF_8).length);
        }
        byte[] names = new byte[labels.size() * width];
        for (int i = 0; i < labels.size(); i++) {
            byte[] b = labels.get(i).getBytes(StandardCharsets.UTF_8);
            System.arraycopy(b, 0, names, i * width, b.length);
        }
        arrays.put("label_names", new NpyArray("|S" + width, new int[] {labels.size()}, names));
        Npy.writeNpz(out, arrays);
        return new Summary(splits.get("train").size(), splits.get("val").size(), splits.get("test").size(), h, w);
    }

    private static double unit(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 7; i++) {
                v = (v << 8) | (d[i] & 0xFF);
            }
            return v / (double) (1L << 56);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
