package io.distillery.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.distillery.cli.DistilleryCommand;
import io.distillery.review.AuditAction;
import io.distillery.review.AuditEvent;
import io.distillery.review.AuditTrail;
import io.distillery.review.ReviewGate;
import io.distillery.review.ReviewItem;
import io.distillery.review.ReviewQueue;
import io.distillery.review.ReviewStatus;
import io.distillery.share.SharePackage;
import io.distillery.store.StoreDataSources;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main command, shortened to a few distillation iterations: every stage runs and reports, the package
 * waits in the review queue and every stage is in the audit trail.
 */
class DemoTest {
    @TempDir
    Path tmp;

    @Test
    void theWholePathRunsOnTheDemoCohort() throws Exception {
        Path out = tmp.resolve("demo");
        assertEquals(0, DistilleryCommand.execute("demo", "--out", out.toString(), "--iterations", "3"));
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(300, summary.path("samples").asInt(), "every instance was acknowledged and stored");
        assertEquals(0, summary.path("failed").asInt());
        assertTrue(summary.path("acc_distilled").asDouble() > 0, summary.toString());
        assertTrue(summary.path("compression_ratio").asDouble() > 0 && summary.path("compression_ratio").asDouble() < 0.1,
                summary.toString());
        assertTrue(Files.exists(Path.of(summary.path("package").asText()).resolve("manifest.sig")));
        assertTrue(summary.path("audit_verdict").asText().matches("PASS|REVIEW|FAIL"), summary.toString());
        assertEquals(0, DistilleryCommand.execute("package", "verify", summary.path("package").asText()),
                "the package the demo leaves verifies");

        // The package waits for review in the demo's store, at the address `serve` shows it on that store.
        SharePackage pkg = ReviewGate.readPackage(Path.of(summary.path("package").asText()));
        assertEquals("http://127.0.0.1:8080/review/packages/" + pkg.id(), summary.path("review_url").asText());
        assertEquals("PENDING", summary.path("review_status").asText());
        Path store = Path.of(summary.path("store").asText());
        try (AgroalDataSource db = StoreDataSources.pooled(StoreDataSources.embeddedUrl(store), "distillery", null, 2)) {
            ReviewItem queued = new ReviewQueue(db).get(pkg.id()).orElseThrow();
            assertEquals(ReviewStatus.PENDING, queued.status());
            assertEquals(pkg.manifestSha256(), queued.manifestSha256());
            assertEquals(summary.path("audit_verdict").asText(), queued.auditVerdict());
            List<AuditEvent> events = new AuditTrail(db).list();
            assertEquals(List.of(AuditAction.INGEST, AuditAction.DISTILLATION, AuditAction.PACKAGE_SUBMITTED),
                    events.stream().map(AuditEvent::action).toList());
            assertTrue(events.get(0).details().contains("\"stored\":300"), events.get(0).details());
            assertEquals(pkg.manifestSha256(), events.get(2).manifestSha256());
        }

        // The trail exports from the command line and its chain verifies; an edited event is found.
        Path export = tmp.resolve("audit.jsonl");
        assertEquals(0, DistilleryCommand.execute("audit", "export", "--store", store.toString(), "--out",
                export.toString(), "--actor", "test"));
        List<String> lines = Files.readAllLines(export);
        assertEquals(4, lines.size(), "three demo events and the export itself");
        assertTrue(lines.get(3).contains("\"action\":\"AUDIT_EXPORT\""), lines.get(3));
        assertEquals(0, DistilleryCommand.execute("audit", "verify", "--store", store.toString()));
        try (AgroalDataSource db = StoreDataSources.pooled(StoreDataSources.embeddedUrl(store), "distillery", null, 1);
                Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE audit_event SET details = '{}' WHERE seq = 1");
        }
        assertEquals(1, DistilleryCommand.execute("audit", "verify", "--store", store.toString()));
        assertEquals(1, DistilleryCommand.execute("audit", "verify", "--store", tmp.resolve("nowhere").toString()),
                "a folder without a store is a clear error, not a new empty store");
    }
}
