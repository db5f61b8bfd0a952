package io.distillery.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.agroal.api.AgroalDataSource;
import io.distillery.deid.DeidConfig;
import io.distillery.deid.Deidentifier;
import io.distillery.dicom.net.AccessControl;
import io.distillery.dicom.net.ClientConfig;
import io.distillery.dicom.net.DicomServer;
import io.distillery.dicom.net.DimseServiceRegistry;
import io.distillery.dicom.net.RemoteAe;
import io.distillery.dicom.net.ServerConfig;
import io.distillery.dicom.net.Status;
import io.distillery.dicom.net.StorageConfig;
import io.distillery.dicom.net.StorageService;
import io.distillery.dicom.net.StoreScu;
import io.distillery.dicom.net.TransferCapability;
import io.distillery.gateway.DistillAndPackage;
import io.distillery.imaging.NormalizeOptions;
import io.distillery.ingest.IngestPipeline;
import io.distillery.labels.CsvManifestRule;
import io.distillery.labels.Labeller;
import io.distillery.review.AuditAction;
import io.distillery.review.AuditTrail;
import io.distillery.review.ReviewGate;
import io.distillery.review.ReviewItem;
import io.distillery.review.ReviewQueue;
import io.distillery.store.JdbcSampleStore;
import io.distillery.store.StoreDataSources;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The main job on one machine with embedded defaults: the demo cohort goes over DICOM to the gateway's own Storage
 * SCP as a modality would send it; each instance is labelled, de-identified, normalised and stored before its
 * C-STORE is acknowledged; the cohort is exported split by patient and distilled on the CPU; the result becomes a
 * signed package with its privacy audit. Nothing listens beyond 127.0.0.1 and nothing leaves the machine.
 */
public final class Demo {
    /** Settings of one run. */
    public record Settings(Path samples, Path out, int iterations, long seed, byte[] secret, String reviewBaseUrl) {
        /** The address {@code serve} shows the review page at by default (quarkus.http.host/port). */
        public static final String DEFAULT_REVIEW_BASE_URL = "http://127.0.0.1:8080";
    }

    private static final String ACTOR = "demo";

    private final Settings s;
    private final PrintStream log;

    public Demo(Settings settings, PrintStream log) {
        this.s = settings;
        this.log = log;
    }

    /**
     * Runs every stage; returns the summary also written to OUT/summary.json. A failed stage is recorded in the
     * store's audit trail before the error propagates.
     */
    public Map<String, Object> run() throws Exception {
        try {
            return stages();
        } catch (Exception | Error e) {
            try (AgroalDataSource db = storeDatabase()) {
                new AuditTrail(db).record(ACTOR, AuditAction.FAILURE, Map.of("stage", "demo",
                        "error", String.valueOf(e.getMessage())));
            } catch (RuntimeException recordFailed) {
                e.addSuppressed(recordFailed);
            }
            throw e;
        }
    }

    /** The embedded store's database, the same H2 file the gateway opens when distillery.store.dir points here. */
    private AgroalDataSource storeDatabase() {
        return StoreDataSources.pooled(StoreDataSources.embeddedUrl(s.out().resolve("store")), "distillery", null, 2);
    }

