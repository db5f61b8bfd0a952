package io.distillery.outbound;

import java.time.Instant;

/**
 * Told about every delivery outcome, after the ledger recorded it. The audit trail and the metrics implement it;
 * in the gateway every CDI bean of this type is called. A listener that throws is logged and does not undo the
 * outcome.
 */
public interface DeliveryListener {
    /** The destination confirmed the whole package. */
    default void delivered(Delivery delivery) {
    }

    /** This attempt failed; another follows at {@code nextAttemptAt}. */
    default void failed(Delivery delivery, String error, Instant nextAttemptAt) {
    }

    /** No more attempts: retries exhausted or the failure cannot be helped by retrying. */
    default void deadLettered(Delivery delivery, String error) {
    }
}
