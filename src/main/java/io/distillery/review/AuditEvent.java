package io.distillery.review;

import java.time.Instant;

/**
 * One row of the audit trail. {@code details} is a JSON object as text (exactly the bytes that were hashed);
 * {@code hash} is SHA-256 over this row's fields and {@code prevHash}, the previous row's hash (64 zeros for the
 * first row).
 */
public record AuditEvent(
        long seq,
        Instant occurredAt,
        String actor,
        AuditAction action,
        String packageId,
        String manifestSha256,
        String details,
        String prevHash,
        String hash) {}
