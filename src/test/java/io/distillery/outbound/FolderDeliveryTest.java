package io.distillery.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.distillery.share.SharePackage;
import io.distillery.store.StoreDataSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** routes/outbound.yaml's folder destination (the default) on the embedded store. */
class FolderDeliveryTest {
    @TempDir
    Path tmp;
    AgroalDataSource db;
    Path out;

    @BeforeEach
    void open() {
        db = StoreDataSources.pooled(StoreDataSources.embeddedUrl(tmp.resolve("store")), "distillery", null, 4);
        out = tmp.resolve("outbound");
    }

    @AfterEach
    void close() {
        db.close();
    }

    private OutboundHarness replica() throws Exception {
        return new OutboundHarness(db, OutboundHarness.QUICK_RETRY, Map.of("distillery.outbound.folder.enabled", "true",
                "distillery.outbound.folder.directory", out.toString()));
    }

    @Test
    void onlyApprovedPackagesAreCopiedCompleteAndARestartNeitherResendsNorSkips() throws Exception {
        Path pkgs = tmp.resolve("packages");
        SharePackage a = TestPackages.make(pkgs, "PKG-A", "IM0001.dcm", "IM0002.dcm");
        SharePackage b = TestPackages.make(pkgs, "PKG-B", "IM0003.dcm");
        SharePackage pending = TestPackages.make(pkgs, "PKG-PENDING", "IM0004.dcm");
        SharePackage rejected = TestPackages.make(pkgs, "PKG-REJECTED", "IM0005.dcm");
        long inode;
        try (OutboundHarness gw = replica()) {
            gw.approve(a);
            gw.approve(b);
            gw.queue.submit(pending, "PASS");
            gw.queue.submit(rejected, "FAIL");
            gw.queue.reject(rejected.id(), rejected.manifestSha256(), "bob", "identifiable");
            gw.await(a, "folder", DeliveryStatus.DELIVERED, Duration.ofSeconds(20));
            gw.await(b, "folder", DeliveryStatus.DELIVERED, Duration.ofSeconds(20));
            assertEquals(TestPackages.contents(a.dir()), TestPackages.contents(out.resolve("PKG-A")));
            assertEquals(TestPackages.contents(b.dir()), TestPackages.contents(out.resolve("PKG-B")));
            assertEquals(List.of("PKG-A", "PKG-B"), list(out), "nothing unapproved, no partial folder left");
            assertEquals(2.0, gw.counter("distillery.packages.sent", "destination", "folder"));
            inode = inode(out.resolve("PKG-A/manifest.json"));
        }

        try (OutboundHarness restarted = replica()) {
            Thread.sleep(1000); // ten polls
            assertEquals(List.of(), restarted.events, "nothing resent after the restart");
            assertEquals(1, restarted.outbound.ledger().get(a.id(), a.manifestSha256(), "folder").orElseThrow()
                    .attempts());
            assertEquals(inode, inode(out.resolve("PKG-A/manifest.json")), "the delivered copy was not rewritten");
            restarted.queue.approve(pending.id(), pending.manifestSha256(), "alice", null);
            restarted.await(pending, "folder", DeliveryStatus.DELIVERED, Duration.ofSeconds(20));
            assertEquals(List.of("PKG-A", "PKG-B", "PKG-PENDING"), list(out));
            assertEquals(List.of("delivered PKG-PENDING folder attempt 1"), restarted.events);
        }
    }

    @Test
    void aPackageChangedAfterApprovalIsDeadLetteredAtOnceAndNotCopied() throws Exception {
        SharePackage p = TestPackages.make(tmp.resolve("packages"), "PKG-T", "IM0001.dcm");
        try (OutboundHarness gw = replica()) {
            // Changed between approval and sending: the manifest no longer matches the bytes.
            Files.write(p.dir().resolve("images/distilled-000.dcm"), new byte[] {0}, java.nio.file.StandardOpenOption.APPEND);
            gw.approve(p);
            DeliveryRecord dead = gw.await(p, "folder", DeliveryStatus.DEAD, Duration.ofSeconds(20));
            assertEquals(1, dead.attempts(), "retrying cannot help: no second attempt");
            assertTrue(dead.lastError().contains("distilled-000.dcm") && dead.lastError().contains("bytes"),
                    dead.lastError());
            assertEquals(1, gw.events(p.id()).size());
            assertTrue(gw.events(p.id()).get(0).startsWith("dead PKG-T folder attempt 1"), gw.events.toString());
            assertEquals(1.0, gw.counter("distillery.packages.failed", "destination", "folder", "outcome", "dead"));
            assertFalse(Files.exists(out.resolve("PKG-T")));
        }
    }

