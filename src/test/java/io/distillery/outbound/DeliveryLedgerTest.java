package io.distillery.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.review.ReviewItem;
import io.distillery.review.ReviewQueue;
import io.distillery.review.ReviewStatus;
import io.distillery.share.SharePackage;
import io.distillery.testsupport.StoreDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The delivery ledger's rules on the embedded H2 store and on a real PostgreSQL shared by two "replicas". */
class DeliveryLedgerTest {
    @RegisterExtension
    static final StoreDatabases DB = new StoreDatabases("ledger");

    @TempDir
    Path dir;

    private DataSource database(String kind) throws Exception {
        return DB.create(kind, dir);
    }

    private static List<ReviewItem> approve(ReviewQueue queue, int n) {
        for (int i = 0; i < n; i++) {
            SharePackage p = new SharePackage("P" + i, Path.of("/packages/P" + i), Integer.toHexString(i).repeat(64)
                    .substring(0, 64));
            queue.submit(p, "PASS");
            queue.approve(p.id(), p.manifestSha256(), "alice", null);
        }
        return queue.list(ReviewStatus.APPROVED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aDeliveredPackageIsNeverClaimedAgainAndAnUndeliveredOneIsNotSkippedAfterARestart(String kind)
            throws Exception {
        DataSource db = database(kind);
        ReviewQueue queue = new ReviewQueue(db);
        List<ReviewItem> approved = approve(queue, 3);
        DeliveryLedger ledger = new DeliveryLedger(db);
        assertEquals(3, ledger.enqueue(approved, "folder"));
        assertEquals(0, ledger.enqueue(approved, "folder"), "queueing again adds nothing");
        assertEquals(3, ledger.enqueue(approved, "s3"), "each destination has its own rows");

        List<Delivery> first = ledger.claim("folder", "A", Duration.ofMinutes(5), 2);
        assertEquals(List.of("P0", "P1"), first.stream().map(Delivery::packageId).toList());
        assertEquals(1, first.get(0).attempt());
        assertTrue(ledger.delivered(first.get(0)));
        assertEquals(List.of(), ledger.claim("folder", "B", Duration.ofMinutes(5), 10).stream()
                .filter(d -> !d.packageId().equals("P2")).toList(), "P1 is leased by A, P0 delivered");

        // "Restart": a new ledger object, a new replica id, the same database.
        DeliveryLedger restarted = new DeliveryLedger(db);
        assertEquals(0, restarted.enqueue(queue.list(ReviewStatus.APPROVED), "folder"));
        DeliveryRecord p0 = restarted.get("P0", approved.get(0).manifestSha256(), "folder").orElseThrow();
        assertEquals(DeliveryStatus.DELIVERED, p0.status());
        assertEquals(1, p0.attempts());
        assertTrue(p0.deliveredAt() != null);
        DeliveryRecord p1 = restarted.get("P1", approved.get(1).manifestSha256(), "folder").orElseThrow();
        assertEquals(DeliveryStatus.PENDING, p1.status(), "A's claim of P1 never finished: still pending");
        assertEquals("A", p1.leaseOwner());
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void anExpiredLeaseIsTakenOverAndTheOldOwnerCanNoLongerRecordAnOutcome(String kind) throws Exception {
        DataSource db = database(kind);
        ReviewQueue queue = new ReviewQueue(db);
        DeliveryLedger ledger = new DeliveryLedger(db);
        ledger.enqueue(approve(queue, 1), "cstore");
        Delivery dying = ledger.claim("cstore", "A", Duration.ofMillis(200), 10).get(0);
        assertEquals(List.of(), ledger.claim("cstore", "B", Duration.ofMinutes(5), 10), "lease still held by A");
        Thread.sleep(300);
        List<Delivery> takenOver = ledger.claim("cstore", "B", Duration.ofMinutes(5), 10);
        assertEquals(1, takenOver.size(), "A's lease expired (A died mid-delivery): B takes the row");
        assertEquals(2, takenOver.get(0).attempt(), "the interrupted attempt counts");
        assertFalse(ledger.delivered(dying), "A, back from the dead, must not overwrite B's claim");
        assertTrue(ledger.delivered(takenOver.get(0)));
        assertEquals(DeliveryStatus.DELIVERED,
                ledger.get("P0", dying.manifestSha256(), "cstore").orElseThrow().status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void failuresAreRetriedAfterTheBackoffAndDeadLettersWaitForARequeue(String kind) throws Exception {
        DataSource db = database(kind);
        ReviewQueue queue = new ReviewQueue(db);
        DeliveryLedger ledger = new DeliveryLedger(db);
        ledger.enqueue(approve(queue, 1), "sftp");
        Delivery d = ledger.claim("sftp", "A", Duration.ofMinutes(5), 10).get(0);
        assertTrue(ledger.retryLater(d, "connection refused\nsecond line", Instant.now().plusMillis(400)));
        assertEquals(List.of(), ledger.claim("sftp", "A", Duration.ofMinutes(5), 10), "not due before the backoff");
        DeliveryRecord waiting = ledger.get("P0", d.manifestSha256(), "sftp").orElseThrow();
        assertEquals("connection refused second line", waiting.lastError(), "one-line error");
        assertEquals(null, waiting.leaseOwner());
        Thread.sleep(500);
        Delivery again = ledger.claim("sftp", "A", Duration.ofMinutes(5), 10).get(0);
        assertEquals(2, again.attempt());
        assertTrue(ledger.deadLetter(again, "retries exhausted"));
        Thread.sleep(50);
        assertEquals(List.of(), ledger.claim("sftp", "A", Duration.ofMinutes(5), 10), "a dead letter is not retried");
        assertEquals(DeliveryStatus.DEAD, ledger.get("P0", d.manifestSha256(), "sftp").orElseThrow().status());
        assertTrue(ledger.requeue("P0", d.manifestSha256(), "sftp"));
        assertFalse(ledger.requeue("P0", d.manifestSha256(), "sftp"), "only a dead letter can be requeued");
        Delivery requeued = ledger.claim("sftp", "A", Duration.ofMinutes(5), 10).get(0);
        assertEquals(1, requeued.attempt(), "a requeued dead letter gets a fresh set of attempts");
    }

    /** Two replicas on one PostgreSQL race to claim 30 packages, repeatedly: every package is claimed once. */
    @Test
    void twoReplicasNeverClaimTheSamePackage() throws Exception {
        DataSource db = database("postgresql");
        ReviewQueue queue = new ReviewQueue(db);
        List<ReviewItem> approved = approve(queue, 30);
        DeliveryLedger replicaA = new DeliveryLedger(db);
        DeliveryLedger replicaB = new DeliveryLedger(db);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<String>>> claims = new ArrayList<>();
        for (DeliveryLedger ledger : List.of(replicaA, replicaB)) {
            String owner = ledger == replicaA ? "A" : "B";
            claims.add(pool.submit(() -> {
                start.await();
                List<String> mine = new ArrayList<>();
                for (int round = 0; round < 20; round++) {
                    ledger.enqueue(approved, "folder");
                    for (Delivery d : ledger.claim("folder", owner, Duration.ofMinutes(5), 3)) {
                        mine.add(d.packageId());
                        assertTrue(ledger.delivered(d), owner + " lost its own claim of " + d.packageId());
                    }
                }
                return mine;
            }));
        }
        start.countDown();
        List<String> a = claims.get(0).get();
        List<String> b = claims.get(1).get();
        pool.shutdown();
        Set<String> both = new HashSet<>(a);
        both.retainAll(b);
        assertEquals(Set.of(), both, "claimed by both replicas");
        assertEquals(30, a.size() + b.size(), "A claimed " + a.size() + ", B " + b.size());
        assertEquals(30, new HashSet<>(replicaA.list("folder").stream()
                .filter(r -> r.status() == DeliveryStatus.DELIVERED).map(DeliveryRecord::packageId).toList()).size());
    }

    @Test
    void backoffGrowsExponentiallyUpToItsCap() {
        RetryPolicy p = new RetryPolicy(5, Duration.ofSeconds(30), 2, Duration.ofMinutes(3));
        assertEquals(List.of(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120),
                Duration.ofMinutes(3), Duration.ofMinutes(3)),
                List.of(p.delayAfter(1), p.delayAfter(2), p.delayAfter(3), p.delayAfter(4), p.delayAfter(5)));
        assertFalse(p.exhausted(4));
        assertTrue(p.exhausted(5));
    }
}
