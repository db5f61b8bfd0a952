package io.distillery.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.npy.Npy;
import io.distillery.npy.NpyArray;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour every store must have, run against each real database. */
abstract class SampleStoreContract {
    @TempDir
    Path tmp;

    abstract SampleStore store();

    static Sample sample(String key, String patient, String label, String modality, float fill) {
        float[] px = new float[4 * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = fill * (i + 1) / px.length;
        }
        return new Sample(key, "2.25.9" + patient.length(), patient, label,
                new Sample.Provenance(modality, "1.2.840.10008.5.1.4.1.1.1", "1.2.840.10008.1.2.1", "ingest",
                        Instant.parse("2026-11-27T10:00:00Z")), 4, 3, px);
    }

    @Test
    void theSameInstanceTwiceIsOneSample() {
        SampleStore s = store();
        assertTrue(s.put(sample("2.25.1", "PSN-A", "normal", "CR", 0.5f)));
        assertFalse(s.put(sample("2.25.1", "PSN-A", "pneumonia", "CR", 0.9f)));
        assertEquals(1, s.count());
        Sample back = s.get("2.25.1").orElseThrow();
        assertEquals("normal", back.label(), "the first sample is kept unchanged");
        assertArrayEquals(sample("2.25.1", "PSN-A", "normal", "CR", 0.5f).pixels(), back.pixels());
        assertEquals(Instant.parse("2026-11-27T10:00:00Z"), back.provenance().receivedAt());
    }

    @Test
    void countsPerLabelAndModality() {
        SampleStore s = store();
        s.put(sample("2.25.1", "PSN-A", "normal", "CR", 0.1f));
        s.put(sample("2.25.2", "PSN-B", "normal", "DX", 0.2f));
        s.put(sample("2.25.3", "PSN-C", "pneumonia", "CR", 0.3f));
        assertEquals(Map.of("normal", 2L, "pneumonia", 1L), s.countsByLabel());
        assertEquals(Map.of("normal", Map.of("CR", 1L, "DX", 1L), "pneumonia", Map.of("CR", 1L)),
                s.countsByLabelAndModality());
    }

    @Test
    void parkedInstancesAreVisibleAndCounted() {
        SampleStore s = store();
        s.park(new ParkedInstance("2.25.7", "no label rule matched", "CR", "1.2.3", "ingest", "/spool/x.dcm",
                Instant.now()));
        s.park(new ParkedInstance("2.25.7", "still no label", "CR", "1.2.3", "ingest", "/spool/x.dcm",
                Instant.now()));
        assertEquals(1, s.parkedCount());
        assertEquals("still no label", s.parked().get(0).reason());
        assertEquals(0, s.count(), "a parked instance is not a sample");
    }

    @Test
    void cohortExportIsReadableByNumpyAndSplitsByPatient() throws Exception {
        SampleStore s = store();
        for (int i = 0; i < 40; i++) {
            s.put(sample("2.25.1" + i, "PSN-" + (i / 2), i % 3 == 0 ? "pneumonia" : "normal", "CR", 1f));
        }
        Path npz = tmp.resolve("cohort.npz");
        CohortExport.Summary sum = CohortExport.toNpz(s, List.of("normal", "pneumonia"), npz, 0.2, 0.2);
        assertEquals(40, sum.train() + sum.val() + sum.test());
        Map<String, NpyArray> arrays = Npy.readNpz(npz);
        assertArrayEquals(new int[] {sum.train(), 4, 3}, arrays.get("train_images").shape());
        assertArrayEquals(new int[] {sum.test(), 1}, arrays.get("test_labels").shape());
        // numpy reads it and agrees on shapes, dtype, value range and the label balance.
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", String.join("\n",
                "import numpy as np",
                "d = np.load(r'" + npz + "')",
                "imgs = np.concatenate([d[k + '_images'] for k in ('train', 'val', 'test')])",
                "labs = np.concatenate([d[k + '_labels'] for k in ('train', 'val', 'test')]).ravel()",
                "print(imgs.dtype, imgs.shape[1:], int(imgs.max()), int((labs == 1).sum()), d['label_names'][1].decode())"))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(0, p.waitFor());
        assertEquals("uint8 (4, 3) 255 14 pneumonia", out);
        // Every patient has two images; a split by image would leave odd counts somewhere.
        assertEquals(0, sum.train() % 2);
        assertEquals(0, sum.val() % 2);
        assertEquals(0, sum.test() % 2);
        assertTrue(sum.test() > 0 && sum.val() > 0, "both held-out splits are used at these fractions");
    }
}
