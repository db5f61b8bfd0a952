package io.distillery.outbound;

import io.distillery.review.AuditTrail;
import io.distillery.review.ReviewQueue;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import javax.sql.DataSource;

/**
 * Gateway wiring: the ledger on the store's database, the {@code outbound} bean the routes call, and the
 * metrics and the audit trail, both told about each outcome as {@link DeliveryListener}s.
 */
@ApplicationScoped
public class OutboundBeans {

    @Produces
    @ApplicationScoped
    DeliveryLedger deliveryLedger(DataSource dataSource) {
        return new DeliveryLedger(dataSource);
    }

    @Produces
    @ApplicationScoped
    DeliveryListener deliveryMetrics(MeterRegistry registry) {
        return new DeliveryMetrics(registry);
    }

    @Produces
    @ApplicationScoped
    DeliveryListener deliveryAudit(AuditTrail trail) {
        return new DeliveryAudit(trail);
    }

    @Produces
    @ApplicationScoped
    @Named("outbound")
    Outbound outbound(OutboundConfig config, ReviewQueue reviewQueue, DeliveryLedger ledger,
            @Any Instance<DeliveryListener> listeners) {
        OutboundConfig.Retry r = config.retry();
        return new Outbound(reviewQueue, ledger,
                new RetryPolicy(r.maxAttempts(), r.initialDelay(), r.multiplier(), r.maxDelay()), config.lease(),
                config.batch(), listeners.stream().toList());
    }
}
