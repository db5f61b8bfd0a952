package io.distillery.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.distillery.npy.Npy;
import io.distillery.npy.NpyArray;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's distillation stage with {@link DistillAndPackage.Privacy} on a small synthetic cohort: the run is
 * differentially private with the configured δ and clip, and its metrics say so with the ε reached (the non-private
 * default is checked by PrivateModePackageTest and every other distillation test).
 */
class DistillAndPackagePrivacyTest {

    /** 2 classes of 28x28 uint8 images: class 1 brighter than class 0, so the data is not pure noise. */
    private static void cohort(Path npz, int train, int test) throws Exception {
        cohort(npz, train, test, labels(train));
    }

    private static void cohort(Path npz, int train, int test, NpyArray trainLabels) throws Exception {
        Random r = new Random(7);
        Npy.writeNpz(npz, Map.of("train_images", images(r, train), "train_labels", trainLabels,
                "val_images", images(r, test), "val_labels", labels(test),
                "test_images", images(r, test), "test_labels", labels(test)));
    }

    private static NpyArray images(Random r, int n) {
        byte[] px = new byte[n * 28 * 28];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (r.nextInt(128) + ((i / (28 * 28)) % 2) * 100);
        }
        return new NpyArray("|u1", new int[] {n, 28, 28}, px);
    }

    private static NpyArray labels(int n) {
        byte[] l = new byte[n];
        for (int i = 0; i < n; i++) {
            l[i] = (byte) (i % 2);
        }
        return new NpyArray("|u1", new int[] {n, 1}, l);
    }

    private static JsonNode distil(Path work, DistillAndPackage.Privacy privacy) throws Exception {
        return distil(work, privacy, false).get("privacy");
    }

    private static JsonNode distil(Path work, DistillAndPackage.Privacy privacy, boolean balanced) throws Exception {
        return distil(work, new DistillAndPackage.Settings(List.of("normal", "pneumonia"), 2, 0,
                work.resolve("signing.key"), null, privacy, balanced));
    }

    private static JsonNode distil(Path work, DistillAndPackage.Settings s) throws Exception {
        java.nio.file.Files.createDirectories(work);
        cohort(work.resolve("cohort.npz"), 160, 20);
        DistillAndPackage.Run run = new DistillAndPackage.Run(work, null, null, null, null);
        return DistillAndPackage.distill(run, s, p -> { }).metrics();
    }

    @Test
    void balancedBatchSettingReachesTheRun(@TempDir Path dir) throws Exception {
        assertTrue(distil(dir.resolve("on"), null, true).get("balanced_batch").asBoolean());
        assertFalse(distil(dir.resolve("off"), null, false).get("balanced_batch").asBoolean());
    }

    @Test
    void validationSelectionSettingReachesTheRunAndIsRefusedWithPrivacy(@TempDir Path dir) throws Exception {
        JsonNode m = distil(dir, new DistillAndPackage.Settings(List.of("normal", "pneumonia"), 2, 0,
                dir.resolve("signing.key"), null, null, false, 1));
        assertEquals(1, m.get("select_every").asInt());
        assertTrue(m.get("selected_iteration").asInt() >= 1, m.toString());
        Exception e = assertThrows(IllegalArgumentException.class, () -> new DistillAndPackage.Settings(
                List.of("a", "b"), 2, 0, Path.of("k"), null, new DistillAndPackage.Privacy(8, 1e-5, 1), false, 10));
        assertTrue(e.getMessage().contains("select-every"), e.getMessage());
    }

    /**
     * A cohort whose training patients have no sample of one label fails before distilling, with or without
     * balanced batches, and the error names the label and says what to do, not the engine's class index.
     */
    @Test
    void aLabelMissingFromTheTrainingSplitFailsTheRunByName(@TempDir Path dir) throws Exception {
        for (boolean balanced : new boolean[] {true, false}) {
            Path work = dir.resolve("balanced-" + balanced);
            java.nio.file.Files.createDirectories(work);
            cohort(work.resolve("cohort.npz"), 40, 20, new NpyArray("|u1", new int[] {40, 1}, new byte[40]));
            DistillAndPackage.Run run = new DistillAndPackage.Run(work, null, null, null, null);
            DistillAndPackage.Settings s = new DistillAndPackage.Settings(List.of("normal", "pneumonia"), 2, 0,
                    work.resolve("signing.key"), null, null, balanced);
            Exception e = assertThrows(java.io.IOException.class, () -> DistillAndPackage.distill(run, s, p -> { }));
            assertTrue(e.getMessage().contains("no sample labelled 'pneumonia'"), e.getMessage());
            assertTrue(e.getMessage().contains("from more patients"), e.getMessage());
            assertFalse(java.nio.file.Files.exists(run.distilled()), "nothing distilled from a refused cohort");
        }
    }

    @Test
    void balancedBatchWithPrivacyIsRefusedWhenConfigured() {
        Exception e = assertThrows(IllegalArgumentException.class, () -> new DistillAndPackage.Settings(
                List.of("a", "b"), 2, 0, Path.of("k"), null, new DistillAndPackage.Privacy(8, 1e-5, 1), true));
        assertTrue(e.getMessage().contains("balanced-batch"), e.getMessage());
    }

    @Test
    void privacySettingsMakeTheRunDifferentiallyPrivate(@TempDir Path dir) throws Exception {
        JsonNode p = distil(dir, new DistillAndPackage.Privacy(4.0, 1e-4, 0.5));
        assertEquals("differentially-private", p.get("mode").asText(), p.toString());
        assertEquals(4.0, p.get("target_epsilon").asDouble());
        assertTrue(p.get("epsilon").asDouble() <= 4.0 && p.get("epsilon").asDouble() > 0, p.toString());
        assertEquals(1e-4, p.get("delta").asDouble());
        assertEquals(0.5, p.get("clip").asDouble());
        assertEquals(2, p.get("steps").asInt());
    }

    @Test
    void invalidPrivacySettingsAreRefusedByName() {
        Exception e = assertThrows(IllegalArgumentException.class, () -> new DistillAndPackage.Privacy(0, 1e-5, 1));
        assertTrue(e.getMessage().contains("epsilon"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DistillAndPackage.Privacy(8, 1, 1));
    }
}
