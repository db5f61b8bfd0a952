package io.distillery.review;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.share.SharePackage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The review gate with its audit trail: packages enter the queue (recorded as PACKAGE_SUBMITTED) and leave it by a
 * reviewer's decision, taken only on the manifest the reviewer saw and recorded in the audit trail with that
 * manifest's hash. The queue's compare-and-set and the audit event are one database transaction: if either fails
 * (or the process dies between them) neither is committed, the package stays PENDING and the caller gets the error.
 */
public final class ReviewGate {
    private final ReviewQueue queue;
    private final AuditTrail trail;

    public ReviewGate(ReviewQueue queue, AuditTrail trail) {
        this.queue = queue;
        this.trail = trail;
    }

    public ReviewQueue queue() {
        return queue;
    }

    public AuditTrail trail() {
        return trail;
    }

    /**
     * The package in {@code dir} as the queue knows packages: its id from the manifest and the SHA-256 of the exact
     * manifest bytes (for callers that built it with the {@code package build} command).
     */
    public static SharePackage readPackage(Path dir) {
        try {
            byte[] manifest = Files.readAllBytes(dir.resolve(SharePackage.MANIFEST));
            String id = new ObjectMapper().readTree(manifest).path("package_id").asText("");
            if (id.isEmpty()) {
                throw new ReviewException(dir + ": manifest has no package_id");
            }
            return new SharePackage(id, dir.toAbsolutePath().normalize(), PackageView.sha256(manifest));
        } catch (IOException e) {
            throw new ReviewException(dir + ": cannot read the package manifest: " + e.getMessage(), e);
        }
    }

    /** Queues a built, audited package for review and records who submitted it. Re-submitting is a no-op. */
    public ReviewItem submit(SharePackage pkg, String auditVerdict, String actor) {
        boolean known = queue.get(pkg.id()).isPresent();
        ReviewItem item = queue.submit(pkg, auditVerdict);
        if (!known) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("audit_verdict", auditVerdict);
            details.put("package_dir", item.packageDir().toString());
            trail.record(actor, AuditAction.PACKAGE_SUBMITTED, pkg.id(), pkg.manifestSha256(), details);
        }
        return item;
    }

    /**
     * @param reviewedSha256 the manifest hash shown to the reviewer (from the form)
     * @param approve        true to approve, false to reject (a rejection needs a reason)
     */
    public ReviewItem decide(String packageId, String reviewedSha256, boolean approve, String reviewer, String reason) {
        ReviewItem item = queue.get(packageId).orElseThrow(() -> new ReviewException("no package " + packageId
                + " in review"));
        PackageView view = PackageView.of(item);
        if (!view.unchanged() || !item.manifestSha256().equals(reviewedSha256)) {
            String why = view.problem() != null ? view.problem()
                    : "the manifest on disk (" + view.manifestOnDisk() + ") is not the reviewed one (" + reviewedSha256
                            + ")";
            trail.record(reviewer, AuditAction.FAILURE, packageId, item.manifestSha256(),
                    Map.of("stage", "review", "error", why));
            throw new ReviewException("package " + packageId + " cannot be decided: " + why);
        }
        String cleanReason = reason == null || reason.isBlank() ? null : reason.strip();
        ReviewStatus to = approve ? ReviewStatus.APPROVED : ReviewStatus.REJECTED;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", cleanReason);
        details.put("audit_verdict", item.auditVerdict());
        trail.recordWith(c -> queue.decide(c, packageId, reviewedSha256, to, reviewer, cleanReason), reviewer,
                approve ? AuditAction.REVIEW_APPROVED : AuditAction.REVIEW_REJECTED, packageId, reviewedSha256,
                details);
        return queue.get(packageId).orElseThrow();
    }
}
