package io.distillery.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.share.SharePackage;
import io.distillery.testsupport.StoreDatabases;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The review queue's rules on the embedded H2 store and on a real PostgreSQL shared by two "replicas". */
class ReviewQueueTest {
    @RegisterExtension
    static final StoreDatabases DB = new StoreDatabases("review");

    @TempDir
    Path dir;

    private DataSource database(String kind) throws Exception {
        return DB.create(kind, dir);
    }

    private static SharePackage pkg(String id, char hash) {
        return new SharePackage(id, Path.of("/packages", id), String.valueOf(hash).repeat(64));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aPackageIsDecidedOnceAndOnlyForTheReviewedManifest(String kind) throws Exception {
        DataSource db = database(kind);
        ReviewQueue queue = new ReviewQueue(db);
        ReviewItem queued = queue.submit(pkg("P1", 'a'), "PASS");
        assertEquals(ReviewStatus.PENDING, queued.status());
        assertEquals(queued, queue.submit(pkg("P1", 'a'), "PASS"), "re-submitting the same package is a no-op");
        assertThrows(ReviewException.class, () -> queue.submit(pkg("P1", 'b'), "PASS"),
                "same id with another manifest must be refused");

        ReviewException wrongHash = assertThrows(ReviewException.class,
                () -> queue.approve("P1", "b".repeat(64), "alice", null));
        assertTrue(wrongHash.getMessage().contains("not the reviewed"), wrongHash.getMessage());
        assertThrows(ReviewException.class, () -> queue.reject("P1", "a".repeat(64), "alice", " "),
                "a rejection needs a reason");
        assertThrows(ReviewException.class, () -> queue.approve("P1", "a".repeat(64), "", null),
                "a decision needs a reviewer");

        ReviewItem approved = queue.approve("P1", "a".repeat(64), "alice", "looks anonymous");
        assertEquals(ReviewStatus.APPROVED, approved.status());
        assertEquals("alice", approved.decidedBy());
        ReviewException twice = assertThrows(ReviewException.class,
                () -> queue.reject("P1", "a".repeat(64), "bob", "changed my mind"));
        assertTrue(twice.getMessage().contains("already APPROVED by alice"), twice.getMessage());
        assertEquals(List.of(), queue.list(ReviewStatus.PENDING));
        assertEquals(List.of("P1"), queue.list(ReviewStatus.APPROVED).stream().map(ReviewItem::packageId).toList());
        assertThrows(ReviewException.class, () -> queue.approve("NOPE", "a".repeat(64), "alice", null));
    }

    /** Two replicas (two queues on one PostgreSQL) race to decide 20 packages: each is decided exactly once. */
    @ParameterizedTest
    @ValueSource(strings = {"postgresql"})
    void concurrentReviewersNeverBothDecide(String kind) throws Exception {
        DataSource db = database(kind);
        ReviewQueue replicaA = new ReviewQueue(db);
        ReviewQueue replicaB = new ReviewQueue(db);
        for (int i = 0; i < 20; i++) {
            replicaA.submit(pkg("P" + i, 'c'), "PASS");
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> wins = new ArrayList<>();
        for (ReviewQueue q : List.of(replicaA, replicaB)) {
            String who = q == replicaA ? "alice" : "bob";
            Callable<Integer> task = () -> {
                start.await();
                int won = 0;
                for (int i = 0; i < 20; i++) {
                    try {
                        q.approve("P" + i, "c".repeat(64), who, null);
                        won++;
                    } catch (ReviewException lost) {
                        assertTrue(lost.getMessage().contains("already APPROVED"), lost.getMessage());
                    }
                }
                return won;
            };
            wins.add(pool.submit(task));
        }
        start.countDown();
        int total = wins.get(0).get() + wins.get(1).get();
        pool.shutdown();
        assertEquals(20, total, "every package approved exactly once");
        assertEquals(20, replicaB.list(ReviewStatus.APPROVED).size());
    }
}
