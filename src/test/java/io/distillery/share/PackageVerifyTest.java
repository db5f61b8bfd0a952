package io.distillery.share;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.cli.DistilleryCommand;
import io.distillery.testsupport.DistilledRun;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class PackageVerifyTest {
    static DistilledRun fx;

    @BeforeAll
    static void setUp() throws IOException {
        fx = DistilledRun.get();
    }

    @Test
    void builtPackageVerifiesAndRebuildsTheDistillRunsModel() throws IOException {
        SharePackage p = fx.build("ok");
        PackageVerifier.Result r = PackageVerifier.verify(p.dir(), SigningKeys.readPublic(
                fx.key.resolveSibling("signing.key.pub")), fx.cohort);
        assertTrue(r.ok(), () -> String.join("\n", r.failures()));
        assertEquals(p.manifestSha256(), r.manifestSha256());
        JsonNode metrics = new ObjectMapper().readTree(fx.distilled.resolve("metrics.json").toFile());
        // fixed-init mode: the rebuilt model is the distill run's model, so the accuracy is the same number
        assertEquals(metrics.get("acc_distilled").asDouble(), r.test().accuracy(), 0.0);
        // the shipped DL4J zip, restored with stock DL4J, predicts what the rebuilt model predicts
        assertNotNull(r.dl4jTestAccuracy(), () -> String.join("\n", r.notes()));
        assertEquals(r.test().accuracy(), r.dl4jTestAccuracy(), 0.005, () -> String.join("\n", r.notes()));
        assertTrue(r.notes().stream().anyMatch(n -> n.startsWith("trained_weights.dl4j.zip restored with DL4J")),
                () -> String.join("\n", r.notes()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fx.key)));

        JsonNode m = new ObjectMapper().readTree(p.dir().resolve("manifest.json").toFile());
        assertEquals(SharePackage.SCHEMA, m.get("schema").asText());
        assertEquals(DistilledRun.TRAIN, m.at("/provenance/counts_per_label/train/0").asInt()
                + m.at("/provenance/counts_per_label/train/1").asInt());
        assertEquals(4, m.at("/soft_labels/per_image").size());
        for (String f : List.of("images/distilled-001.dcm", "previews/distilled-004.png", "model/model_spec.json",
                "model/distilled_images.npy", "model/soft_labels.npy", "model/learning_rates.npy",
                "model/trained_weights.f32", "model/trained_weights.dl4j.zip", "signer.pub", "PACKAGE.md")) {
            assertTrue(m.get("files").has(f), f);
        }
    }

    @Test
    void everyFlippedByteIsCaught() throws IOException {
        SharePackage p = fx.build("flip");
        Map<String, Path> files = PackageBuilder.listFiles(p.dir());
        for (Map.Entry<String, Path> e : files.entrySet()) {
            byte[] b = Files.readAllBytes(e.getValue());
            int at = b.length / 2;
            b[at] ^= 0x01;
            Files.write(e.getValue(), b);
            List<String> failures = PackageVerifier.verify(p.dir(), null, null).failures();
            assertFalse(failures.isEmpty(), "flipped byte in " + e.getKey() + " not detected");
            assertTrue(failures.stream().anyMatch(f -> f.contains(e.getValue().getFileName().toString())),
                    e.getKey() + ": " + failures);
            b[at] ^= 0x01;
            Files.write(e.getValue(), b);
        }
        assertTrue(PackageVerifier.verify(p.dir(), null, null).ok(), "restored package verifies again");
    }

    @Test
    void extraFileChangedManifestAndWrongKeyFail() throws Exception {
        SharePackage p = fx.build("tamper");
        Path extra = p.dir().resolve("images").resolve("extra.dcm");
        Files.write(extra, new byte[] {1});
        assertEquals(List.of(extra + ": not listed in the manifest (unexpected file)"),
                PackageVerifier.verify(p.dir(), null, null).failures());
        Files.delete(extra);

        // a re-written manifest (even valid JSON, same files) no longer matches its signature
        Path manifest = p.dir().resolve("manifest.json");
        byte[] original = Files.readAllBytes(manifest);
        Files.writeString(manifest, new String(original, StandardCharsets.UTF_8)
                .replace("\"time_window\" : \"not provided\"", "\"time_window\" : \"2020\""));
        assertEquals(List.of(p.dir().resolve("manifest.sig") + ": signature does not match manifest.json"),
                PackageVerifier.verify(p.dir(), null, null).failures());
        Files.write(manifest, original);

        // a partner who pinned another key rejects the package
        SigningKeys other = SigningKeys.loadOrCreate(fx.root.resolve("other-keys").resolve("k"));
        List<String> f = PackageVerifier.verify(p.dir(), other.publicKey(), null).failures();
        assertTrue(f.stream().anyMatch(s -> s.contains("is not the pinned key")), f.toString());
        assertTrue(f.stream().anyMatch(s -> s.contains("signature does not match manifest.json under the pinned key")),
                f.toString());

        // a package re-signed with another key and its own signer.pub swapped in: fingerprint no longer the manifest's
        Files.write(p.dir().resolve("signer.pub"), other.publicKey().getEncoded());
        Files.write(p.dir().resolve("manifest.sig"), other.sign(original));
        f = PackageVerifier.verify(p.dir(), null, null).failures();
        assertTrue(f.stream().anyMatch(s -> s.contains("differs from the manifest's signer fingerprint")), f.toString());
    }

    /** A signed package whose DL4J zip holds other weights than the model it stands for fails verification. */
    @Test
    void aDl4jZipThatPredictsDifferentlyFails() throws Exception {
        SharePackage p = fx.build("dl4j");
        Path zip = p.dir().resolve("model").resolve(PackageBuilder.TRAINED_WEIGHTS_DL4J);
        org.deeplearning4j.nn.multilayer.MultiLayerNetwork net =
                org.deeplearning4j.util.ModelSerializer.restoreMultiLayerNetwork(zip.toFile(), false);
        net.params().muli(1.5); // every weight and bias off by half its value
        org.deeplearning4j.util.ModelSerializer.writeModel(net, zip.toFile(), false);
        // re-list and re-sign, as a careless sender would: only the DL4J check can catch it
        com.fasterxml.jackson.databind.node.ObjectNode m = (com.fasterxml.jackson.databind.node.ObjectNode)
                new ObjectMapper().readTree(p.dir().resolve(SharePackage.MANIFEST).toFile());
        com.fasterxml.jackson.databind.node.ObjectNode entry = (com.fasterxml.jackson.databind.node.ObjectNode)
                m.get("files").get("model/" + PackageBuilder.TRAINED_WEIGHTS_DL4J);
        entry.put("sha256", Hashes.sha256(zip));
        entry.put("bytes", Files.size(zip));
        byte[] manifest = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(m);
        Files.write(p.dir().resolve(SharePackage.MANIFEST), manifest);
        Files.write(p.dir().resolve(SharePackage.SIGNATURE), SigningKeys.loadOrCreate(fx.key).sign(manifest));

        PackageVerifier.Result r = PackageVerifier.verify(p.dir(), null, fx.cohort);
        assertEquals(1, r.failures().size(), () -> String.join("\n", r.failures()));
        assertTrue(r.failures().get(0).contains("the DL4J model predicts differently from the rebuilt model"),
                r.failures().get(0));
        StringWriterPair cli = run("package", "verify", p.dir().toString(), "--test", fx.cohort.toString());
        assertEquals(1, cli.rc);
        assertTrue(cli.out.contains("shipped DL4J model on cohort.npz: accuracy "), cli.out);
    }

    @Test
    void verifyCommandPrintsAccuracyAndExitsNonZeroWithOneLinePerFailure() throws IOException {
        SharePackage p = fx.build("cli");
        StringWriterPair ok = run("package", "verify", p.dir().toString(), "--test", fx.cohort.toString());
        assertEquals(0, ok.rc, ok.err);
        assertTrue(ok.out.contains("rebuilt model on cohort.npz: accuracy "), ok.out);
        assertTrue(ok.out.contains("shipped DL4J model on cohort.npz: accuracy "), ok.out);
        assertTrue(ok.out.contains("verified package " + p.id()), ok.out);

        Files.write(p.dir().resolve("model").resolve("soft_labels.npy"), new byte[] {0});
        StringWriterPair bad = run("package", "verify", p.dir().toString());
        assertEquals(1, bad.rc);
        assertEquals(List.of("FAIL " + p.dir().resolve("model/soft_labels.npy") + ": size 1 differs from the manifest's "
                + Files.size(fx.distilled.resolve("soft_labels.npy"))), bad.err.lines().toList());
        assertNotNull(bad.out);
    }

    record StringWriterPair(int rc, String out, String err) {
    }

    static StringWriterPair run(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        CommandLine cl = new CommandLine(new DistilleryCommand());
        cl.setOut(new java.io.PrintWriter(out));
        cl.setErr(new java.io.PrintWriter(err));
        int rc = cl.execute(args);
        return new StringWriterPair(rc, out.toString(), err.toString());
    }
}
