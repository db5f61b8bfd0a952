package io.distillery.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.review.ReviewQueue;
import io.distillery.share.SharePackage;
import io.distillery.testsupport.FreePorts;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.quarkus.core.CamelRuntime;
import org.junit.jupiter.api.Test;

/**
 * The gateway as deployed: CDI wiring of the outbound bean, ledger and metrics on the store's database, and the
 * shipped routes/outbound.yaml with the default destination (folder) delivering an approved package.
 */
@QuarkusTest
@TestProfile(OutboundQuarkusTest.Profile.class)
class OutboundQuarkusTest {
    public static class Profile implements QuarkusTestProfile {
        static final Path DIR;
        static final int PORT;

        static {
            try {
                DIR = Files.createTempDirectory("outbound-quarkus");
                PORT = FreePorts.freePort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "distillery.store.dir", DIR.resolve("store").toString(),
                    "distillery.scp.spool-dir", DIR.resolve("spool").toString(),
                    "distillery.scp.port", Integer.toString(PORT),
                    "distillery.study-aggregation.jdbc-url", "jdbc:h2:file:" + DIR.resolve("aggregation"),
                    "DISTILLERY_DEID_SECRET", "outbound-test-secret-0123456789",
                    "distillery.outbound.poll-interval", "200",
                    "distillery.outbound.folder.directory", DIR.resolve("outbound").toString());
        }
    }

    @Inject
    CamelRuntime runtime;

    @Inject
    CamelContext camel;

    @Inject
    ReviewQueue reviewQueue;

    @Inject
    DeliveryLedger ledger;

    @Inject
    MeterRegistry registry;

    @Test
    void anApprovedPackageReachesTheDefaultFolderAndIsCounted() throws Exception {
        // Our @QuarkusMain switches off Camel's auto-start (the serve command starts it); do what serve does.
        if (!camel.isStarted()) {
            runtime.start(new String[0]);
        }
        for (String id : new String[] {"outbound-folder", "outbound-cstore", "outbound-stow", "outbound-s3",
                "outbound-sftp"}) {
            assertNotNull(camel.getRoute(id), "routes/outbound.yaml route " + id + " not loaded");
        }
        assertTrue(camel.getRouteController().getRouteStatus("outbound-folder").isStarted());
        assertTrue(camel.getRouteController().getRouteStatus("outbound-cstore").isStopped(), "off by default");

        SharePackage p = TestPackages.make(Profile.DIR.resolve("packages"), "PKG-Q", "IM0041.dcm");
        reviewQueue.submit(p, "PASS");
        reviewQueue.approve(p.id(), p.manifestSha256(), "alice", "fine");
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        DeliveryRecord r = null;
        while (Instant.now().isBefore(deadline)) {
            r = ledger.get(p.id(), p.manifestSha256(), "folder").orElse(null);
            if (r != null && r.status() == DeliveryStatus.DELIVERED) {
                break;
            }
            Thread.sleep(50);
        }
        assertEquals(DeliveryStatus.DELIVERED, r == null ? null : r.status(), String.valueOf(r));
        assertEquals(TestPackages.contents(p.dir()), TestPackages.contents(Profile.DIR.resolve("outbound/PKG-Q")));
        // The counter follows the ledger write by a moment.
        io.micrometer.core.instrument.Counter sent = null;
        while (sent == null && Instant.now().isBefore(deadline)) {
            sent = registry.find("distillery.packages.sent").tag("destination", "folder").counter();
            Thread.sleep(20);
        }
        assertEquals(1.0, sent == null ? 0 : sent.count());
    }
}
