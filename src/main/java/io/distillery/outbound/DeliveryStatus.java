package io.distillery.outbound;

/** Where one package stands for one destination. DELIVERED and DEAD are final. */
public enum DeliveryStatus {
    /** Waiting for its (next) attempt; may be leased by a replica that is delivering it right now. */
    PENDING,
    /** The destination confirmed every object. Never sent again to this destination. */
    DELIVERED,
    /** Retries exhausted or not retryable: a dead letter, waiting for a person (see docs/outbound.md). */
    DEAD
}
