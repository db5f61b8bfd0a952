package io.distillery.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.testsupport.StoreDatabases;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The audit trail on the embedded H2 store and on a real PostgreSQL: chain, tamper detection, export, races. */
class AuditTrailTest {
    private static final String HASH = "ab".repeat(32);
    @RegisterExtension
    static final StoreDatabases DB = new StoreDatabases("audit");

    @TempDir
    Path dir;

    private DataSource database(String kind) throws Exception {
        return DB.create(kind, dir);
    }

    private static void sql(DataSource db, String statement) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate(statement);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void eventsChainAndExportAsJsonLines(String kind) throws Exception {
        AuditTrail trail = new AuditTrail(database(kind));
        trail.record("gateway", AuditAction.INGEST, Map.of("stored", 300, "parked", 0));
        trail.record("demo", AuditAction.PACKAGE_SUBMITTED, "P1", HASH, Map.of("audit_verdict", "PASS"));
        AuditEvent decision = trail.record("alice", AuditAction.REVIEW_APPROVED, "P1", HASH,
                Map.of("reason", "Ünïcode reason, \"quoted\"\nnew line"));
        assertEquals(3, decision.seq());
        assertThrows(ReviewException.class, () -> trail.record(" ", AuditAction.FAILURE, Map.of()),
                "an event needs an actor");

        AuditTrail.Verification v = trail.verify();
        assertTrue(v.intact(), v.problem());
        assertEquals(3, v.events());
        assertEquals(decision.hash(), v.headHash());
        assertEquals(List.of(AuditAction.PACKAGE_SUBMITTED, AuditAction.REVIEW_APPROVED),
                trail.forPackage("P1").stream().map(AuditEvent::action).toList());

        StringWriter out = new StringWriter();
        assertEquals(3, trail.exportJsonLines(out));
        String[] lines = out.toString().split("\n");
        assertEquals(3, lines.length);
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(lines[0]);
        assertEquals("INGEST", first.path("action").asText());
        assertEquals(300, first.at("/details/stored").asInt());
        assertTrue(first.path("package_id").isNull());
        JsonNode last = json.readTree(lines[2]);
        assertEquals("alice", last.path("actor").asText());
        assertEquals(HASH, last.path("manifest_sha256").asText());
        assertEquals("Ünïcode reason, \"quoted\"\nnew line", last.at("/details/reason").asText());
        assertEquals(json.readTree(lines[1]).path("hash").asText(), last.path("prev_hash").asText(),
                "the exported lines carry the chain");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void editingOrDeletingARowInTheDatabaseIsDetected(String kind) throws Exception {
        DataSource db = database(kind);
        AuditTrail trail = new AuditTrail(db);
        for (int i = 0; i < 4; i++) {
            trail.record("alice", AuditAction.REVIEW_APPROVED, "P" + i, HASH, Map.of("reason", "ok"));
        }
        assertTrue(trail.verify().intact());

        sql(db, "UPDATE audit_event SET actor = 'mallory' WHERE seq = 2");
        AuditTrail.Verification edited = trail.verify();
        assertFalse(edited.intact());
        assertTrue(edited.problem().startsWith("event 2 was changed"), edited.problem());
        assertEquals(1, edited.events(), "events before the damage still count as verified");

        sql(db, "UPDATE audit_event SET actor = 'alice' WHERE seq = 2");
        assertNull(trail.verify().problem(), "restoring the content restores the chain");
        sql(db, "DELETE FROM audit_event WHERE seq = 3");
        assertEquals("event 3 is missing (next is 4)", trail.verify().problem());
    }

    /** Two gateway replicas on one PostgreSQL append at once: no position is lost or taken twice, chain intact. */
    @ParameterizedTest
    @ValueSource(strings = {"postgresql"})
    void concurrentWritersKeepOneChain(String kind) throws Exception {
        DataSource db = database(kind);
        List<AuditTrail> replicas = List.of(new AuditTrail(db), new AuditTrail(db));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> done = new ArrayList<>();
        for (AuditTrail t : replicas) {
            Callable<Integer> task = () -> {
                start.await();
                for (int i = 0; i < 25; i++) {
                    t.record("replica" + replicas.indexOf(t), AuditAction.DELIVERY, Map.of("i", i));
                }
                return 25;
            };
            done.add(pool.submit(task));
        }
        start.countDown();
        assertEquals(50, done.get(0).get() + done.get(1).get());
        pool.shutdown();
        AuditTrail.Verification v = replicas.get(0).verify();
        assertTrue(v.intact(), v.problem());
        assertEquals(50, v.events());
    }
}
