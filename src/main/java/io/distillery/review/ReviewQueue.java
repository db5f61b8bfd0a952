package io.distillery.review;

import io.distillery.share.SharePackage;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The compliance review queue on the store's database (table {@code review_package}, migration
 * {@code db/store/V2__review_queue.sql}). A package enters as {@link ReviewStatus#PENDING}; a reviewer's decision
 * moves it once, and only from PENDING, to APPROVED or REJECTED. Every write is a single statement; the decision is a compare-and-set on status and manifest hash, so two reviewers (or two gateway
 * replicas) can never both decide, and a decision never applies to a manifest other than the one reviewed. The
 * review gate runs the decision inside the transaction of its audit event ({@link AuditTrail#recordWith}).
 */
public final class ReviewQueue {
    private final DataSource dataSource;

    public ReviewQueue(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/store").load().migrate();
    }

    /**
     * Puts a built and audited package into the queue as PENDING. Submitting the same package (same id and manifest
     * hash) again is a no-op that returns the existing entry; the same id with another manifest is refused.
     */
    public ReviewItem submit(SharePackage pkg, String auditVerdict) {
        Optional<ReviewItem> existing = get(pkg.id());
        if (existing.isPresent()) {
            return sameManifest(existing.get(), pkg);
        }
        String sql = "INSERT INTO review_package (package_id, package_dir, manifest_sha256, audit_verdict, status,"
                + " submitted_at) VALUES (?, ?, ?, ?, ?, ?)";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, pkg.id());
            ps.setString(2, pkg.dir().toAbsolutePath().toString());
            ps.setString(3, pkg.manifestSha256());
            ps.setString(4, auditVerdict);
            ps.setString(5, ReviewStatus.PENDING.name());
            ps.setTimestamp(6, Timestamp.from(Instant.now()));
            ps.executeUpdate();
        } catch (SQLException e) {
            // A concurrent submit of the same package by another replica lands here as a unique violation.
            Optional<ReviewItem> raced = get(pkg.id());
            if (raced.isPresent()) {
                return sameManifest(raced.get(), pkg);
            }
            throw new ReviewException("could not queue package " + pkg.id() + " for review: " + e.getMessage(), e);
        }
        return get(pkg.id()).orElseThrow();
    }

    public Optional<ReviewItem> get(String packageId) {
        List<ReviewItem> found = query("SELECT * FROM review_package WHERE package_id = ?", packageId);
        return found.stream().findFirst();
    }

    /** Packages in one state, oldest submission first. */
    public List<ReviewItem> list(ReviewStatus status) {
        return query("SELECT * FROM review_package WHERE status = ? ORDER BY submitted_at, package_id", status.name());
    }

    public ReviewItem approve(String packageId, String manifestSha256, String reviewer, String reason) {
        return decide(packageId, manifestSha256, ReviewStatus.APPROVED, reviewer, reason);
    }

    /** Rejection needs a reason: the audit trail must say why a package was held back. */
    public ReviewItem reject(String packageId, String manifestSha256, String reviewer, String reason) {
        return decide(packageId, manifestSha256, ReviewStatus.REJECTED, reviewer, reason);
    }

    private ReviewItem decide(String packageId, String manifestSha256, ReviewStatus to, String reviewer,
            String reason) {
        try (Connection c = dataSource.getConnection()) {
            decide(c, packageId, manifestSha256, to, reviewer, reason);
        } catch (SQLException e) {
            throw new ReviewException("could not record the decision on " + packageId + ": " + e.getMessage(), e);
        }
        return get(packageId).orElseThrow();
    }

    /**
     * The decision as a compare-and-set on the caller's connection, inside the caller's transaction (the review
     * gate commits it together with its audit event). Throws {@link ReviewException} when it does not apply:
     * no reviewer, a rejection without reason, an unknown package, another manifest, or already decided.
     */
    void decide(Connection c, String packageId, String manifestSha256, ReviewStatus to, String reviewer,
            String reason) throws SQLException {
        if (reviewer == null || reviewer.isBlank()) {
            throw new ReviewException("a decision needs the reviewer's identity");
        }
        if (to == ReviewStatus.REJECTED && (reason == null || reason.isBlank())) {
            throw new ReviewException("a rejection needs a reason");
        }
        String sql = "UPDATE review_package SET status = ?, decided_by = ?, decided_at = ?, reason = ?"
                + " WHERE package_id = ? AND status = ? AND manifest_sha256 = ?";
        int updated;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, to.name());
            ps.setString(2, reviewer);
            ps.setTimestamp(3, Timestamp.from(Instant.now()));
            ps.setString(4, reason);
            ps.setString(5, packageId);
            ps.setString(6, ReviewStatus.PENDING.name());
            ps.setString(7, manifestSha256);
            updated = ps.executeUpdate();
        }
        if (updated == 0) {
            ReviewItem item = get(packageId).orElseThrow(
                    () -> new ReviewException("no package " + packageId + " in review"));
            if (!item.manifestSha256().equals(manifestSha256)) {
                throw new ReviewException("package " + packageId + " has manifest " + item.manifestSha256()
                        + ", not the reviewed " + manifestSha256);
            }
            throw new ReviewException("package " + packageId + " was already " + item.status()
                    + " by " + item.decidedBy() + " at " + item.decidedAt());
        }
    }

    private static ReviewItem sameManifest(ReviewItem existing, SharePackage pkg) {
        if (!existing.manifestSha256().equals(pkg.manifestSha256())) {
            throw new ReviewException("package " + pkg.id() + " is already queued with manifest "
                    + existing.manifestSha256() + "; refusing a different manifest " + pkg.manifestSha256());
        }
        return existing;
    }

    private List<ReviewItem> query(String sql, String arg) {
        List<ReviewItem> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ReviewItem(rs.getString("package_id"), Path.of(rs.getString("package_dir")),
                            rs.getString("manifest_sha256"), rs.getString("audit_verdict"),
                            ReviewStatus.valueOf(rs.getString("status")), instant(rs, "submitted_at"),
                            rs.getString("decided_by"), instant(rs, "decided_at"), rs.getString("reason")));
                }
            }
        } catch (SQLException e) {
            throw new ReviewException("could not read the review queue: " + e.getMessage(), e);
        }
        return out;
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