    private Map<String, Object> stages() throws Exception {
        Files.createDirectories(s.out());
        List<Path> files;
        try (Stream<Path> st = Files.list(s.samples())) {
            files = st.filter(f -> f.getFileName().toString().endsWith(".dcm")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException("no .dcm files in " + s.samples());
        }
        Path storeDir = s.out().resolve("store");
        Map<IngestPipeline.Status, Integer> outcomes = new EnumMap<>(IngestPipeline.Status.class);
        long start = System.nanoTime();
        int sent;
        int failed;
        DistillAndPackage.Run run;
        try (JdbcSampleStore store = JdbcSampleStore.embedded(storeDir)) {
            Labeller labeller = new Labeller(List.of(CsvManifestRule.load(s.samples().resolve("labels.csv"),
                    CsvManifestRule.Key.ACCESSION_NUMBER, "accession_number", "label")));
            IngestPipeline pipeline = new IngestPipeline(labeller, new Deidentifier(DeidConfig.of(s.secret(), Set.of())),
                    NormalizeOptions.of(28, 28), store, storeDir.resolve("quarantine"), storeDir.resolve("parked"),
                    "demo");
            AtomicInteger done = new AtomicInteger();
            DimseServiceRegistry services = new DimseServiceRegistry().add(new StorageService(
                    StorageConfig.of(s.out().resolve("spool")), instance -> {
                        IngestPipeline.Outcome o = pipeline.ingest(instance.file(), Map.of());
                        synchronized (outcomes) {
                            outcomes.merge(o.status(), 1, Integer::sum);
                        }
                        progress("ingest", done.incrementAndGet(), files.size());
                        return Status.SUCCESS; // only now, with the sample committed, is the C-STORE acknowledged
                    }));
            ServerConfig config = ServerConfig.builder("DISTILLERY").bindAddress("127.0.0.1").port(0)
                    .accept(TransferCapability.anyStorage()).access(AccessControl.OPEN).build();
            try (DicomServer server = DicomServer.start(config, services, null)) {
                log.printf("[1/5] sending %d instances from %s to DISTILLERY@127.0.0.1:%d as a modality would%n",
                        files.size(), s.samples(), server.port());
                List<StoreScu.Result> results = StoreScu.store(ClientConfig.of("DEMO_MODALITY"),
                        new RemoteAe("DISTILLERY", "127.0.0.1", server.port()), files);
                sent = (int) results.stream().filter(StoreScu.Result::stored).count();
                failed = results.size() - sent;
                results.stream().filter(r -> !r.stored()).forEach(r -> log.println("  not stored: " + r.describe()));
            }
            log.printf("%n      %d acknowledged, %d failed; outcomes %s; store holds %s%n", sent, failed, outcomes,
                    store.countsByLabel());
            // stages 2-4: the same code the gateway's distillation trigger runs
            String[] stages = {"[2/5] ", "      ", "[3/5] ", "[4/5] "};
            AtomicInteger stage = new AtomicInteger();
            run = DistillAndPackage.run(store, s.out(), new DistillAndPackage.Settings(List.of("normal", "pneumonia"),
                    s.iterations(), s.seed(), s.out().resolve("keys").resolve("signing.key"), s.samples(), null, true),
                    line -> log.println(stages[Math.min(stage.getAndIncrement(), stages.length - 1)] + line),
                    p -> {
                        progress("distill", p.iteration(), p.total());
                        if (p.iteration() == p.total()) {
                            log.println(" (evaluating)");
                        }
                    });
        }
        JsonNode metrics = run.metrics();
        // The sample store is closed (H2 shut down) by now; the review queue and audit trail open the same file.
        ReviewItem queued;
        try (AgroalDataSource db = storeDatabase()) {
            ReviewGate gate = new ReviewGate(new ReviewQueue(db), new AuditTrail(db));
            Map<String, Object> ingest = new LinkedHashMap<>();
            ingest.put("sent", sent);
            ingest.put("failed", failed);
            outcomes.forEach((k, v) -> ingest.put(k.name().toLowerCase(java.util.Locale.ROOT), v));
            gate.trail().record(ACTOR, AuditAction.INGEST, ingest);
            Map<String, Object> distillation = new LinkedHashMap<>();
            distillation.put("iterations", s.iterations());
            distillation.put("seed", s.seed());
            for (String k : new String[] {"acc_distilled", "acc_random_real", "acc_full", "compression_ratio"}) {
                distillation.put(k, metrics.path(k).asDouble());
            }
            gate.trail().record(ACTOR, AuditAction.DISTILLATION, distillation);
            queued = gate.submit(run.pkg(), run.auditVerdict().name(), ACTOR);
        }
        String reviewUrl = s.reviewBaseUrl().replaceAll("/+$", "") + "/review/packages/" + queued.packageId();
        log.println("[5/5] summary");
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("samples", outcomes.getOrDefault(IngestPipeline.Status.STORED, 0));
        summary.put("sent", sent);
        summary.put("failed", failed);
        summary.put("parked", outcomes.getOrDefault(IngestPipeline.Status.PARKED, 0));
        summary.put("quarantined", outcomes.getOrDefault(IngestPipeline.Status.QUARANTINED, 0));
        summary.put("acc_distilled", metrics.path("acc_distilled").asDouble());
        summary.put("acc_random_real", metrics.path("acc_random_real").asDouble());
        summary.put("acc_full", metrics.path("acc_full").asDouble());
        summary.put("compression_ratio", metrics.path("compression_ratio").asDouble());
        summary.put("distilled", run.distilled().toString());
        summary.put("store", storeDir.toString());
        summary.put("seconds", Math.round((System.nanoTime() - start) / 1e9));
        summary.put("package", run.pkg().dir().toString());
        summary.put("audit_verdict", run.auditVerdict().name());
        summary.put("audit_report", run.auditReport().toString());
        summary.put("review_status", queued.status().name());
        summary.put("review_url", reviewUrl);
        table(summary);
        log.println("to review it: DISTILLERY_STORE_DIR=" + storeDir + " java -jar target/quarkus-app/quarkus-run.jar"
                + " serve, then open " + reviewUrl + " (users: docs/review.md)");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(s.out().resolve("summary.json").toFile(), summary);
        log.println("summary written to " + s.out().resolve("summary.json"));
        return summary;
    }

    private void table(Map<String, Object> summary) {
        // wide enough for review_url in full (a reviewer copies it); long paths are shortened from the left
        int width = Math.max(46, String.valueOf(summary.get("review_url")).length());
        String rule = "  +" + "-".repeat(22) + "+" + "-".repeat(width + 2) + "+";
        log.println(rule);
        summary.forEach((k, v) -> {
            String value = v instanceof Double d ? String.format("%.4f", d) : String.valueOf(v);
            log.printf("  | %-20s | %-" + width + "s |%n", k, value.length() > width
                    ? "..." + value.substring(value.length() - width + 3) : value);
        });
        log.println(rule);
    }

    private void progress(String stage, int done, int total) {
        int width = 30;
        int filled = (int) ((long) done * width / total);
        log.printf("\r      %s [%s%s] %d/%d", stage, "#".repeat(filled), " ".repeat(width - filled), done, total);
        log.flush();
    }
}
