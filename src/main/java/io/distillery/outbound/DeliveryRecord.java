package io.distillery.outbound;

import java.time.Instant;

/** A row of the delivery ledger as it stands, for status pages, the command line and tests. */
public record DeliveryRecord(String packageId, String manifestSha256, String destination, DeliveryStatus status,
                             int attempts, Instant nextAttemptAt, String leaseOwner, Instant leaseUntil,
                             String lastError, Instant deliveredAt) {}
