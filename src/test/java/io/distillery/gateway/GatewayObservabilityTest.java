package io.distillery.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.review.AuditAction;
import io.distillery.review.AuditEvent;
import io.distillery.review.AuditTrail;
import io.distillery.review.ReviewItem;
import io.distillery.review.ReviewQueue;
import io.distillery.review.ReviewStatus;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.quarkus.core.CamelRuntime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway as an operator watches it, over HTTP on loopback: /q/health names the store, the spool and the DICOM
 * listener; /q/metrics (Prometheus text) counts what dcmtk storescu sent and what was refused; a POST to
 * /api/distillations (routes/distillation.yaml) distils the stored cohort into a package that lands in the review
 * queue as PENDING, which the metrics then show, and the audit trail records the run's start, its finish with the
 * package's manifest hash and the submission for review.
 */
@QuarkusTest
@TestProfile(GatewayTestProfile.class)
class GatewayObservabilityTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestHTTPResource("/")
    URI base;

    @Inject
    CamelRuntime runtime;

    @Inject
    CamelContext camel;

    @Inject
    ReviewQueue reviewQueue;

    @Inject
    javax.sql.DataSource dataSource;

    @Inject
    DistillationService distillation;

    @Inject
    io.distillery.store.JdbcSampleStore store;

    @Inject
    AuditTrail trail;

    @BeforeEach
    void startRoutes() {
        if (!camel.isStarted()) {
            runtime.start(new String[0]);
        }
    }

    @Test
    void healthNamesStoreSpoolAndListener() throws Exception {
        HttpResponse<String> r = get("q/health");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode health = new ObjectMapper().readTree(r.body());
        assertEquals("UP", health.path("status").asText(), r.body());
        List<String> checks = new ArrayList<>();
        health.path("checks").forEach(c -> {
            checks.add(c.path("name").asText());
            assertEquals("UP", c.path("status").asText(), c.toString());
        });
        assertTrue(checks.containsAll(List.of("store", "spool", "dicom-scp")), checks.toString());
        assertTrue(r.body().contains("modality-ingest:" + GatewayTestProfile.PORT), r.body());
    }

    @Test
    void metricsCountReceivedInstancesBytesAndRefusedAssociations() throws Exception {
        Path a = ModalityIngestRouteTest.SAMPLES.resolve("IM0010.dcm");
        Path b = ModalityIngestRouteTest.SAMPLES.resolve("IM0011.dcm");
        String before = get("q/metrics").body();
        assertEquals(0, ModalityIngestRouteTest.storescu(List.of(a, b)));
        // a sender that calls us by the wrong AE title is refused: one failed association
        ModalityIngestRouteTest.run("storescu", "-aet", "MODALITY", "-aec", "NOT_US", "127.0.0.1",
                Integer.toString(GatewayTestProfile.PORT), a.toString());
        String after = get("q/metrics").body();
        double received = sum(after, "distillery_instances_received_total\\{.*\\}") - sum(before,
                "distillery_instances_received_total\\{.*\\}");
        assertEquals(2.0, received, after);
        // what arrived over the network: the files' datasets, give or take the Part 10 header the spool rewrites
        double bytes = sum(after, "distillery_bytes_received_total") - sum(before, "distillery_bytes_received_total");
        double sent = Files.size(a) + Files.size(b);
        assertTrue(Math.abs(bytes - sent) < 0.05 * sent, bytes + " bytes received for " + sent + " sent");
        assertEquals(1.0, sum(after, "distillery_associations_failed_total\\{reason=\"rejected\"\\}")
                - sum(before, "distillery_associations_failed_total\\{reason=\"rejected\"\\}"), after);
        assertTrue(sum(after, "distillery_samples\\{label=\"(normal|pneumonia)\"\\}") >= 2, after);
    }

    @Test
    void restCallDistilsTheCohortIntoThePendingReviewQueue() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(ModalityIngestRouteTest.SAMPLES)) {
            // instances no other test of this profile sends, so their counts stay exact
            files = s.filter(f -> f.toString().endsWith(".dcm")).sorted().skip(200).limit(60).toList();
        }
        assertEquals(0, ModalityIngestRouteTest.storescu(files));
        int pending = reviewQueue.list(ReviewStatus.PENDING).size();
        long eventsBefore = trail.list().size();
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base.resolve("api/distillations"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), r.body());
        long deadline = System.nanoTime() + 180_000_000_000L;
        while (reviewQueue.list(ReviewStatus.PENDING).size() == pending && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        List<ReviewItem> queued = reviewQueue.list(ReviewStatus.PENDING);
        assertEquals(pending + 1, queued.size(), "a package was queued for review");
        ReviewItem item = queued.get(queued.size() - 1);
        assertTrue(Files.exists(item.packageDir().resolve("manifest.sig")), item.toString());
        assertTrue(item.auditVerdict().matches("PASS|REVIEW|FAIL"), item.toString());
        String metrics = get("q/metrics").body();
        assertEquals(pending + 1.0, sum(metrics, "distillery_packages\\{status=\"pending\"\\}"), metrics);
        assertEquals(2.0, sum(metrics, "distillery_distillation_iteration"), metrics);
        assertEquals(0.0, sum(metrics, "distillery_distillation_running"), metrics);

        List<AuditEvent> run = trail.list().stream().filter(e -> e.seq() > eventsBefore
                && (e.action() == AuditAction.DISTILLATION || e.action() == AuditAction.PACKAGE_SUBMITTED)).toList();
        assertEquals(List.of(AuditAction.DISTILLATION, AuditAction.DISTILLATION, AuditAction.PACKAGE_SUBMITTED),
                run.stream().map(AuditEvent::action).toList(), run.toString());
        assertTrue(run.get(0).details().contains("\"stage\":\"started\""), run.get(0).toString());
        AuditEvent finished = run.get(1);
        assertTrue(finished.details().contains("\"stage\":\"finished\""), finished.toString());
        assertTrue(finished.details().contains("\"acc_distilled\""), finished.toString());
        assertEquals(item.packageId(), finished.packageId());
        assertEquals(item.manifestSha256(), finished.manifestSha256());
        assertEquals(item.manifestSha256(), run.get(2).manifestSha256());
    }

    @Test
    void restCallIsRefusedWhileAnotherReplicaDistils() throws Exception {
        DistillationLease otherReplica = new DistillationLease(dataSource, java.time.Clock.systemUTC());
        assertTrue(otherReplica.tryAcquire("other-replica", "run-elsewhere", java.time.Duration.ofMinutes(5)));
        try {
            HttpResponse<String> r = post("api/distillations");
            assertEquals(409, r.statusCode(), r.body());
            assertTrue(r.body().contains("run-elsewhere") && r.body().contains("other-replica"), r.body());
            assertFalse(distillation.cohortReady(), "the schedule does not start a second run either");
        } finally {
            assertTrue(otherReplica.fail("other-replica", "run-elsewhere", "released by the test"));
        }
    }

    @Test
    void aRunThatFailsIsCountedAndReleasesTheLease() throws Exception {
        // The run folder cannot be created (the work folder is a file now): the run fails after taking the lease.
        Path work = GatewayTestProfile.DIR.resolve("distillations");
        Path aside = GatewayTestProfile.DIR.resolve("distillations.aside");
        boolean existed = Files.exists(work);
        if (existed) {
            Files.move(work, aside);
        }
        try {
            Files.writeString(work, "not a folder");
            String before = get("q/metrics").body();
            long eventsBefore = trail.list().stream().mapToLong(AuditEvent::seq).max().orElse(0);
            HttpResponse<String> r = post("api/distillations");
            assertEquals(202, r.statusCode(), r.body());
            long deadline = System.nanoTime() + 60_000_000_000L;
            double failed = sum(before, FAILED_RUNS);
            while (sum(get("q/metrics").body(), FAILED_RUNS) == failed && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            String metrics = get("q/metrics").body();
            assertEquals(failed + 1, sum(metrics, FAILED_RUNS), metrics);
            assertEquals(0.0, sum(metrics, "distillery_distillation_running"), metrics);
            assertEquals(null, distillation.busy(), "the failed run released the lease");
            try (java.sql.Connection c = dataSource.getConnection(); java.sql.ResultSet rs = c.createStatement()
                    .executeQuery("SELECT last_outcome, last_error FROM distillation_lease")) {
                assertTrue(rs.next());
                assertEquals("FAILED", rs.getString(1));
                assertTrue(rs.getString(2).contains("distillations"), rs.getString(2));
            }
            List<AuditEvent> failures = trail.list().stream()
                    .filter(e -> e.seq() > eventsBefore && e.action() == AuditAction.FAILURE).toList();
            assertEquals(1, failures.size(), failures.toString());
            assertTrue(failures.get(0).details().contains("\"stage\":\"distillation\""), failures.toString());
        } finally {
            Files.delete(work);
            if (existed) {
                Files.move(aside, work);
            }
        }
    }

    @Test
    void thresholdScheduleWaitsForNewSamplesAndForTheRunningReplica() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(ModalityIngestRouteTest.SAMPLES)) {
            // instances no other test of this profile sends
            files = s.filter(f -> f.toString().endsWith(".dcm")).sorted().skip(150).limit(4).toList();
        }
        // a run elsewhere has just used every stored sample: nothing new, so no run
        DistillationLease otherReplica = new DistillationLease(dataSource, java.time.Clock.systemUTC());
        assertTrue(otherReplica.tryAcquire("other-replica", "run-threshold", java.time.Duration.ofMinutes(5)));
        long stored = store.countsByLabel().values().stream().mapToLong(Long::longValue).sum();
        assertTrue(otherReplica.finish("other-replica", "run-threshold", stored));
        assertFalse(distillation.cohortReady(), "no new samples since the last run");

        assertEquals(0, ModalityIngestRouteTest.storescu(files));
        assertTrue(store.countsByLabel().values().stream().mapToLong(Long::longValue).sum() >= stored + 2);
        assertTrue(distillation.cohortReady(), "min-new-samples (2) new samples, every label present: "
                + store.countsByLabel());

        assertTrue(otherReplica.tryAcquire("other-replica", "run-busy", java.time.Duration.ofMinutes(5)));
        try {
            assertFalse(distillation.cohortReady(), "ready, but another replica is distilling");
        } finally {
            assertTrue(otherReplica.fail("other-replica", "run-busy", "released by the test"));
        }
    }

    private static final String FAILED_RUNS = "distillery_distillation_runs_total\\{outcome=\"failed\"\\}";

    private HttpResponse<String> post(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sum of the samples whose series (name and labels) matches {@code series} in a Prometheus text exposition. */
    private static double sum(String exposition, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " ([0-9.Ee+-]+)$").matcher(exposition);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(m.groupCount()));
        }
        return total;
    }
}
