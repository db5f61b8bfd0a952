package io.distillery.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.dicom.DicomFile;
import io.distillery.dicom.Tag;
import io.distillery.review.ReviewQueue;
import io.distillery.share.SharePackage;
import io.distillery.testsupport.ChildJvm;
import io.distillery.testsupport.FreePorts;
import io.distillery.testsupport.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A replica in a child JVM is SIGKILLed while its C-STORE is half done (the PACS holds the first object without
 * answering). Another replica on the same PostgreSQL takes the delivery over when the dead one's lease expires and
 * completes it; the package is recorded delivered once, and the PACS ends with exactly the package's objects.
 */
class KilledReplicaTest {
    @TempDir
    Path tmp;

    @Test
    void aReplicaKilledMidDeliveryIsTakenOverAndTheDeliveryCompletes() throws Exception {
        int port = FreePorts.freePort();
        AtomicBoolean holdFirst = new AtomicBoolean(true);
        CountDownLatch firstArrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> stored = new CopyOnWriteArrayList<>();
        try (PostgresServer postgres = PostgresServer.start(); CamelContext pacs = new DefaultCamelContext()) {
            PGSimpleDataSource db = postgres.createDatabase("killed");
            pacs.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("dicom:scp?aet=PACS&port=" + port + "&spoolDirectory=" + tmp.resolve("spool"))
                            .process(e -> {
                                if (holdFirst.getAndSet(false)) {
                                    firstArrived.countDown();
                                    release.await(60, TimeUnit.SECONDS);
                                    throw new IllegalStateException("sender gone");
                                }
                                stored.add(e.getIn().getHeader("DicomSopInstanceUID", String.class));
                            });
                }
            });
            pacs.start();

            SharePackage p = TestPackages.make(tmp, "PKG-KILL", "IM0051.dcm", "IM0052.dcm", "IM0053.dcm");
            ReviewQueue queue = new ReviewQueue(db);
            queue.submit(p, "PASS");
            queue.approve(p.id(), p.manifestSha256(), "alice", null);

            String url = "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/killed?user=postgres";
            Process child = new ProcessBuilder(ChildJvm.command(ReplicaMain.class, url, "PACS@127.0.0.1:" + port))
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
            try {
                assertTrue(firstArrived.await(60, TimeUnit.SECONDS),
                        "the child never sent: " + Files.readString(tmp.resolve("child.log")));
            } finally {
                child.destroyForcibly(); // SIGKILL: no shutdown hook, no outcome recorded
                child.waitFor(10, TimeUnit.SECONDS);
            }
            release.countDown();
            DeliveryLedger ledger = new DeliveryLedger(db);
            DeliveryRecord orphan = ledger.get(p.id(), p.manifestSha256(), "cstore").orElseThrow();
            assertEquals(DeliveryStatus.PENDING, orphan.status());
            assertNotNull(orphan.leaseOwner(), "the killed replica still holds its lease");
            assertEquals(1, orphan.attempts());

            try (OutboundHarness survivor = new OutboundHarness(db, OutboundHarness.QUICK_RETRY, Map.of(
                    "distillery.outbound.cstore.enabled", "true",
                    "distillery.outbound.cstore.remote", "PACS@127.0.0.1:" + port))) {
                DeliveryRecord done = survivor.await(p, "cstore", DeliveryStatus.DELIVERED, Duration.ofSeconds(60));
                assertEquals(2, done.attempts(), "taken over as the second attempt");
                assertEquals(List.of("delivered PKG-KILL cstore attempt 2"), survivor.events);
            }
            assertEquals(sops(p), stored.stream().sorted().toList(), "each object stored once");
        }
    }

    private static List<String> sops(SharePackage p) throws Exception {
        try (var s = Files.list(p.dir().resolve("images"))) {
            return s.map(f -> {
                try {
                    return DicomFile.read(f).dataset().getString(Tag.SOPInstanceUID);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sorted().toList();
        }
    }
}
