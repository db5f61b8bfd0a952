package io.distillery.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.testsupport.FreePorts;
import io.distillery.testsupport.SharedData;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.camel.CamelContext;
import org.apache.camel.quarkus.main.CamelMain;
import org.apache.camel.quarkus.main.CamelMainRuntime;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Boots the application with a YAML route that uses dicom:scp and the study aggregation beans: proves that Camel
 * Quarkus discovers the component, that the YAML DSL accepts its options, and that the whole path works with dcmtk.
 */
@QuarkusTest
@TestProfile(DicomYamlRouteQuarkusTest.Profile.class)
class DicomYamlRouteQuarkusTest {
    public static class Profile implements QuarkusTestProfile {
        /** Computed once: Quarkus may ask for the overrides more than once. */
        private static final Map<String, String> OVERRIDES = overrides();

        @Override
        public Map<String, String> getConfigOverrides() {
            return OVERRIDES;
        }

        private static Map<String, String> overrides() {
            try {
                Path dir = Files.createTempDirectory("dicom-yaml-route");
                return Map.of(
                        "camel.main.routes-include-pattern", "classpath:routes-test/dicom-ingest.yaml",
                        "distillery.test.scp-port", String.valueOf(FreePorts.freePort()),
                        "distillery.test.dir", dir.toString(),
                        "distillery.study-aggregation.jdbc-url", "jdbc:h2:file:" + dir.resolve("aggregation"),
                        // The gateway's ingest bean starts with the application: give it a store and a test secret.
                        "distillery.store.dir", dir.resolve("store").toString(),
                        "DISTILLERY_DEID_SECRET", "yaml-route-test-secret-0123456789");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Inject
    CamelContext camel;
    @Inject
    CamelMain main;

    @ConfigProperty(name = "distillery.test.scp-port")
    int port;
    @ConfigProperty(name = "distillery.test.dir")
    String dir;

    @Test
    void yamlRouteReceivesFromStorescuAndSignalsTheStudy() throws Exception {
        // The application has its own @QuarkusMain (picocli), so Camel Quarkus does not auto-start Camel: a server
        // command starts it the way Camel Quarkus's own bootstrap does, and so does this test.
        CamelMainRuntime runtime = new CamelMainRuntime(main, 10_000);
        runtime.start(new String[0]);
        try {
            awaitRoute();
            receiveAndSignal();
        } finally {
            runtime.stop();
        }
    }

    private void awaitRoute() throws InterruptedException {
        for (int i = 0; i < 200 && !(camel.isStarted() && camel.getRoute("dicom-ingest") != null); i++) {
            Thread.sleep(50);
        }
        assertTrue(camel.getRoute("dicom-ingest") != null, "YAML route not loaded: " + camel.getRoutes());
    }

    private void receiveAndSignal() throws Exception {
        Path ct = SharedData.dicomCorpus().resolve("pydicom/CT_small.dcm");
        ExternalProcess.Result r = ExternalProcess.storescu("MODALITY1", "GW", port, ct);
        assertEquals(0, r.exitCode(), r.output());
        String sop = DicomWebOrthancTest.sop(ct);
        assertTrue(Files.isRegularFile(Path.of(dir, "store", sop + ".dcm")), "instance not stored by the route");

        Path signal = Path.of(dir, "studies", StudyAggregationTest.study(ct) + ".txt");
        for (int i = 0; i < 100 && !Files.exists(signal); i++) {
            Thread.sleep(100);
        }
        assertEquals("1 " + sop, Files.readString(signal));

        ExternalProcess.Result rejected = ExternalProcess.storescu("STRANGER", "GW", port, ct);
        assertTrue(rejected.output().contains("Calling AE Title Not Recognized"), rejected.output());
    }
}
