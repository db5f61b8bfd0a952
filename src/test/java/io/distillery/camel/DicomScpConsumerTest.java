package io.distillery.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.dicom.DatasetEquality;
import io.distillery.dicom.DicomFile;
import io.distillery.dicom.Tag;
import io.distillery.dicom.net.AssociationListener;
import io.distillery.dicom.net.DuplicatePolicy;
import io.distillery.dicom.net.StoredInstance;
import io.distillery.testsupport.FreePorts;
import io.distillery.testsupport.SharedData;
import io.distillery.testsupport.SpoolLeftovers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dicom:scp as a consumer, fed by dcmtk's storescu and echoscu. */
class DicomScpConsumerTest {
    static final Path CT = SharedData.dicomCorpus().resolve("pydicom/CT_small.dcm");
    static final Path MR = SharedData.dicomCorpus().resolve("pydicom/MR_small_implicit.dcm");

    static final int DATASET_TRAILING_PADDING = 0xFFFCFFFC;

    @TempDir
    static Path tmp;
    static CamelContext camel;
    static int okPort;
    static int failingPort;
    static int guardedPort;
    static int rejectDuplicatesPort;
    static int movePort;
    static int vanishingPort;
    static int moveHeaderRemovedPort;
    static int moveNoFileStepPort;
    /** Inode of each spool file as the route saw it, by SOP Instance UID. */
    static final Map<String, Object> spoolInodes = new ConcurrentHashMap<>();
    static final Map<String, Map<String, Object>> headersBySop = new ConcurrentHashMap<>();
    /** What the registry's AssociationListener heard of duplicates answered without routing. */
    static final List<String> notHandedOn = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        okPort = FreePorts.freePort();
        failingPort = FreePorts.freePort();
        guardedPort = FreePorts.freePort();
        rejectDuplicatesPort = FreePorts.freePort();
        movePort = FreePorts.freePort();
        vanishingPort = FreePorts.freePort();
        moveHeaderRemovedPort = FreePorts.freePort();
        moveNoFileStepPort = FreePorts.freePort();
        camel = new DefaultCamelContext();
        camel.getRegistry().bind("listener", new AssociationListener() {
            @Override
            public void onDuplicateNotHandedOn(StoredInstance instance, DuplicatePolicy policy) {
                notHandedOn.add(policy + " " + instance.sopInstance() + " from " + instance.callingAet() + "@"
                        + instance.remoteAddress().getAddress().getHostAddress());
            }
        });
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("dicom:scp?aet=GW&port=" + okPort + "&spoolDirectory=" + tmp.resolve("spool-ok"))
                        .process(e -> headersBySop.put(e.getIn().getHeader(DicomConstants.SOP_INSTANCE_UID, String.class),
                                Map.copyOf(e.getIn().getHeaders())))
                        .to("file:" + tmp.resolve("out") + "?fileName=${header.DicomSopInstanceUID}.dcm");
                from("dicom:scp?aet=GW&port=" + failingPort + "&spoolDirectory=" + tmp.resolve("spool-failing"))
                        .throwException(new IllegalStateException("downstream store unavailable"));
                from("dicom:scp?aet=GW&allowedCallingAets=MODALITY1&port=" + guardedPort + "&spoolDirectory="
                        + tmp.resolve("spool-guarded"))
                        .to("file:" + tmp.resolve("guarded"));
                from("dicom:scp?aet=GW&duplicatePolicy=REJECT&port=" + rejectDuplicatesPort + "&spoolDirectory="
                        + tmp.resolve("spool-dup"))
                        .to("file:" + tmp.resolve("dup") + "?fileName=${header.DicomSopInstanceUID}.dcm");
                // Spool in the target directory, file: step renames the spool file into place.
                from("dicom:scp?aet=GW&moveSpoolFile=true&port=" + movePort + "&spoolDirectory=" + tmp.resolve("moved"))
                        .process(e -> spoolInodes.put(e.getIn().getHeader(DicomConstants.SOP_INSTANCE_UID, String.class),
                                Files.getAttribute(e.getIn().getBody(java.io.File.class).toPath(), "unix:ino")))
                        .to("file:" + tmp.resolve("moved") + "?fileName=${header.DicomSopInstanceUID}.dcm");
                // moveSpoolFile, but the route drops the header before its file: step, which then copies.
                from("dicom:scp?aet=GW&moveSpoolFile=true&port=" + moveHeaderRemovedPort + "&spoolDirectory="
                        + tmp.resolve("spool-header-removed"))
                        .process(e -> spoolInodes.put("header-removed " + e.getIn().getHeader(
                                DicomConstants.SOP_INSTANCE_UID, String.class), Files.getAttribute(
                                        e.getIn().getBody(java.io.File.class).toPath(), "unix:ino")))
                        .removeHeaders("*")
                        .setHeader("CamelFileName", constant("copied.dcm"))
                        .to("file:" + tmp.resolve("header-removed"));
                // moveSpoolFile, but the route has no file: step at all.
                from("dicom:scp?aet=GW&moveSpoolFile=true&port=" + moveNoFileStepPort + "&spoolDirectory="
                        + tmp.resolve("spool-no-file-step"))
                        .setHeader("CamelFileLocalWorkPath", constant("/not/the/spool/file"));
                // The file a route wrote is gone before it could be synced: the sender must not hear success.
                from("dicom:scp?aet=GW&port=" + vanishingPort + "&spoolDirectory=" + tmp.resolve("spool-vanishing"))
                        .to("file:" + tmp.resolve("vanishing") + "?fileName=${header.DicomSopInstanceUID}.dcm")
                        .process(e -> Files.delete(Path.of(e.getMessage().getHeader("CamelFileNameProduced", String.class))));
            }
        });
        camel.start();
    }

    @AfterAll
    static void stop() {
        if (camel != null) {
            camel.stop();
        }
    }

    @Test
    void everyInstanceArrivesWithItsHeadersAndSameContent() throws Exception {
        ExternalProcess.Result r = ExternalProcess.storescu("MODALITY1", "GW", okPort, CT, MR);
        assertEquals(0, r.exitCode(), r.output());
        for (Path sent : List.of(CT, MR)) {
            DicomFile original = DicomFile.read(sent);
            String sop = original.dataset().getString(Tag.SOPInstanceUID);
            Path received = tmp.resolve("out").resolve(sop + ".dcm");
            assertTrue(Files.isRegularFile(received), "not routed: " + sop);
            DicomFile copy = DicomFile.read(received);
            // storescu drops trailing padding (FFFC,FFFC) when it sends; it is not content.
            original.dataset().remove(DATASET_TRAILING_PADDING);
            assertTrue(DatasetEquality.equal(original.dataset(), copy.dataset()),
                    DatasetEquality.describeDifference(original.dataset(), copy.dataset()));
            Map<String, Object> h = headersBySop.get(sop);
            assertEquals(original.dataset().getString(Tag.SOPClassUID), h.get(DicomConstants.SOP_CLASS_UID));
            assertEquals(original.dataset().getString(Tag.StudyInstanceUID), h.get(DicomConstants.STUDY_INSTANCE_UID));
            assertEquals(original.dataset().getString(Tag.SeriesInstanceUID), h.get(DicomConstants.SERIES_INSTANCE_UID));
            // storescu may convert (implicit to explicit VR); the header names what was actually received.
            assertEquals(copy.transferSyntax().uid(), h.get(DicomConstants.TRANSFER_SYNTAX_UID));
            assertEquals("MODALITY1", h.get(DicomConstants.CALLING_AET));
            assertEquals("GW", h.get(DicomConstants.CALLED_AET));
            assertTrue(((String) h.get(DicomConstants.REMOTE_ADDRESS)).startsWith("127.0.0.1:"));
        }
        assertSpoolEmpty("spool-ok");
    }

    @Test
    void routeFailureIsAnsweredWithFailureStatusAndNothingIsKept() throws Exception {
        ExternalProcess.Result r = ExternalProcess.storescu("MODALITY1", "GW", failingPort, CT);
        // dcmtk reports the refused instance with our 0xC000 status and exits non-zero.
        assertTrue(r.output().contains("Received Store Response (Error: CannotUnderstand)"), r.output());
        assertNotEquals(0, r.exitCode(), "storescu must not exit 0 when the instance was refused:\n" + r.output());
        assertSpoolEmpty("spool-failing");
    }

    @Test
    void unknownCallingAeIsRejected() throws Exception {
        ExternalProcess.Result r = ExternalProcess.storescu("INTRUDER", "GW", guardedPort, CT);
        assertNotEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("Calling AE Title Not Recognized"), r.output());
        assertEquals(0, countFiles(tmp.resolve("guarded")));
    }

    @Test
    void echoIsAnswered() throws Exception {
        ExternalProcess.Result r = ExternalProcess.run("echoscu", "-aet", "MODALITY1", "-aec", "GW", "127.0.0.1",
                String.valueOf(okPort));
        assertEquals(0, r.exitCode(), r.output());
    }

    @Test
    void duplicateIsRefusedUnderRejectPolicy() throws Exception {
        assertEquals(0, ExternalProcess.storescu("MODALITY1", "GW", rejectDuplicatesPort, CT).exitCode());
        ExternalProcess.Result again = ExternalProcess.storescu("MODALITY1", "GW", rejectDuplicatesPort, CT);
        assertTrue(again.output().contains("Received Store Response (Unknown Status: 0x111)"), again.output());
        assertEquals(1, countFiles(tmp.resolve("dup")));
        // the route never saw the second copy, so the listener (the gateway's audit) is told instead
        assertEquals(List.of("REJECT " + DicomFile.read(CT).dataset().getString(Tag.SOPInstanceUID)
                + " from MODALITY1@127.0.0.1"), notHandedOn);
    }

    @Test
    void moveSpoolFileRenamesTheSpooledFileIntoPlaceWithoutCopying() throws Exception {
        ExternalProcess.Result r = ExternalProcess.storescu("MODALITY1", "GW", movePort, CT, MR);
        assertEquals(0, r.exitCode(), r.output());
        for (Path sent : List.of(CT, MR)) {
            DicomFile original = DicomFile.read(sent);
            String sop = original.dataset().getString(Tag.SOPInstanceUID);
            Path received = tmp.resolve("moved").resolve(sop + ".dcm");
            DicomFile copy = DicomFile.read(received);
            original.dataset().remove(DATASET_TRAILING_PADDING);
            assertTrue(DatasetEquality.equal(original.dataset(), copy.dataset()),
                    DatasetEquality.describeDifference(original.dataset(), copy.dataset()));
            // The same inode the route saw as its body: renamed, not copied.
            assertEquals(spoolInodes.get(sop), Files.getAttribute(received, "unix:ino"), sop);
        }
        assertEquals(List.of(), SpoolLeftovers.in(tmp.resolve("moved")).stream()
                .filter(p -> p.getFileName().toString().startsWith(".")).toList(),
                "spool files left beside the received ones");
    }

    @Test
    void moveSpoolFileRouteThatCopiesInsteadStillLeavesNoSpoolFile() throws Exception {
        ExternalProcess.Result r = ExternalProcess.storescu("MODALITY1", "GW", moveHeaderRemovedPort, CT);
        assertEquals(0, r.exitCode(), r.output());
        Path copied = tmp.resolve("header-removed").resolve("copied.dcm");
        DicomFile original = DicomFile.read(CT);
        original.dataset().remove(DATASET_TRAILING_PADDING);
        DicomFile copy = DicomFile.read(copied);
        assertTrue(DatasetEquality.equal(original.dataset(), copy.dataset()),
                DatasetEquality.describeDifference(original.dataset(), copy.dataset()));
        assertNotEquals(spoolInodes.get("header-removed " + original.dataset().getString(Tag.SOPInstanceUID)),
                Files.getAttribute(copied, "unix:ino"), "copied, not renamed");
        assertSpoolEmpty("spool-header-removed");
    }

    @Test
    void moveSpoolFileRouteWithoutFileStepLeavesNoSpoolFile() throws Exception {
        ExternalProcess.Result r = ExternalProcess.storescu("MODALITY1", "GW", moveNoFileStepPort, CT, MR);
        assertEquals(0, r.exitCode(), r.output());
        assertSpoolEmpty("spool-no-file-step");
    }

    @Test
    void producedFileThatCannotBeSyncedIsAnsweredWithFailure() throws Exception {
        ExternalProcess.Result r = ExternalProcess.storescu("MODALITY1", "GW", vanishingPort, CT);
        assertTrue(r.output().contains("Received Store Response (Error: CannotUnderstand)"), r.output());
        assertNotEquals(0, r.exitCode(), r.output());
        assertSpoolEmpty("spool-vanishing");
    }

    private static void assertSpoolEmpty(String name) throws Exception {
        assertEquals(List.of(), SpoolLeftovers.in(tmp.resolve(name)), "spool " + name + " not cleaned");
    }

    private static long countFiles(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }
}
