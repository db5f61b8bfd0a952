package io.distillery.dicom.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.dicom.Attributes;
import io.distillery.dicom.DicomFile;
import io.distillery.dicom.Tag;
import io.distillery.dicom.VR;
import io.distillery.testsupport.FreePorts;
import io.distillery.testsupport.SharedData;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Orthanc as the PACS, started once for the class (in its own network namespace when possible): our Storage SCU
 * fills it (checked through its REST API), then C-FIND in both models at every level, C-MOVE to our own SCP and
 * C-GET back on the same association.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PacsInteropTest {
    @TempDir
    static Path tmp;

    private static Peers peers;
    private static DicomServer ourScp;
    private static Path moved;
    private static RemoteAe orthanc;
    private static int httpPort;
    private static final List<Path> files = new ArrayList<>();
    /** study UID -> series UID -> SOP instance UIDs, from the files themselves. */
    private static final Map<String, Map<String, Set<String>>> tree = new TreeMap<>();
    private static String patientId;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Peers.installed("Orthanc"), "Orthanc is not installed");
        peers = new Peers(Files.createDirectories(tmp.resolve("logs")));
        moved = tmp.resolve("moved");
        ourScp = DicomServer.start(ServerConfig.builder("OURSCP").accept(TransferCapability.anyStorage()).build(),
                new DimseServiceRegistry().add(new StorageService(StorageConfig.of(moved.resolve(".spool"))
                        .withMinFreeBytes(0), new DirectoryStorageHandler(moved, DuplicatePolicy.OVERWRITE, true))),
                null);

        boolean ns = Netns.available();
        int dicomPeer = FreePorts.freePort();
        int httpPeer = FreePorts.freePort();
        int dicomHost = ns ? FreePorts.freePort() : dicomPeer;
        httpPort = ns ? FreePorts.freePort() : httpPeer;
        int scpInsidePort = ns ? FreePorts.freePort() : ourScp.port();
        Path db = Files.createDirectories(tmp.resolve("orthanc-db"));
        String config = """
                {
                  "Name": "distillery-test", "StorageDirectory": "%s", "IndexDirectory": "%s",
                  "DicomAet": "ORTHANC", "DicomPort": %d, "HttpPort": %d, "RemoteAccessAllowed": false,
                  "AuthenticationEnabled": false, "Plugins": [], "DicomCheckCalledAet": true,
                  "DicomModalities": {
                    "OURSCP": ["OURSCP", "127.0.0.1", %d],
                    "OURSCU": ["OURSCU", "127.0.0.1", %d]
                  },
                  "StableAge": 1, "HttpTimeout": 10, "DicomScuTimeout": 10
                }
                """.formatted(db, db, dicomPeer, httpPeer, scpInsidePort, scpInsidePort);
        Path cfg = Files.writeString(tmp.resolve("orthanc.json"), config);
        Path socks = Files.createTempDirectory(Path.of("/tmp"), "dn");
        Netns.start(peers, "orthanc", socks,
                List.of(new Netns.Forward(dicomPeer, dicomHost), new Netns.Forward(httpPeer, httpPort)),
                List.of(new Netns.Reverse(scpInsidePort, ourScp.port())), "Orthanc", cfg.toString());
        orthanc = new RemoteAe("ORTHANC", "127.0.0.1", dicomHost);
        awaitHttp();

        Path corpus = SharedData.dicomCorpus().resolve("pydicom/dicomdirtests");
        try (Stream<Path> s = Stream.concat(Files.walk(corpus.resolve("98892001")), Files.walk(corpus.resolve("98892003")))) {
            s.filter(Files::isRegularFile).sorted().forEach(files::add);
        }
        for (Path f : files) {
            Attributes ds = DicomFile.read(f).dataset();
            patientId = ds.getString(Tag.PatientID);
            tree.computeIfAbsent(ds.getString(Tag.StudyInstanceUID), k -> new TreeMap<>())
                    .computeIfAbsent(ds.getString(Tag.SeriesInstanceUID), k -> new java.util.TreeSet<>())
                    .add(ds.getString(Tag.SOPInstanceUID));
        }
    }

    private static void awaitHttp() throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                rest("/system");
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("Orthanc did not start:\n" + peers.log("orthanc"));
    }

    private static JsonNode rest(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + path)).timeout(java.time.Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("HTTP " + r.statusCode() + " for " + path);
        }
        return new ObjectMapper().readTree(r.body());
    }

    @AfterAll
    static void stop() {
        if (ourScp != null) {
            ourScp.close();
        }
        if (peers != null) {
            peers.close();
        }
    }

    private static ClientConfig scu() {
        return ClientConfig.of("OURSCU");
    }

    @Test
    @Order(1)
    void storeScuFillsOrthanc() throws Exception {
        assertTrue(EchoScu.echo(scu(), orthanc) == Status.SUCCESS);
        List<StoreScu.Result> results = StoreScu.store(scu(), orthanc, files);
        List<String> failed = results.stream().filter(r -> !r.stored()).map(r -> r.file() + ": " + r.describe()).toList();
        assertTrue(failed.isEmpty(), failed.toString());
        Set<String> inOrthanc = new HashSet<>();
        for (JsonNode n : rest("/instances?expand")) {
            inOrthanc.add(n.path("MainDicomTags").path("SOPInstanceUID").asText());
        }
        Set<String> expected = tree.values().stream().flatMap(m -> m.values().stream()).flatMap(Set::stream)
                .collect(Collectors.toSet());
        assertEquals(expected, inOrthanc);
    }

    private static Attributes keys(String level) {
        Attributes k = new Attributes();
        k.setString(Tag.QueryRetrieveLevel, VR.CS, level);
        return k;
    }

    @Test
    @Order(2)
    void findInStudyRootAtStudySeriesAndImageLevel() {
        Attributes studyKeys = keys("STUDY");
        studyKeys.setString(Tag.PatientID, VR.LO, patientId);
        studyKeys.setString(Tag.StudyInstanceUID, VR.UI);
        studyKeys.setString(Tag.StudyDate, VR.DA);
        List<Attributes> studies = QueryRetrieveScu.find(scu(), orthanc, QueryRetrieveScu.Model.STUDY_ROOT, studyKeys);
        Set<String> studyUids = studies.stream().map(a -> a.getString(Tag.StudyInstanceUID)).collect(Collectors.toSet());
        Set<String> expectedStudies = new HashSet<>();
        tree.keySet().forEach(expectedStudies::add);
        assertTrue(studyUids.containsAll(expectedStudies) && !studyUids.isEmpty(), studyUids + " vs " + expectedStudies);

        String study = tree.keySet().iterator().next();
        Attributes seriesKeys = keys("SERIES");
        seriesKeys.setString(Tag.StudyInstanceUID, VR.UI, study);
        seriesKeys.setString(Tag.SeriesInstanceUID, VR.UI);
        seriesKeys.setString(Tag.Modality, VR.CS);
        List<Attributes> series = QueryRetrieveScu.find(scu(), orthanc, QueryRetrieveScu.Model.STUDY_ROOT, seriesKeys);
        assertEquals(tree.get(study).keySet(), series.stream().map(a -> a.getString(Tag.SeriesInstanceUID))
                .collect(Collectors.toSet()));

        String oneSeries = tree.get(study).keySet().iterator().next();
        Attributes imageKeys = keys("IMAGE");
        imageKeys.setString(Tag.StudyInstanceUID, VR.UI, study);
        imageKeys.setString(Tag.SeriesInstanceUID, VR.UI, oneSeries);
        imageKeys.setString(Tag.SOPInstanceUID, VR.UI);
        List<Attributes> images = QueryRetrieveScu.find(scu(), orthanc, QueryRetrieveScu.Model.STUDY_ROOT, imageKeys);
        assertEquals(tree.get(study).get(oneSeries), images.stream().map(a -> a.getString(Tag.SOPInstanceUID))
                .collect(Collectors.toSet()));
    }

    @Test
    @Order(3)
    void findInPatientRoot() {
        Attributes patientKeys = keys("PATIENT");
        patientKeys.setString(Tag.PatientID, VR.LO, patientId);
        patientKeys.setString(Tag.PatientName, VR.PN);
        List<Attributes> patients = QueryRetrieveScu.find(scu(), orthanc, QueryRetrieveScu.Model.PATIENT_ROOT, patientKeys);
        assertEquals(1, patients.size());
        assertEquals(patientId, patients.get(0).getString(Tag.PatientID));

        Attributes studyKeys = keys("STUDY");
        studyKeys.setString(Tag.PatientID, VR.LO, patientId);
        studyKeys.setString(Tag.StudyInstanceUID, VR.UI);
        List<Attributes> studies = QueryRetrieveScu.find(scu(), orthanc, QueryRetrieveScu.Model.PATIENT_ROOT, studyKeys);
        assertTrue(studies.stream().map(a -> a.getString(Tag.StudyInstanceUID)).collect(Collectors.toSet())
                .containsAll(tree.keySet()));
    }

    @Test
    @Order(4)
    void moveStudyToOurScp() throws Exception {
        String study = tree.keySet().iterator().next();
        Attributes k = keys("STUDY");
        k.setString(Tag.StudyInstanceUID, VR.UI, study);
        QueryRetrieveScu.RetrieveResult r = QueryRetrieveScu.move(scu(), orthanc, QueryRetrieveScu.Model.STUDY_ROOT, k,
                "OURSCP");
        Set<String> expected = tree.get(study).values().stream().flatMap(Set::stream).collect(Collectors.toSet());
        assertTrue(r.success(), r + "\n" + peers.log("orthanc"));
        assertEquals(expected.size(), r.completed());
        Set<String> arrived = new HashSet<>();
        try (Stream<Path> s = Files.list(moved)) {
            s.filter(p -> p.toString().endsWith(".dcm"))
                    .forEach(p -> arrived.add(p.getFileName().toString().replaceAll("\\.dcm$", "")));
        }
        assertEquals(expected, arrived);
    }

    @Test
    @Order(6)
    void cliFindAndMove() throws Exception {
        String study = tree.keySet().iterator().next();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        int exit;
        try {
            System.setOut(new java.io.PrintStream(out, true));
            exit = io.distillery.cli.DistilleryCommand.execute("dicom", "find", "--aet", "OURSCU", orthanc.toString(),
                    "--level", "SERIES", "-k", "StudyInstanceUID=" + study, "-k", "SeriesInstanceUID", "-k", "Modality");
        } finally {
            System.setOut(old);
        }
        assertEquals(0, exit);
        List<String> lines = out.toString().lines().toList();
        assertEquals(tree.get(study).size(), lines.size(), out.toString());
        for (String series : tree.get(study).keySet()) {
            assertTrue(lines.stream().anyMatch(l -> l.contains("SeriesInstanceUID=" + series)), out.toString());
        }
        assertEquals(0, io.distillery.cli.DistilleryCommand.execute("dicom", "move", "--aet", "OURSCU", orthanc.toString(),
                "--dest", "OURSCP", "--level", "STUDY", "-k", "StudyInstanceUID=" + study));
        // An AE Orthanc does not know: the move fails and the command says so.
        assertEquals(1, io.distillery.cli.DistilleryCommand.execute("dicom", "move", "--aet", "OURSCU", orthanc.toString(),
                "--dest", "NOBODY", "--level", "STUDY", "-k", "StudyInstanceUID=" + study));
    }

    @Test
    @Order(5)
    void getSeriesOnTheSameAssociation() throws Exception {
        String study = tree.keySet().iterator().next();
        String series = tree.get(study).keySet().iterator().next();
        Attributes k = keys("SERIES");
        k.setString(Tag.StudyInstanceUID, VR.UI, study);
        k.setString(Tag.SeriesInstanceUID, VR.UI, series);
        List<StoredInstance> got = new CopyOnWriteArrayList<>();
        Path getDir = tmp.resolve("got");
        DirectoryStorageHandler dir = new DirectoryStorageHandler(getDir, DuplicatePolicy.OVERWRITE, true);
        QueryRetrieveScu.RetrieveResult r;
        try (StorageService storage = new StorageService(StorageConfig.of(getDir.resolve(".spool")).withMinFreeBytes(0),
                si -> {
                    got.add(si);
                    return dir.onStored(si);
                })) {
            r = QueryRetrieveScu.get(scu(), orthanc, QueryRetrieveScu.Model.STUDY_ROOT, k, storage,
                    QueryRetrieveScu.COMMON_STORAGE);
        }
        // Closing the service took back the spool files it had created ahead.
        try (var left = Files.list(getDir.resolve(".spool"))) {
            assertEquals(List.of(), left.toList());
        }
        assertTrue(r.success(), r + "\n" + peers.log("orthanc"));
        assertEquals(tree.get(study).get(series), got.stream().map(StoredInstance::sopInstance).collect(Collectors.toSet()));
        assertEquals(got.size(), r.completed());
        for (StoredInstance si : got) {
            // Calling/called describe the association: on a C-GET we called Orthanc, which sent the instances.
            assertEquals("OURSCU", si.callingAet());
            assertEquals("ORTHANC", si.calledAet());
            assertEquals(series, si.seriesInstanceUid());
        }
    }
}
