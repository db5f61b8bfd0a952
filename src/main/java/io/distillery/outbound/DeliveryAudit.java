package io.distillery.outbound;

import io.distillery.review.AuditAction;
import io.distillery.review.AuditTrail;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes every delivery outcome into the audit trail, so a compliance officer can prove later where each approved
 * package went (or why it did not), against the exact manifest hash that was approved.
 */
public final class DeliveryAudit implements DeliveryListener {
    static final String ACTOR = "outbound";

    private final AuditTrail trail;

    public DeliveryAudit(AuditTrail trail) {
        this.trail = trail;
    }

    @Override
    public void delivered(Delivery d) {
        trail.record(ACTOR, AuditAction.DELIVERY, d.packageId(), d.manifestSha256(), details(d, "delivered", null));
    }

    @Override
    public void failed(Delivery d, String error, Instant nextAttemptAt) {
        Map<String, Object> details = details(d, "failed", error);
        details.put("next_attempt_at", nextAttemptAt.toString());
        trail.record(ACTOR, AuditAction.FAILURE, d.packageId(), d.manifestSha256(), details);
    }

    @Override
    public void deadLettered(Delivery d, String error) {
        trail.record(ACTOR, AuditAction.FAILURE, d.packageId(), d.manifestSha256(), details(d, "dead-lettered", error));
    }

    private static Map<String, Object> details(Delivery d, String outcome, String error) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("stage", "delivery");
        details.put("destination", d.destination());
        details.put("outcome", outcome);
        details.put("attempt", d.attempt());
        if (error != null) {
            details.put("error", error);
        }
        return details;
    }
}
