package io.distillery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.dicom.DicomFile;
import io.distillery.dicom.Tag;
import io.distillery.testsupport.SharedData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DeidCommandTest {
    private static final Map<String, String> ENV = Map.of("PROJECT_SECRET", "command-test-secret-0123456789");
    private final StringWriter err = new StringWriter();
    private final StringWriter out = new StringWriter();

    private int run(Map<String, String> env, String... args) {
        DeidCommand cmd = new DeidCommand();
        cmd.environment = env;
        CommandLine cl = new CommandLine(cmd);
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(out, true));
        return cl.execute(args);
    }

    private static String corpus(String relative) {
        return SharedData.dicomCorpus().resolve(relative).toString();
    }

    @Test
    void deidentifiesQuarantinesAndReportsFailuresPerFile(@TempDir Path dir) throws Exception {
        String ct = corpus("pydicom/CT_small.dcm");
        String us = corpus("pydicom/ExplVR_BigEnd.dcm");               // US without Burned In Annotation
        String truncated = corpus("pydicom/MR_truncated.dcm");        // malformed on purpose
        int status = run(ENV, "--out", dir.toString(), "--secret-env", "PROJECT_SECRET", "--audit",
                "--option", "retain-long-modified-dates", "--option", "clean-descriptors", ct, us, truncated);
        assertEquals(1, status, "a failed file makes the run fail; stderr: " + err);

        DicomFile original = DicomFile.read(Path.of(ct));
        DicomFile written = DicomFile.read(dir.resolve("CT_small.dcm"));
        assertEquals(original.transferSyntax(), written.transferSyntax());
        assertEquals("YES", written.dataset().getString(Tag.PatientIdentityRemoved));
        assertTrue(written.dataset().getString(Tag.PatientID).startsWith("PSN-"));
        assertNotEquals(original.dataset().getString(Tag.SOPInstanceUID), written.dataset().getString(Tag.SOPInstanceUID));
        assertEquals(written.dataset().getString(Tag.SOPInstanceUID),
                written.fileMeta().getString(Tag.MediaStorageSOPInstanceUID));
        assertEquals("MODIFIED", written.dataset().getString(0x00280303));
        assertTrue(Files.readString(dir.resolve("CT_small.dcm.audit.txt")).contains("(0010,0010) Z"));

        Path q = dir.resolve("quarantine");
        assertTrue(Files.exists(q.resolve("ExplVR_BigEnd.dcm")));
        assertEquals(-1, Files.mismatch(Path.of(us), q.resolve("ExplVR_BigEnd.dcm")), "quarantined file unchanged");
        assertTrue(Files.readString(q.resolve("ExplVR_BigEnd.dcm.reason.txt")).contains("modality US"));
        assertFalse(Files.exists(dir.resolve("ExplVR_BigEnd.dcm")));

        String[] lines = err.toString().strip().split("\n");
        assertEquals(2, lines.length, err.toString());
        assertTrue(lines[0].startsWith("deid: " + us + ": quarantined: "), lines[0]);
        assertTrue(lines[1].startsWith("deid: " + truncated + ": "), lines[1]);
        assertFalse(err.toString().contains("\tat "), "no stack trace without --verbose");
        assertTrue(out.toString().contains("1 de-identified, 1 quarantined, 1 failed"), out.toString());
    }

    @Test
    void quarantineAloneHasItsOwnStatusAndAllowBurnedInDeidentifies(@TempDir Path dir) {
        String us = corpus("pydicom/ExplVR_BigEnd.dcm");
        assertEquals(DeidCommand.EXIT_QUARANTINED, run(ENV, "--out", dir.toString(), "--secret-env", "PROJECT_SECRET", us));
        assertEquals(0, run(ENV, "--out", dir.toString(), "--secret-env", "PROJECT_SECRET", "--allow-burned-in", us));
        assertTrue(Files.exists(dir.resolve("ExplVR_BigEnd.dcm")));
    }

    @Test
    void refusesWithoutASecretOrWithAnUnknownOption(@TempDir Path dir) {
        String ct = corpus("pydicom/CT_small.dcm");
        assertEquals(2, run(Map.of(), "--out", dir.toString(), ct));
        assertTrue(err.toString().contains("DISTILLERY_DEID_SECRET"), err.toString());
        assertFalse(Files.exists(dir.resolve("CT_small.dcm")));
        assertEquals(2, run(ENV, "--out", dir.toString(), "--secret-env", "PROJECT_SECRET", "--option", "keep-all", ct));
        assertTrue(err.toString().contains("unknown de-identification option 'keep-all'"), err.toString());
        assertEquals(0, run(Map.of(), "--out", dir.toString(), "--insecure-demo-secret", ct));
        assertTrue(err.toString().contains("public demo secret"));
    }

    @Test
    void registeredUnderTheTopLevelCommand() {
        assertTrue(new CommandLine(new DistilleryCommand()).getSubcommands().containsKey("deid"));
    }

    @Test
    void sameSecretSameOutputUidsAcrossRuns(@TempDir Path a, @TempDir Path b) throws Exception {
        String ct = corpus("pydicom/CT_small.dcm");
        assertEquals(0, run(ENV, "--out", a.toString(), "--secret-env", "PROJECT_SECRET", ct));
        assertEquals(0, run(ENV, "--out", b.toString(), "--secret-env", "PROJECT_SECRET", ct));
        String ua = DicomFile.read(a.resolve("CT_small.dcm")).dataset().getString(Tag.StudyInstanceUID);
        String ub = DicomFile.read(b.resolve("CT_small.dcm")).dataset().getString(Tag.StudyInstanceUID);
        assertEquals(ua, ub);
        assertTrue(ua.startsWith("2.25."));
        assertTrue(new String(Files.readAllBytes(a.resolve("CT_small.dcm")), StandardCharsets.ISO_8859_1)
                .contains(ua));
    }
}
