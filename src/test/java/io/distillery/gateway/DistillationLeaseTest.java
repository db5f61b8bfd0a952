package io.distillery.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.testsupport.StoreDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one-distillation-at-a-time lease on the embedded H2 store and on a real PostgreSQL, with each "replica" its
 * own {@link DistillationLease} on the shared database, as in a scaled-out gateway.
 */
class DistillationLeaseTest {
    @RegisterExtension
    static final StoreDatabases DB = new StoreDatabases("lease");

    @TempDir
    Path dir;

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        private volatile Instant now = Instant.parse("2026-11-27T12:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void racingReplicasStartOneRun(String kind) throws Exception {
        DataSource db = DB.create(kind, dir);
        int replicas = 6;
        List<DistillationLease> leases = new ArrayList<>();
        for (int i = 0; i < replicas; i++) {
            leases.add(new DistillationLease(db, Clock.systemUTC()));
        }
        CyclicBarrier start = new CyclicBarrier(replicas);
        ExecutorService pool = Executors.newFixedThreadPool(replicas);
        try {
            List<Future<Boolean>> won = new ArrayList<>();
            for (int i = 0; i < replicas; i++) {
                int r = i;
                Callable<Boolean> claim = () -> {
                    start.await();
                    return leases.get(r).tryAcquire("replica-" + r, "run-" + r, Duration.ofMinutes(10));
                };
                won.add(pool.submit(claim));
            }
            int winners = 0;
            for (Future<Boolean> f : won) {
                winners += f.get() ? 1 : 0;
            }
            assertEquals(1, winners, "exactly one replica starts a distillation");
        } finally {
            pool.shutdownNow();
        }
        DistillationLease.Holder h = leases.get(0).current().orElseThrow();
        assertTrue(h.holder().startsWith("replica-") && h.runId().equals("run-" + h.holder().substring(8)), h.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void finishingRecordsTheBaselineAndFailingKeepsIt(String kind) throws Exception {
        DataSource db = DB.create(kind, dir);
        ManualClock clock = new ManualClock();
        DistillationLease a = new DistillationLease(db, clock);
        DistillationLease b = new DistillationLease(db, clock);
        assertEquals(0, a.lastRunSamples());

        assertTrue(a.tryAcquire("A", "run-1", Duration.ofMinutes(10)));
        assertFalse(b.tryAcquire("B", "run-2", Duration.ofMinutes(10)), "B waits while A runs");
        assertTrue(a.finish("A", "run-1", 240));
        assertEquals(240, b.lastRunSamples(), "every replica sees the new baseline");
        assertTrue(b.current().isEmpty());

        assertTrue(b.tryAcquire("B", "run-2", Duration.ofMinutes(10)), "free again after A finished");
        assertTrue(b.fail("B", "run-2", "disk full"));
        assertEquals(240, a.lastRunSamples(), "a failed run does not move the baseline");
        try (Connection c = db.getConnection(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT last_outcome, last_error, holder FROM distillation_lease")) {
            assertTrue(rs.next());
            assertEquals("FAILED", rs.getString(1));
            assertEquals("disk full", rs.getString(2));
            assertEquals(null, rs.getString(3));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aDeadReplicasLeaseExpiresAndItCannotFinishAfterTakeover(String kind) throws Exception {
        DataSource db = DB.create(kind, dir);
        ManualClock clock = new ManualClock();
        DistillationLease a = new DistillationLease(db, clock);
        DistillationLease b = new DistillationLease(db, clock);
        assertTrue(a.tryAcquire("A", "run-1", Duration.ofMinutes(10)));
        clock.advance(Duration.ofMinutes(6));
        assertTrue(a.renew("A", "run-1", Duration.ofMinutes(10)), "the holder renews while it runs");
        clock.advance(Duration.ofMinutes(9));
        assertFalse(b.tryAcquire("B", "run-2", Duration.ofMinutes(10)), "renewed: still A's");

        clock.advance(Duration.ofMinutes(2)); // A stopped renewing (killed): its lease has expired
        assertTrue(a.current().isEmpty(), "an expired lease holds nothing");
        assertTrue(b.tryAcquire("B", "run-2", Duration.ofMinutes(10)), "B takes over");
        assertFalse(a.renew("A", "run-1", Duration.ofMinutes(10)), "A learns it lost the lease");
        assertFalse(a.finish("A", "run-1", 999), "a stale holder cannot record its run");
        assertEquals(0, b.lastRunSamples());
        assertEquals("B", a.current().orElseThrow().holder());
    }
}
