package io.distillery.outbound;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;

/**
 * Counters per destination: {@code distillery.packages.sent}, and {@code distillery.packages.failed} tagged
 * {@code outcome=retry} (an attempt failed, another follows) or {@code outcome=dead} (dead letter: alert on it).
 */
public final class DeliveryMetrics implements DeliveryListener {
    private final MeterRegistry registry;

    public DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void delivered(Delivery delivery) {
        Counter.builder("distillery.packages.sent").description("packages delivered, per destination")
                .tag("destination", delivery.destination()).register(registry).increment();
    }

    @Override
    public void failed(Delivery delivery, String error, Instant nextAttemptAt) {
        failedCounter(delivery, "retry").increment();
    }

    @Override
    public void deadLettered(Delivery delivery, String error) {
        failedCounter(delivery, "dead").increment();
    }

    private Counter failedCounter(Delivery delivery, String outcome) {
        return Counter.builder("distillery.packages.failed")
                .description("failed delivery attempts, per destination; outcome=dead is a dead letter")
                .tag("destination", delivery.destination()).tag("outcome", outcome).register(registry);
    }
}
