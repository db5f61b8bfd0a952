package io.distillery.outbound;

import io.distillery.review.ReviewItem;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Per-destination delivery bookkeeping in the store's database (table {@code outbound_delivery}, migration
 * {@code db/store/V4__deliveries.sql}), keyed by package id, manifest hash and destination.
 *
 * <p>Replicas that share one database coordinate through leases: a claim is a single compare-and-set UPDATE that
 * only succeeds on a PENDING row whose lease is absent or expired, so under PostgreSQL's (and H2's) row locking
 * exactly one replica wins each row, and a replica killed mid-delivery loses its lease when it expires, after
 * which the row is claimed again. Outcomes are written only by the lease holder. Times come from the replicas'
 * clocks (keep them in NTP sync; a lease is minutes, skew of seconds is harmless).
 */
public final class DeliveryLedger {
    private static final String DUPLICATE_KEY = "23505";
    private final DataSource dataSource;

    public DeliveryLedger(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/store").load().migrate();
    }

    /**
     * Adds a PENDING row for each approved package that has none yet for {@code destination}; a row that exists
     * (in any state) is left alone, so a delivered package is never queued again. Returns how many were added.
     */
    public int enqueue(List<ReviewItem> approved, String destination) {
        Set<String> known = new HashSet<>();
        String select = "SELECT package_id, manifest_sha256 FROM outbound_delivery WHERE destination = ?";
        String insert = "INSERT INTO outbound_delivery (package_id, manifest_sha256, destination, package_dir, status,"
                + " attempts, next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)";
        int added = 0;
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(select)) {
                ps.setString(1, destination);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        known.add(rs.getString(1) + "/" + rs.getString(2));
                    }
                }
            }
            for (ReviewItem item : approved) {
                if (known.contains(item.packageId() + "/" + item.manifestSha256())) {
                    continue;
                }
                Timestamp now = Timestamp.from(Instant.now());
                try (PreparedStatement ps = c.prepareStatement(insert)) {
                    ps.setString(1, item.packageId());
                    ps.setString(2, item.manifestSha256());
                    ps.setString(3, destination);
                    ps.setString(4, item.packageDir().toAbsolutePath().toString());
                    ps.setString(5, DeliveryStatus.PENDING.name());
                    ps.setTimestamp(6, now);
                    ps.setTimestamp(7, now);
                    ps.setTimestamp(8, now);
                    added += ps.executeUpdate();
                } catch (SQLException e) {
                    // Another replica queued the same row a moment ago: that is the outcome we wanted.
                    if (!DUPLICATE_KEY.equals(e.getSQLState())) {
                        throw e;
                    }
                }
            }
        } catch (SQLException e) {
            throw new OutboundException("could not queue approved packages for " + destination + ": "
                    + e.getMessage(), e);
        }
        return added;
    }

    /**
     * Claims up to {@code limit} due PENDING rows of {@code destination} for {@code owner} until now + lease, counting
     * the attempt. Rows another replica holds (unexpired lease) are skipped, not waited for.
     */
    public List<Delivery> claim(String destination, String owner, Duration lease, int limit) {
        Instant now = Instant.now();
        String due = "SELECT package_id, manifest_sha256, package_dir, attempts FROM outbound_delivery"
                + " WHERE destination = ? AND status = ? AND next_attempt_at <= ?"
                + " AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_attempt_at, package_id"
                + " FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY";
        String take = "UPDATE outbound_delivery SET lease_owner = ?, lease_until = ?, attempts = attempts + 1,"
                + " updated_at = ? WHERE package_id = ? AND manifest_sha256 = ? AND destination = ? AND status = ?"
                + " AND attempts = ? AND (lease_until IS NULL OR lease_until < ?)";
        List<Delivery> claimed = new ArrayList<>();
        Instant until = now.plus(lease);
        try (Connection c = dataSource.getConnection()) {
            List<Object[]> candidates = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(due)) {
                ps.setString(1, destination);
                ps.setString(2, DeliveryStatus.PENDING.name());
                ps.setTimestamp(3, Timestamp.from(now));
                ps.setTimestamp(4, Timestamp.from(now));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        candidates.add(new Object[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4)});
                    }
                }
            }
            for (Object[] row : candidates) {
                try (PreparedStatement ps = c.prepareStatement(take)) {
                    ps.setString(1, owner);
                    ps.setTimestamp(2, Timestamp.from(until));
                    ps.setTimestamp(3, Timestamp.from(now));
                    ps.setString(4, (String) row[0]);
                    ps.setString(5, (String) row[1]);
                    ps.setString(6, destination);
                    ps.setString(7, DeliveryStatus.PENDING.name());
                    ps.setInt(8, (Integer) row[3]);
                    ps.setTimestamp(9, Timestamp.from(now));
                    if (ps.executeUpdate() == 1) {
                        claimed.add(new Delivery((String) row[0], (String) row[1], destination, Path.of((String) row[2]),
                                (Integer) row[3] + 1, owner, until));
                    }
                }
            }
        } catch (SQLException e) {
            throw new OutboundException("could not claim deliveries for " + destination + ": " + e.getMessage(), e);
        }
        return claimed;
    }

    /** Records success. False if the lease was lost meanwhile (another replica took the row over). */
    public boolean delivered(Delivery d) {
        Timestamp now = Timestamp.from(Instant.now());
        return finish(d, "status = ?, delivered_at = ?, last_error = NULL", DeliveryStatus.DELIVERED.name(), now);
    }

    /** Records a failed attempt to be retried at {@code nextAttemptAt}. False if the lease was lost meanwhile. */
    public boolean retryLater(Delivery d, String error, Instant nextAttemptAt) {
        return finish(d, "next_attempt_at = ?, last_error = ?", Timestamp.from(nextAttemptAt), cut(error));
    }

    /** Records a dead letter: no further attempts. False if the lease was lost meanwhile. */
    public boolean deadLetter(Delivery d, String error) {
        return finish(d, "status = ?, last_error = ?", DeliveryStatus.DEAD.name(), cut(error));
    }

    /**
     * Puts a dead letter back in line (after a person fixed the cause), with a fresh set of attempts. False if the
     * row is not DEAD.
     */
    public boolean requeue(String packageId, String manifestSha256, String destination) {
        String sql = "UPDATE outbound_delivery SET status = ?, attempts = 0, next_attempt_at = ?, updated_at = ?"
                + " WHERE package_id = ? AND manifest_sha256 = ? AND destination = ? AND status = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            Timestamp now = Timestamp.from(Instant.now());
            ps.setString(1, DeliveryStatus.PENDING.name());
            ps.setTimestamp(2, now);
            ps.setTimestamp(3, now);
            ps.setString(4, packageId);
            ps.setString(5, manifestSha256);
            ps.setString(6, destination);
            ps.setString(7, DeliveryStatus.DEAD.name());
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new OutboundException("could not requeue " + packageId + " for " + destination + ": "
                    + e.getMessage(), e);
        }
    }

    public Optional<DeliveryRecord> get(String packageId, String manifestSha256, String destination) {
        return query("SELECT * FROM outbound_delivery WHERE package_id = ? AND manifest_sha256 = ? AND destination = ?",
                packageId, manifestSha256, destination).stream().findFirst();
    }

    /** Every row of one destination, oldest first. */
    public List<DeliveryRecord> list(String destination) {
        return query("SELECT * FROM outbound_delivery WHERE destination = ? ORDER BY created_at, package_id",
                destination);
    }

    /** Every row, by destination, oldest first. */
    public List<DeliveryRecord> list() {
        return query("SELECT * FROM outbound_delivery ORDER BY destination, created_at, package_id");
    }

    private boolean finish(Delivery d, String set, Object first, Object second) {
        String sql = "UPDATE outbound_delivery SET " + set + ", lease_owner = NULL, lease_until = NULL, updated_at = ?"
                + " WHERE package_id = ? AND manifest_sha256 = ? AND destination = ? AND status = ?"
                + " AND lease_owner = ? AND attempts = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, first);
            ps.setObject(2, second);
            ps.setTimestamp(3, Timestamp.from(Instant.now()));
            ps.setString(4, d.packageId());
            ps.setString(5, d.manifestSha256());
            ps.setString(6, d.destination());
            ps.setString(7, DeliveryStatus.PENDING.name());
            ps.setString(8, d.leaseOwner());
            ps.setInt(9, d.attempt());
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new OutboundException("could not record the outcome of " + d.describe() + ": " + e.getMessage(), e);
        }
    }

    private List<DeliveryRecord> query(String sql, String... args) {
        List<DeliveryRecord> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new DeliveryRecord(rs.getString("package_id"), rs.getString("manifest_sha256"),
                            rs.getString("destination"), DeliveryStatus.valueOf(rs.getString("status")),
                            rs.getInt("attempts"), instant(rs, "next_attempt_at"), rs.getString("lease_owner"),
                            instant(rs, "lease_until"), rs.getString("last_error"), instant(rs, "delivered_at")));
                }
            }
        } catch (SQLException e) {
            throw new OutboundException("could not read the delivery ledger: " + e.getMessage(), e);
        }
        return out;
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static String cut(String s) {
        String one = s == null ? "unknown error" : s.replaceAll("[\\r\\n]+", " ");
        return one.length() > 2000 ? one.substring(0, 2000) : one;
    }
}
