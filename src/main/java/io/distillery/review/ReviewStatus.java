package io.distillery.review;

/** Where a package stands in the compliance review. Only {@link #APPROVED} packages may leave. */
public enum ReviewStatus {
    PENDING,
    APPROVED,
    REJECTED
}
