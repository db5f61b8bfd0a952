package io.distillery.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.dicom.DicomFile;
import io.distillery.dicom.Tag;
import io.distillery.store.JdbcSampleStore;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.quarkus.core.CamelRuntime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * routes/modality-ingest.yaml as shipped, fed by dcmtk storescu: labelled instances become samples with the
 * manifest's labels; an instance the manifest does not know is acknowledged and parked, not lost.
 */
@QuarkusTest
@TestProfile(GatewayTestProfile.class)
class ModalityIngestRouteTest {
    static final Path SAMPLES = Path.of("dicom-samples");

    @Inject
    CamelRuntime runtime;

    @Inject
    CamelContext camel;

    @Inject
    IngestProcessor ingest;

    @BeforeEach
    void startRoutes() {
        // Our @QuarkusMain switches off Camel's auto-start (the serve command starts it); do what serve does.
        if (!camel.isStarted()) {
            runtime.start(new String[0]);
        }
        assertTrue(camel.getRoute("modality-ingest") != null, "routes/modality-ingest.yaml not loaded");
    }

    @Test
    void labelledInstancesAreStoredWithTheManifestLabels() throws Exception {
        List<Path> files = List.of(SAMPLES.resolve("IM0001.dcm"), SAMPLES.resolve("IM0002.dcm"),
                SAMPLES.resolve("IM0003.dcm"));
        JdbcSampleStore store = ingest.store();
        Map<String, Long> before = store.countsByLabel();
        Map<String, Long> expected = new TreeMap<>(before);
        Map<String, String> manifest = manifest();
        for (Path f : files) {
            String label = manifest.get(DicomFile.read(f).dataset().getString(Tag.AccessionNumber));
            assertTrue(label != null, f + " is not in the manifest");
            expected.merge(label, 1L, Long::sum);
        }
        assertEquals(0, storescu(files));
        assertEquals(expected, new TreeMap<>(store.countsByLabel()));
    }

    @Test
    void unknownAccessionIsAcknowledgedAndParked() throws Exception {
        Path copy = Files.copy(SAMPLES.resolve("IM0004.dcm"), GatewayTestProfile.DIR.resolve("unknown.dcm"));
        run("dcmodify", "-nb", "-m", "(0008,0050)=NOT-IN-MANIFEST", "-m",
                "(0008,0018)=1.2.826.0.1.3680043.10.1000.77", copy.toString());
        long parked = ingest.store().parkedCount();
        long samples = ingest.store().count();
        assertEquals(0, storescu(List.of(copy)));
        assertEquals(parked + 1, ingest.store().parkedCount());
        assertEquals(samples, ingest.store().count());
    }

    private static Map<String, String> manifest() throws IOException {
        return Files.readAllLines(SAMPLES.resolve("labels.csv")).stream().skip(1).map(l -> l.split(","))
                .collect(Collectors.toMap(r -> r[0], r -> r[1]));
    }

    static int storescu(List<Path> files) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("storescu", "-aet", "MODALITY", "-aec", "DISTILLERY",
                "127.0.0.1", Integer.toString(GatewayTestProfile.PORT)));
        files.forEach(f -> cmd.add(f.toString()));
        return run(cmd.toArray(String[]::new));
    }

    static int run(String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(GatewayTestProfile.DIR.resolve("process.log").toFile());
        pb.environment().put("TCP_NODELAY", "1");
        return pb.start().waitFor();
    }
}
