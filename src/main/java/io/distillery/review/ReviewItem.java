package io.distillery.review;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One package in the review queue. {@code manifestSha256} pins the exact manifest the reviewer saw; the decision
 * fields are null while the package is pending.
 */
public record ReviewItem(
        String packageId,
        Path packageDir,
        String manifestSha256,
        String auditVerdict,
        ReviewStatus status,
        Instant submittedAt,
        String decidedBy,
        Instant decidedAt,
        String reason) {}
