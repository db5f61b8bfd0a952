package io.distillery.gateway;

import io.distillery.distill.ProgressListener;
import io.distillery.review.AuditAction;
import io.distillery.review.ReviewGate;
import io.distillery.review.ReviewItem;
import io.distillery.store.JdbcSampleStore;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The {@code distillation} bean of routes/distillation.yaml: each method is one step of a run (new run folder →
 * cohort export → distill → package → audit → review queue), on {@link DistillAndPackage}, the code the demo
 * runs too. Progress is exported as metrics ({@code distillery.distillation.*}). The audit trail hears of each run:
 * DISTILLATION when it starts and when its package is queued (cohort counts, parameters, metrics), then
 * PACKAGE_SUBMITTED from the review gate, or FAILURE with the error.
 */
@ApplicationScoped
@Named("distillation")
public class DistillationService {
    private static final Logger LOG = Logger.getLogger(DistillationService.class);
    private static final String ACTOR = "gateway";
    private static final DateTimeFormatter RUN_NAME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");

    private final JdbcSampleStore store;
    private final ReviewGate reviewGate;
    private final GatewayConfig.Distillation config;
    private final DistillAndPackage.Settings settings;
    private final AtomicInteger iteration = new AtomicInteger();
    private final AtomicInteger total = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final MeterRegistry metrics;

    @Inject
    public DistillationService(JdbcSampleStore store, ReviewGate reviewGate, GatewayConfig.Distillation config,
            MeterRegistry metrics) {
        this.store = store;
        this.reviewGate = reviewGate;
        this.config = config;
        this.metrics = metrics;
        this.settings = new DistillAndPackage.Settings(config.labels(), config.iterations(), config.seed(),
                Path.of(config.signingKey()), null);
        metrics.gauge("distillery.distillation.iteration", iteration);
        metrics.gauge("distillery.distillation.iterations", total);
        metrics.gauge("distillery.distillation.running", running);
    }

    /**
     * True when every label has {@code min-samples-per-label} samples and the store grew by {@code min-new-samples}
     * since the last run (remembered in the work folder, so a restart does not distil the same cohort again).
     */
    public boolean cohortReady() throws IOException {
        Map<String, Long> counts = store.countsByLabel();
        boolean enough = config.labels().stream()
                .allMatch(l -> counts.getOrDefault(l, 0L) >= config.minSamplesPerLabel());
        long now = config.labels().stream().mapToLong(l -> counts.getOrDefault(l, 0L)).sum();
        return enough && now - lastRunSamples() >= config.minNewSamples();
    }

    /** A new, empty run folder under the work folder. */
    public DistillAndPackage.Run newRun() throws IOException {
        Path work = Path.of(config.workDir()).resolve(LocalDateTime.now().format(RUN_NAME));
        Files.createDirectories(work);
        running.set(1);
        iteration.set(0);
        total.set(config.iterations());
        LOG.infof("distillation run %s started", work);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("stage", "started");
        details.put("run", work.getFileName().toString());
        details.put("labels", config.labels());
        details.put("iterations", config.iterations());
        details.put("seed", config.seed());
        reviewGate.trail().record(ACTOR, AuditAction.DISTILLATION, details);
        return new DistillAndPackage.Run(work, null, null, null, null);
    }

    public DistillAndPackage.Run exportCohort(DistillAndPackage.Run run) throws IOException {
        DistillAndPackage.Run r = DistillAndPackage.exportCohort(store, run.work(), settings);
        Files.writeString(lastRunFile(), Long.toString(r.cohort().train() + r.cohort().val() + r.cohort().test()),
                StandardCharsets.US_ASCII);
        return r;
    }

    public DistillAndPackage.Run distill(DistillAndPackage.Run run) throws IOException {
        ProgressListener progress = p -> {
            iteration.set(p.iteration());
            total.set(p.total());
        };
        return DistillAndPackage.distill(run, settings, progress);
    }

    public DistillAndPackage.Run buildPackage(DistillAndPackage.Run run) throws IOException {
        return DistillAndPackage.buildPackage(run, settings);
    }

    public DistillAndPackage.Run audit(DistillAndPackage.Run run) throws IOException {
        return DistillAndPackage.audit(run, settings);
    }

    /** Queues the audited package as PENDING: nothing leaves before a reviewer approves it. */
    public ReviewItem submitForReview(DistillAndPackage.Run run) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("stage", "finished");
        details.put("run", run.work().getFileName().toString());
        details.put("train", run.cohort().train());
        details.put("val", run.cohort().val());
        details.put("test", run.cohort().test());
        details.put("iterations", config.iterations());
        details.put("seed", config.seed());
        for (String k : new String[] {"acc_distilled", "acc_random_real", "acc_full", "compression_ratio"}) {
            details.put(k, run.metrics().path(k).asDouble());
        }
        details.put("audit_verdict", run.auditVerdict().name());
        reviewGate.trail().record(ACTOR, AuditAction.DISTILLATION, run.pkg().id(), run.pkg().manifestSha256(),
                details);
        ReviewItem item = reviewGate.submit(run.pkg(), run.auditVerdict().name(), ACTOR);
        metrics.counter("distillery.distillation.runs", "outcome", "queued").increment();
        running.set(0);
        return item;
    }

    /** Marks a run that failed at any step (the route's error handler calls it). */
    public void failed(Exception cause) {
        metrics.counter("distillery.distillation.runs", "outcome", "failed").increment();
        running.set(0);
        String error = cause == null ? "unknown error" : String.valueOf(cause.getMessage());
        LOG.errorf("distillation run failed: %s", error);
        // the trail keeps the gist (details are bounded); the log above has all of it
        reviewGate.trail().record(ACTOR, AuditAction.FAILURE, Map.of("stage", "distillation",
                "error", error.length() > 2000 ? error.substring(0, 2000) + "..." : error));
    }

    private long lastRunSamples() throws IOException {
        Path f = lastRunFile();
        return Files.exists(f) ? Long.parseLong(Files.readString(f, StandardCharsets.US_ASCII).trim()) : 0;
    }

    private Path lastRunFile() throws IOException {
        Path dir = Files.createDirectories(Path.of(config.workDir()));
        return dir.resolve("last-run.samples");
    }
}
