package io.distillery.share;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.distillery.cli.DistilleryCommand;
import io.distillery.distill.data.Outputs;
import io.distillery.testsupport.DistilledRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The differentially private mode end to end: {@code distill --dp-epsilon} records the mode and the accountant's
 * numbers, the package ships no weights trained other than by replaying the released data and withholds the
 * non-private metrics, and the manifest and the audit report state the mode — as they state the non-private one.
 */
class PrivateModePackageTest {
    private static DistilledRun fx;
    private static Path dpRun;

    @BeforeAll
    static void setUp() throws IOException {
        fx = DistilledRun.get();
        dpRun = fx.root.resolve("distilled-dp");
        int rc = DistilleryCommand.execute("distill", "--data", fx.cohort.toString(), "--out", dpRun.toString(),
                "--iterations", "2", "--batch", "32", "--images-per-step", "2", "--steps", "2", "--epochs", "2",
                "--full-epochs", "0", "--seed", "7", "--dp-epsilon", "8", "--dp-clip", "1", "--dp-secret-seed", "5");
        assertEquals(0, rc);
    }

    @Test
    void metricsRecordTheModeAndTheAccountantsNumbers() throws IOException {
        JsonNode p = PackageBuilder.JSON.readTree(dpRun.resolve("metrics.json").toFile()).get("privacy");
        assertEquals("differentially-private", p.get("mode").asText());
        assertEquals(32.0 / DistilledRun.TRAIN, p.get("sampling_rate").asDouble(), 1e-12);
        assertEquals(2, p.get("steps").asInt());
        assertEquals(1e-5, p.get("delta").asDouble());
        assertEquals(1.0, p.get("clip").asDouble());
        // σ is chosen so that ε just meets the target
        assertTrue(p.get("epsilon").asDouble() <= 8 && p.get("epsilon").asDouble() > 7.99, p.toString());
        assertTrue(p.get("noise_multiplier").asDouble() > 0);
        assertFalse(p.toString().contains("secret"), "the secret seed is recorded nowhere");
        JsonNode spec = PackageBuilder.JSON.readTree(dpRun.resolve("model_spec.json").toFile());
        assertEquals(0.5, spec.at("/standardisation/mean").asDouble(), "data-independent input scaling");
        assertEquals(0.25, spec.at("/standardisation/std").asDouble());

        JsonNode plain = PackageBuilder.JSON.readTree(fx.distilled.resolve("metrics.json").toFile()).get("privacy");
        assertEquals("non-private", plain.get("mode").asText());
    }

    @Test
    void privatePackageShipsOnlyTheReplayOfItsDataAndStatesTheMode() throws IOException {
        // A weight file trained some other way (here: random numbers) left in the distill folder must not leave.
        Path planted = dpRun.resolve("model.f32");
        Outputs.writeRawFloats(planted, Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT,
                Files.size(fx.distilled.resolve("model.f32")) / 4));
        SharePackage pkg = PackageBuilder.build(dpRun, fx.cohort, Files.createTempDirectory(fx.root, "dp").resolve("pkg"),
                SigningKeys.loadOrCreate(fx.key), null);
        byte[] shipped = Files.readAllBytes(pkg.dir().resolve("model").resolve(PackageBuilder.TRAINED_WEIGHTS));
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(planted), shipped), "the planted weights were shipped");
        PackageVerifier.Result v = PackageVerifier.verify(pkg.dir(), null, null);
        assertTrue(v.failures().isEmpty(), "shipped weights are the rebuild of the package's data: " + v.failures());

        JsonNode m = PackageBuilder.JSON.readTree(pkg.dir().resolve(SharePackage.MANIFEST).toFile());
        assertTrue(m.at("/distillation/privacy_mode").asText().startsWith("differentially private mode: (ε, δ) = ("),
                m.at("/distillation/privacy_mode").asText());
        JsonNode ev = m.get("evaluation");
        assertEquals("differentially-private", ev.at("/privacy/mode").asText());
        for (String k : new String[] {"acc_full", "acc_random_real", "harmonic_mean_full", "final_outer_loss"}) {
            assertFalse(ev.has(k), k + " was computed from real data without noise and must not leave");
        }
        assertTrue(ev.has("acc_distilled"));
        assertTrue(m.get("trained_weights").asText().contains("no weights trained on real data"));

        Path audit = pkg.dir().resolveSibling("audit");
        PrivacyAudit.run(pkg.dir(), fx.cohort, Set.of(), PrivacyAuditTest.CFG, audit);
        String html = Files.readString(audit.resolve("report.html"));
        assertTrue(html.contains("differentially private mode: (ε, δ) = ("), "report states the DP mode");
    }

    @Test
    void nonPrivatePackageAndReportSayThereIsNoGuarantee() throws IOException {
        SharePackage pkg = fx.build("plain-mode");
        JsonNode m = PackageBuilder.JSON.readTree(pkg.dir().resolve(SharePackage.MANIFEST).toFile());
        assertEquals("non-private mode: no formal privacy guarantee", m.at("/distillation/privacy_mode").asText());
        assertTrue(m.get("evaluation").has("acc_full"));
        assertArrayEquals(Files.readAllBytes(fx.distilled.resolve("model.f32")),
                Files.readAllBytes(pkg.dir().resolve("model").resolve(PackageBuilder.TRAINED_WEIGHTS)));
        Path audit = pkg.dir().resolveSibling("audit");
        PrivacyAudit.run(pkg.dir(), fx.cohort, Set.of(), PrivacyAuditTest.CFG, audit);
        String html = Files.readString(audit.resolve("report.html"));
        assertTrue(html.contains("non-private mode: no formal privacy guarantee"));
        assertFalse(html.contains("differentially private mode:"));
    }

    @Test
    void contradictoryOrIncompletePrivacyOptionsAreRefused() {
        Path out = fx.root.resolve("refused");
        assertNotEquals(0, DistilleryCommand.execute("distill", "--data", fx.cohort.toString(), "--out", out.toString(),
                "--dp-epsilon", "1", "--dp-noise-multiplier", "1"));
        assertNotEquals(0, DistilleryCommand.execute("distill", "--data", fx.cohort.toString(), "--out", out.toString(),
                "--dp-clip", "1"));
        assertNotEquals(0, DistilleryCommand.execute("distill", "--data", fx.cohort.toString(), "--out", out.toString(),
                "--dp-epsilon", "-2"));
        // Balanced batches would break the accountant's Poisson-sampling assumption.
        assertNotEquals(0, DistilleryCommand.execute("distill", "--data", fx.cohort.toString(), "--out", out.toString(),
                "--dp-epsilon", "8", "--balanced-batch"));
        // The DP outer gradient clips and noises one hypergradient per iteration.
        assertNotEquals(0, DistilleryCommand.execute("distill", "--data", fx.cohort.toString(), "--out", out.toString(),
                "--dp-epsilon", "8", "--init", "random", "--nets-per-iteration", "2"));
        assertFalse(Files.exists(out.resolve("metrics.json")));
    }
}
