package io.distillery.gateway;

import io.distillery.dicom.net.AssociateReject;
import io.distillery.dicom.net.AssociateRequest;
import io.distillery.dicom.net.Association;
import io.distillery.dicom.net.AssociationListener;
import io.distillery.dicom.net.DuplicatePolicy;
import io.distillery.dicom.net.StoredInstance;
import io.distillery.review.ReviewQueue;
import io.distillery.review.ReviewStatus;
import io.distillery.store.JdbcSampleStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's Prometheus metrics that are read from the shared database (samples per label, packages pending and
 * approved: the same value on every replica) and the DICOM listener's association failures (per replica). The
 * dicom:scp consumer finds this bean in the registry as its {@link AssociationListener}; it hands closed
 * associations to {@link IngestAudit} for the audit trail.
 */
@Startup
@ApplicationScoped
public class GatewayMetrics implements AssociationListener {
    /** A scrape reads the database at most this often. */
    private static final long CACHE_NANOS = 5_000_000_000L;

    private final MeterRegistry registry;
    private final JdbcSampleStore store;
    private final IngestAudit ingestAudit;
    private final Set<String> labelsRegistered = ConcurrentHashMap.newKeySet();
    private volatile Map<String, Long> counts = Map.of();
    private volatile long countsAt;

    @Inject
    public GatewayMetrics(MeterRegistry registry, JdbcSampleStore store, ReviewQueue reviewQueue,
            IngestAudit ingestAudit) {
        this.registry = registry;
        this.store = store;
        this.ingestAudit = ingestAudit;
        for (ReviewStatus status : new ReviewStatus[] {ReviewStatus.PENDING, ReviewStatus.APPROVED}) {
            Gauge.builder("distillery.packages", reviewQueue, q -> q.list(status).size())
                    .tag("status", status.name().toLowerCase())
                    .description("packages in the review queue by state").register(registry);
        }
        counts().keySet().forEach(this::sampleLabel);
    }

    /** Makes sure {@code distillery.samples{label}} exists for a label ingest has just stored. */
    public void sampleLabel(String label) {
        if (label != null && labelsRegistered.add(label)) {
            Gauge.builder("distillery.samples", this, m -> m.counts().getOrDefault(label, 0L))
                    .tag("label", label).description("samples in the store per label").register(registry);
        }
    }

    private Map<String, Long> counts() {
        long now = System.nanoTime();
        if (now - countsAt > CACHE_NANOS) {
            counts = store.countsByLabel();
            countsAt = now;
        }
        return counts;
    }

    @Override
    public void onRejected(AssociateRequest request, InetAddress from, AssociateReject reject) {
        associationFailed("rejected");
    }

    @Override
    public void onProtocolError(InetAddress from, String problem) {
        associationFailed("protocol-error");
    }

    @Override
    public void onClosed(Association association, Exception failure) {
        ingestAudit.associationClosed(association, failure);
        if (failure != null) {
            associationFailed("aborted");
        }
    }

    @Override
    public void onDuplicateNotHandedOn(StoredInstance instance, DuplicatePolicy policy) {
        ingestAudit.duplicateNotHandedOn(instance, policy);
    }

    private void associationFailed(String reason) {
        registry.counter("distillery.associations.failed", "reason", reason).increment();
    }
}
