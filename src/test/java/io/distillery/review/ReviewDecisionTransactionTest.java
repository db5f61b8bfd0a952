package io.distillery.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.share.SharePackage;
import io.distillery.testsupport.StoreDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A review decision and its audit event are one transaction, on H2 and on a real PostgreSQL: when the database
 * refuses the audit append after the queue's compare-and-set ran, or the process fails between the two writes,
 * neither is committed (the package stays PENDING, the trail has no decision); once the append can succeed the
 * decision and exactly one event commit together.
 */
class ReviewDecisionTransactionTest {
    @RegisterExtension
    static final StoreDatabases DB = new StoreDatabases("decision");

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aDecisionAndItsAuditEventCommitTogetherOrNotAtAll(String kind) throws Exception {
        DataSource db = DB.create(kind, dir.resolve("store"));
        ReviewQueue queue = new ReviewQueue(db);
        AuditTrail trail = new AuditTrail(db);
        ReviewGate gate = new ReviewGate(queue, trail);
        SharePackage pkg = pkg("P1");
        gate.submit(pkg, "PASS", "gateway");
        String sha = pkg.manifestSha256();

        // The database itself refuses the audit row, after the decision's UPDATE ran in the same transaction.
        execute(db, "ALTER TABLE audit_event ADD CONSTRAINT refuse_approvals CHECK (action <> 'REVIEW_APPROVED')");
        ReviewException refused = assertThrows(ReviewException.class,
                () -> gate.decide("P1", sha, true, "alice", "looks anonymous"));
        assertTrue(refused.getMessage().contains("REVIEW_APPROVED"), refused.getMessage());
        assertUndecided(queue, trail);

        // A failure between the two writes: the UPDATE is done, the append never starts.
        assertThrows(IllegalStateException.class, () -> trail.recordWith(c -> {
            queue.decide(c, "P1", sha, ReviewStatus.APPROVED, "alice", null);
            throw new IllegalStateException("process died between the decision and its audit event");
        }, "alice", AuditAction.REVIEW_APPROVED, "P1", sha, Map.of()));
        assertUndecided(queue, trail);

        execute(db, "ALTER TABLE audit_event DROP CONSTRAINT refuse_approvals");
        ReviewItem approved = gate.decide("P1", sha, true, "alice", "looks anonymous");
        assertEquals(ReviewStatus.APPROVED, approved.status());
        assertEquals("alice", approved.decidedBy());
        List<AuditEvent> decisions = decisions(trail);
        assertEquals(1, decisions.size(), decisions.toString());
        assertEquals("alice", decisions.get(0).actor());
        assertEquals(sha, decisions.get(0).manifestSha256());

        // A decision the compare-and-set refuses writes no event either.
        assertThrows(ReviewException.class, () -> gate.decide("P1", sha, false, "bob", "changed my mind"));
        assertEquals(1, decisions(trail).size());
        assertEquals(ReviewStatus.APPROVED, queue.get("P1").orElseThrow().status());
        assertTrue(trail.verify().intact(), trail.verify().toString());
    }

    private static void assertUndecided(ReviewQueue queue, AuditTrail trail) {
        ReviewItem item = queue.get("P1").orElseThrow();
        assertEquals(ReviewStatus.PENDING, item.status(), "the decision was rolled back with its event");
        assertNull(item.decidedBy());
        assertEquals(List.of(), decisions(trail), "no event without its decision");
        assertEquals(List.of(AuditAction.PACKAGE_SUBMITTED), trail.list().stream().map(AuditEvent::action).toList());
    }

    private static List<AuditEvent> decisions(AuditTrail trail) {
        return trail.list().stream().filter(e -> e.action() == AuditAction.REVIEW_APPROVED
                || e.action() == AuditAction.REVIEW_REJECTED).toList();
    }

    private SharePackage pkg(String id) throws Exception {
        Path p = Files.createDirectories(dir.resolve(id));
        Files.writeString(p.resolve(SharePackage.MANIFEST), "{\"package_id\":\"" + id + "\"}");
        return ReviewGate.readPackage(p);
    }

    private static void execute(DataSource db, String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
