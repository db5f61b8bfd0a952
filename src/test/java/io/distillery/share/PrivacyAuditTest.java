package io.distillery.share;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.dicom.DicomFile;
import io.distillery.dicom.Tag;
import io.distillery.npy.Npy;
import io.distillery.npy.NpyArray;
import io.distillery.testsupport.DistilledRun;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PrivacyAuditTest {
    static DistilledRun fx;
    static final PrivacyAudit.Config CFG = new PrivacyAudit.Config(0.95, 0.98, 0.6, 100, 200, 0);

    @BeforeAll
    static void setUp() throws IOException {
        fx = DistilledRun.get();
    }

    @Test
    void realTrainingImagePassedOffAsSyntheticFails() throws IOException {
        Path distilled = copyOfRun("copy");
        // distilled image #2 replaced by training image #17 of the cohort, in the model's standardised scale
        NpyArray trainImages = Npy.readNpz(fx.cohort).get("train_images");
        NpyArray imgs = Npy.read(distilled.resolve(CompressedModel.IMAGES));
        CompressedModel model = CompressedModel.read(distilled);
        float[] v = imgs.toFloats();
        for (int p = 0; p < 28 * 28; p++) {
            double unit = (trainImages.data()[17 * 784 + p] & 0xFF) / 255.0;
            v[784 + p] = (float) ((unit - model.standardisation().mean()) / model.standardisation().std());
        }
        Npy.write(distilled.resolve(CompressedModel.IMAGES), NpyArray.float32(imgs.shape(), v));
        SharePackage p = PackageBuilder.build(distilled, fx.cohort, distilled.resolveSibling("pkg"),
                SigningKeys.loadOrCreate(fx.key), null);
        PrivacyAudit.Result r = PrivacyAudit.run(p.dir(), fx.cohort, Set.of(), CFG, distilled.resolveSibling("audit"));
        assertEquals(PrivacyAudit.Verdict.FAIL, r.verdict(), r.reasons().toString());
        PrivacyAudit.Neighbour n = r.neighbours().get(1);
        assertEquals(17, n.ssimTrainIndex());
        assertEquals(1.0, n.ssim(), 1e-4);
        assertEquals(1.0, n.ncc(), 1e-4);
        assertTrue(r.reasons().stream().anyMatch(s -> s.startsWith("distilled-002.dcm is a near copy of training image #17")),
                r.reasons().toString());
        // the untouched distilled images are nowhere near a copy
        assertTrue(r.neighbours().get(0).ssim() < 0.95, "image 1 SSIM " + r.neighbours().get(0).ssim());
        assertTrue(Files.readString(distilled.resolveSibling("audit").resolve("report.html")).contains(">FAIL<"));
    }

    @Test
    void identifyingStringInThePackageFailsAndCleanPackageHasNoLeak() throws IOException {
        // the demo cohort's headers, in the repository (tests run from the project folder)
        Set<String> ids = SourceIdentifiers.fromDicom(Path.of("dicom-samples"));
        assertTrue(ids.size() > 300, "identifiers collected from dicom-samples: " + ids.size());
        Set<String> scanned = PrivacyAudit.usable(ids);
        SharePackage clean = fx.build("clean");
        PrivacyAudit.Result ok = PrivacyAudit.run(clean.dir(), fx.cohort, ids, CFG,
                clean.dir().resolveSibling("audit"));
        assertEquals(List.of(), ok.leaks());
        assertEquals(scanned.size(), ok.identifiersChecked());

        // a patient name (Latin-1, as the source header stores it) and a device serial leak into the package
        String name = ids.stream().filter(s -> s.matches(".*[À-ÿ].*")).findFirst().orElseThrow();
        String serial = firstValue(Tag.DeviceSerialNumber);
        Path distilled = copyOfRun("leak");
        Path spec = distilled.resolve(CompressedModel.SPEC);
        String json = Files.readString(spec);
        Files.write(spec, (json.substring(0, json.lastIndexOf('}')) + ", \"note\": \"" + serial.toLowerCase() + "\"}")
                .getBytes(StandardCharsets.UTF_8));
        SharePackage leaky = PackageBuilder.build(distilled, fx.cohort, distilled.resolveSibling("pkg"),
                SigningKeys.loadOrCreate(fx.key), com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                        .objectNode().put("requested_by", name));
        // the manifest is written as UTF-8; plant the Latin-1 form in a model file too
        Files.write(leaky.dir().resolve("model").resolve("extra-latin1.txt"), name.getBytes(StandardCharsets.ISO_8859_1));
        PrivacyAudit.Result r = PrivacyAudit.run(leaky.dir(), fx.cohort, ids, CFG, distilled.resolveSibling("audit"));
        assertEquals(PrivacyAudit.Verdict.FAIL, r.verdict());
        assertTrue(r.leaks().contains(new PrivacyAudit.Leak("manifest.json", name, "UTF-8")), r.leaks().toString());
        assertTrue(r.leaks().contains(new PrivacyAudit.Leak("model/extra-latin1.txt", name, "Latin-1")), r.leaks().toString());
        assertTrue(r.leaks().contains(new PrivacyAudit.Leak("model/model_spec.json", serial, "UTF-8")), r.leaks().toString());
        String html = Files.readString(distilled.resolveSibling("audit").resolve("report.html"));
        assertTrue(html.contains("Carlini et al. (2022"), "limitation statement");
        assertTrue(html.contains("data:image/png;base64,"), "inline pictures");
        assertFalse(html.toLowerCase().contains("guarantees privacy"));
    }

    @Test
    void membershipAttackAucIsMeasuredOnTheRebuiltModel() throws IOException {
        SharePackage p = fx.build("mia");
        PrivacyAudit.Result r = PrivacyAudit.run(p.dir(), fx.cohort, Set.of(), CFG, p.dir().resolveSibling("audit"));
        PrivacyAudit.Membership m = r.membership();
        assertEquals(200, m.members());
        assertEquals(200, m.nonMembers());
        assertTrue(m.auc() > 0.3 && m.auc() < 0.7, "a 2-iteration distillation of 4 images cannot memorise: " + m.auc());
        assertTrue(Files.size(p.dir().resolveSibling("audit").resolve("audit.json")) > 0);
    }

    @Test
    void dcmdumpReadsTheSecondaryCaptureObjectsWithoutWarnings() throws Exception {
        SharePackage p = fx.build("dcm");
        Map<String, Path> files = PackageBuilder.listFiles(p.dir().resolve("images"));
        assertEquals(4, files.size());
        for (Path f : files.values()) {
            ProcessBuilder pb = new ProcessBuilder("dcmdump", f.toString()).redirectErrorStream(true);
            Process proc = pb.start();
            String out;
            try (InputStream in = proc.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertTrue(proc.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, proc.exitValue(), out);
            List<String> diag = new ArrayList<>();
            out.lines().filter(l -> l.startsWith("W:") || l.startsWith("E:")).forEach(diag::add);
            assertEquals(List.of(), diag, f + "\n" + out);
            assertTrue(out.contains("(0012,0062) CS [YES]"), out);
            assertTrue(out.contains("(0028,0301) CS [NO]"), out);
            assertTrue(out.contains("(0029,0010) LO [DISTILLERY 1.0]"), out);
            assertTrue(out.contains("[DISTILLED-" + p.id() + "]"), out);
            assertTrue(out.contains("(0008,0016) UI =SecondaryCaptureImageStorage"), out);
        }
        // the soft label read back from the private block is the manifest's and the npy's
        DicomFile d = DicomFile.read(p.dir().resolve("images/distilled-003.dcm"));
        double[] label = d.dataset().getDoubles(ScImages.SOFT_LABEL_TAG);
        CompressedModel model = CompressedModel.read(p.dir().resolve("model"));
        double[] expected = model.softLabel(2);
        assertEquals(expected.length, label.length);
        for (int c = 0; c < label.length; c++) {
            assertEquals(expected[c], label[c], 0.0);
        }
        assertTrue(d.dataset().getString(ScImages.IMAGE_COMMENTS).contains("\"soft_label\""));
        ByteBuffer px = ByteBuffer.wrap(d.dataset().getBytes(Tag.PixelData)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(28 * 28 * 2, px.remaining());
    }

    private static String firstValue(int tag) throws IOException {
        try (var s = Files.list(Path.of("dicom-samples"))) {
            Path f = s.filter(x -> x.toString().endsWith(".dcm")).sorted().findFirst().orElseThrow();
            return DicomFile.read(f).dataset().getString(tag);
        }
    }

    private static Path copyOfRun(String name) throws IOException {
        Path dir = Files.createTempDirectory(fx.root, name).resolve("distilled");
        Files.createDirectories(dir);
        try (var s = Files.list(fx.distilled)) {
            for (Path f : s.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        return dir;
    }
}
