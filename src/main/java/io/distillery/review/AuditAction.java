package io.distillery.review;

/** What an audit event records. Stored by name, so names never change once released. */
public enum AuditAction {
    /** Instances received and stored (details: counts per outcome). */
    INGEST,
    /** A distillation run started or finished (details: stage, parameters, cohort counts, metrics). */
    DISTILLATION,
    /** A package was built, audited and queued for review. */
    PACKAGE_SUBMITTED,
    REVIEW_APPROVED,
    REVIEW_REJECTED,
    /** An approved package was handed to an outbound destination. */
    DELIVERY,
    /** The audit trail itself was exported (who took a copy, and how much). */
    AUDIT_EXPORT,
    /** A stage failed (details: stage and error). */
    FAILURE
}