    @Test
    void anUnwritableFolderIsRetriedWithBackoffAndSucceedsOnceItIsFixed() throws Exception {
        SharePackage p = TestPackages.make(tmp.resolve("packages"), "PKG-R", "IM0001.dcm");
        Files.writeString(out, "a file where the folder should be"); // the "peer" is down
        try (OutboundHarness gw = replica()) {
            gw.approve(p);
            long deadline = System.currentTimeMillis() + 20_000;
            while (gw.events(p.id()).isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            Files.delete(out); // ... and up again
            gw.await(p, "folder", DeliveryStatus.DELIVERED, Duration.ofSeconds(20));
            List<String> events = gw.events(p.id());
            assertTrue(events.get(0).startsWith("failed PKG-R folder attempt 1"), events.toString());
            assertEquals("delivered PKG-R folder attempt 2", events.get(events.size() - 1));
            assertEquals(TestPackages.contents(p.dir()), TestPackages.contents(out.resolve("PKG-R")));
            assertEquals(1.0, gw.counter("distillery.packages.failed", "destination", "folder", "outcome", "retry"));
        }
    }

    @Test
    void retriesExhaustedMakeADeadLetterThatARequeueSendsAgain() throws Exception {
        SharePackage p = TestPackages.make(tmp.resolve("packages"), "PKG-D", "IM0001.dcm");
        Files.writeString(out, "a file where the folder should be");
        try (OutboundHarness gw = replica()) {
            gw.approve(p);
            DeliveryRecord dead = gw.await(p, "folder", DeliveryStatus.DEAD, Duration.ofSeconds(20));
            assertEquals(3, dead.attempts());
            List<String> events = gw.events(p.id());
            assertEquals(3, events.size(), events.toString());
            assertTrue(events.get(0).startsWith("failed PKG-D folder attempt 1"), events.toString());
            assertTrue(events.get(1).startsWith("failed PKG-D folder attempt 2"), events.toString());
            assertTrue(events.get(2).startsWith("dead PKG-D folder attempt 3"), events.toString());
            assertEquals(1.0, gw.counter("distillery.packages.failed", "destination", "folder", "outcome", "dead"));
            Thread.sleep(500);
            assertEquals(3, gw.events(p.id()).size(), "a dead letter is not retried by itself");

            Files.delete(out);
            assertTrue(gw.outbound.ledger().requeue(p.id(), p.manifestSha256(), "folder"));
            gw.await(p, "folder", DeliveryStatus.DELIVERED, Duration.ofSeconds(20));
        }
    }

    /**
     * The states a replica leaves when it is killed mid-delivery, rebuilt in the ledger and on disk: its lease
     * still held, and either a half-written hidden copy or a finished copy whose delivery was never recorded.
     * Once the lease expires the next replica finishes the job, and the finished copy is not written twice.
     */
    @Test
    void aDeliveryInterruptedByAKillIsResumedWithoutADuplicate() throws Exception {
        Path pkgs = tmp.resolve("packages");
        SharePackage half = TestPackages.make(pkgs, "PKG-HALF", "IM0001.dcm", "IM0002.dcm");
        SharePackage done = TestPackages.make(pkgs, "PKG-DONE", "IM0003.dcm");
        DeliveryLedger ledger = new DeliveryLedger(db);
        io.distillery.review.ReviewQueue queue = new io.distillery.review.ReviewQueue(db);
        for (SharePackage p : List.of(half, done)) {
            queue.submit(p, "PASS");
            queue.approve(p.id(), p.manifestSha256(), "alice", null);
        }
        ledger.enqueue(queue.list(io.distillery.review.ReviewStatus.APPROVED), "folder");
        assertEquals(2, ledger.claim("folder", "killed-replica", Duration.ofMillis(1500), 10).size());
        Path partial = Files.createDirectories(out.resolve(".PKG-HALF.partial/images"));
        Files.write(partial.resolve("distilled-000.dcm"), new byte[100]);
        copyTree(done.dir(), out.resolve("PKG-DONE"));
        long inode = inode(out.resolve("PKG-DONE/images/distilled-000.dcm"));

        try (OutboundHarness next = replica()) {
            Thread.sleep(500);
            assertEquals(List.of(), next.events, "the killed replica's leases are respected until they expire");
            next.await(half, "folder", DeliveryStatus.DELIVERED, Duration.ofSeconds(20));
            next.await(done, "folder", DeliveryStatus.DELIVERED, Duration.ofSeconds(20));
            assertEquals(TestPackages.contents(half.dir()), TestPackages.contents(out.resolve("PKG-HALF")));
            assertEquals(inode, inode(out.resolve("PKG-DONE/images/distilled-000.dcm")),
                    "the finished copy was recognised, not written again");
            assertEquals(List.of("PKG-DONE", "PKG-HALF"), list(out), "the half-written copy was cleared");
            assertEquals(2, next.outbound.ledger().get(half.id(), half.manifestSha256(), "folder").orElseThrow()
                    .attempts(), "the killed attempt counts");
        }
    }

    private static List<String> list(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static long inode(Path p) throws Exception {
        return ((Number) Files.getAttribute(p, "unix:ino")).longValue();
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }
}
