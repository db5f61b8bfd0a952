package io.distillery.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.distillery.camel.OrthancServer;
import io.distillery.store.JdbcSampleStore;
import io.distillery.testsupport.FreePorts;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.quarkus.core.CamelRuntime;
import org.junit.jupiter.api.Test;

/**
 * routes/pacs-pull.yaml as shipped against a real Orthanc holding three instances: the poll finds the studies
 * (C-FIND), has Orthanc send them to the gateway's listener (C-MOVE), and modality-ingest.yaml stores them; later
 * polls move nothing again.
 */
@QuarkusTest
@TestProfile(PacsPullRouteTest.Profile.class)
class PacsPullRouteTest {
    static final Path DIR;
    static final int PORT;
    static final List<Path> SEEDED = List.of(ModalityIngestRouteTest.SAMPLES.resolve("IM0120.dcm"),
            ModalityIngestRouteTest.SAMPLES.resolve("IM0121.dcm"), ModalityIngestRouteTest.SAMPLES.resolve("IM0122.dcm"));

    static {
        try {
            DIR = Files.createTempDirectory("pacs-pull-test");
            PORT = FreePorts.freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "distillery.store.dir", DIR.resolve("store").toString(),
                    "distillery.scp.spool-dir", DIR.resolve("spool").toString(),
                    "distillery.scp.port", Integer.toString(PORT),
                    "distillery.study-aggregation.jdbc-url", "jdbc:h2:file:" + DIR.resolve("aggregation"),
                    "distillery.pacs.enabled", "true",
                    "distillery.pacs.poll-period", "1s",
                    "quarkus.http.test-port", "0",
                    "quarkus.log.category.\"pacs-pull\".level", "DEBUG",
                    "DISTILLERY_DEID_SECRET", "pacs-pull-test-secret-0123456789");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Orthanc.class));
        }
    }

    /** Orthanc seeded with {@link #SEEDED}, knowing the gateway as C-MOVE destination DISTILLERY. */
    public static class Orthanc implements QuarkusTestResourceLifecycleManager {
        private OrthancServer orthanc;

        @Override
        public Map<String, String> start() {
            try {
                orthanc = OrthancServer.start(Files.createDirectories(DIR.resolve("orthanc")),
                        Map.of("distillery", List.of("DISTILLERY", "127.0.0.1", PORT)));
                for (Path f : SEEDED) {
                    orthanc.upload(f);
                }
            } catch (Exception e) {
                // Quarkus reports a failed test resource only as InvocationTargetException: say the cause here
                System.err.println("PacsPullRouteTest: cannot start Orthanc: " + e);
                throw new IllegalStateException("cannot start Orthanc: " + e.getMessage(), e);
            }
            return Map.of("distillery.pacs.remote", "ORTHANC@127.0.0.1:" + orthanc.dicomPort);
        }

        @Override
        public void stop() {
            try {
                orthanc.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Inject
    CamelRuntime runtime;

    @Inject
    CamelContext camel;

    @Inject
    JdbcSampleStore store;

    @Inject
    MeterRegistry registry;

    @Test
    void studiesAreFoundMovedAndStoredOnce() throws Exception {
        if (!camel.isStarted()) {
            runtime.start(new String[0]);
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (store.count() < SEEDED.size() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals(SEEDED.size(), store.count(), "every seeded instance was pulled and stored");
        // a few more polls: the studies are remembered, nothing is moved (received) again
        Thread.sleep(3_500);
        double received = registry.find("distillery.instances.received").counters().stream()
                .mapToDouble(c -> c.count()).sum();
        assertEquals(SEEDED.size(), received, 0.0);
        assertEquals(SEEDED.size(), store.count());
    }
}
