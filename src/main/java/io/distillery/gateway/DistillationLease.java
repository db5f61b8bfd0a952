package io.distillery.gateway;

import io.distillery.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Which replica is distilling, shared through the store database ({@code V7__distillation_lease.sql}), so that
 * the schedule and the REST trigger on several replicas start one run at a time, not one per replica.
 *
 * <p>A claim is one compare-and-set UPDATE that succeeds only when nobody holds the lease or it has expired: under
 * PostgreSQL's and H2's row locking exactly one replica wins. The holder renews it while it distils; a replica
 * killed mid-run stops renewing and another may start after the lease expires. Finishing records the cohort size
 * the run used, the baseline of the next threshold check on every replica. Times are the replicas' clocks (keep
 * them in NTP sync; leases are minutes).
 */
public final class DistillationLease {
    private static final String ROW = "cohort";

    /** The current holder of an unexpired lease. */
    public record Holder(String holder, String runId, Instant until) {
    }

    private final DataSource dataSource;
    private final Clock clock;

    public DistillationLease(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
        Flyway.configure().dataSource(dataSource).locations("classpath:db/store").load().migrate();
    }

    /** Takes the lease for {@code runId} until now + {@code lease}; false when another holder's lease is valid. */
    public boolean tryAcquire(String holder, String runId, Duration lease) {
        Instant now = clock.instant();
        return update("UPDATE distillation_lease SET holder = ?, run_id = ?, lease_until = ? WHERE name = ?"
                + " AND (holder IS NULL OR lease_until < ?)", holder, runId, now.plus(lease), ROW, now) == 1;
    }

    /** Extends our lease; false when it was lost (it expired and another replica took it). */
    public boolean renew(String holder, String runId, Duration lease) {
        return update("UPDATE distillation_lease SET lease_until = ? WHERE name = ? AND holder = ? AND run_id = ?",
                clock.instant().plus(lease), ROW, holder, runId) == 1;
    }

    /** Releases the lease after a run that used {@code samples} samples; false if we no longer held it. */
    public boolean finish(String holder, String runId, long samples) {
        return update("UPDATE distillation_lease SET holder = NULL, run_id = NULL, lease_until = NULL,"
                + " last_run_samples = ?, last_outcome = 'OK', last_error = NULL, last_finished_at = ?"
                + " WHERE name = ? AND holder = ? AND run_id = ?",
                samples, clock.instant(), ROW, holder, runId) == 1;
    }

    /**
     * Releases the lease after a failed run, keeping the previous baseline (so the next check may try again) and
     * the error for operators; false if we no longer held it.
     */
    public boolean fail(String holder, String runId, String error) {
        String e = error == null ? "unknown error" : error.length() > 2048 ? error.substring(0, 2048) : error;
        return update("UPDATE distillation_lease SET holder = NULL, run_id = NULL, lease_until = NULL,"
                + " last_outcome = 'FAILED', last_error = ?, last_finished_at = ?"
                + " WHERE name = ? AND holder = ? AND run_id = ?", e, clock.instant(), ROW, holder, runId) == 1;
    }

    /** The holder of an unexpired lease, if any. */
    public Optional<Holder> current() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT holder, run_id, lease_until FROM distillation_lease"
                        + " WHERE name = ? AND holder IS NOT NULL AND lease_until >= ?")) {
            ps.setString(1, ROW);
            ps.setTimestamp(2, Timestamp.from(clock.instant()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Holder(rs.getString(1), rs.getString(2),
                        rs.getTimestamp(3).toInstant())) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the distillation lease: " + e.getMessage(), e);
        }
    }

    /** Samples used by the last successful run (0 before the first). */
    public long lastRunSamples() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT last_run_samples FROM distillation_lease WHERE name = ?")) {
            ps.setString(1, ROW);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new StoreException("the distillation_lease row is missing (store migration V7)");
                }
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the distillation lease: " + e.getMessage(), e);
        }
    }

    private int update(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                Object a = args[i];
                if (a instanceof Instant t) {
                    ps.setTimestamp(i + 1, Timestamp.from(t));
                } else {
                    ps.setObject(i + 1, a);
                }
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot update the distillation lease: " + e.getMessage(), e);
        }
    }
}
