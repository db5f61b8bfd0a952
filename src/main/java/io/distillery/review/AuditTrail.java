package io.distillery.review;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The append-only audit trail on the store's database (table {@code audit_event}, migration
 * {@code db/store/V3__audit_trail.sql}). There is deliberately no way to change or remove an event through this
 * class. Events form a hash chain: each row's hash covers its content and the previous row's hash, so
 * {@link #verify()} finds any row edited, removed or reordered directly in the database. Appends from several
 * processes on one PostgreSQL are safe: the sequence number is the primary key, and a writer that loses the race
 * for a position re-reads the head and tries the next one. {@link #recordWith} appends an event in the same
 * transaction as the change it records (the review queue's decision), so neither commits without the other.
 */
public final class AuditTrail {
    static final String GENESIS = "0".repeat(64);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    private static final int MAX_ATTEMPTS = 50;
    private static final System.Logger LOG = System.getLogger(AuditTrail.class.getName());

    private final DataSource dataSource;
    private final List<Consumer<AuditEvent>> listeners = new CopyOnWriteArrayList<>();

    public AuditTrail(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/store").load().migrate();
    }

    /** Called with every event after it is committed (e.g. to forward it as a syslog audit message). */
    public void onRecorded(Consumer<AuditEvent> listener) {
        listeners.add(listener);
    }

    /** Records an event that concerns no particular package. */
    public AuditEvent record(String actor, AuditAction action, Map<String, ?> details) {
        return record(actor, action, null, null, details);
    }

    /**
     * Appends one event and returns it once committed.
     *
     * @param actor          who: a user name, or the component acting on its own ("gateway", "demo")
     * @param packageId      the package concerned, or null
     * @param manifestSha256 SHA-256 of that package's exact manifest bytes, or null
     * @param details        what else to keep; written as a JSON object with sorted keys
     */
    public AuditEvent record(String actor, AuditAction action, String packageId, String manifestSha256,
            Map<String, ?> details) {
        return recordWith(null, actor, action, packageId, manifestSha256, details);
    }

    /** A change to the store that must commit together with its audit event, on the connection it is given. */
    @FunctionalInterface
    public interface Change {
        /** Makes the change on {@code c} (its transaction is open; do not commit); throw to record nothing. */
        void apply(Connection c) throws SQLException;
    }

    /**
     * Makes {@code change} and appends its event in one transaction on one connection, so either both are
     * committed or neither is: a decision is never without its audit event, nor an event without its decision. An
     * exception from the change or from the append rolls both back and reaches the caller.
     */
    public AuditEvent recordWith(Change change, String actor, AuditAction action, String packageId,
            String manifestSha256, Map<String, ?> details) {
        if (actor == null || actor.isBlank()) {
            throw new ReviewException("an audit event needs an actor");
        }
        Objects.requireNonNull(action, "action");
        String detailsJson;
        try {
            detailsJson = JSON.writeValueAsString(details == null ? Map.of() : details);
        } catch (JsonProcessingException e) {
            throw new ReviewException("audit details are not representable as JSON: " + e.getMessage(), e);
        }
        AuditEvent event = append(change, actor, action, packageId, manifestSha256, detailsJson);
        for (Consumer<AuditEvent> l : listeners) {
            try {
                l.accept(event);
            } catch (RuntimeException e) { // the event is committed; a forwarder's failure must not undo that
                LOG.log(System.Logger.Level.WARNING, "audit event " + event.seq() + " not forwarded: " + e.getMessage());
            }
        }
        return event;
    }

    private synchronized AuditEvent append(Change change, String actor, AuditAction action, String packageId,
            String manifestSha256, String details) {
        SQLException last = null;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                boolean autoCommit = c.getAutoCommit();
                c.setAutoCommit(false);
                try {
                    if (change != null) {
                        change.apply(c);
                    }
                    AuditEvent e = insert(c, actor, action, packageId, manifestSha256, details);
                    c.commit();
                    return e;
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(autoCommit);
                }
            } catch (SeqTaken e) { // another writer appended first: redo the change and take the next position
                last = e.sqlCause;
            } catch (SQLException e) {
                throw new ReviewException("could not record audit event " + action + ": " + e.getMessage(), e);
            }
        }
        throw new ReviewException("could not record audit event " + action + ": the trail stayed contended for "
                + MAX_ATTEMPTS + " attempts", last);
    }

    /** The append lost the race for its sequence number to another writer. */
    private static final class SeqTaken extends RuntimeException {
        final SQLException sqlCause;

        SeqTaken(SQLException cause) {
            super(cause.getMessage(), null, false, false);
            this.sqlCause = cause;
        }
    }

    private static AuditEvent insert(Connection c, String actor, AuditAction action, String packageId,
            String manifestSha256, String details) throws SQLException {
        long seq;
        String prev;
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1");
                ResultSet rs = ps.executeQuery()) {
            seq = rs.next() ? rs.getLong(1) + 1 : 1;
            prev = seq == 1 ? GENESIS : rs.getString(2);
        }
        // Millisecond precision survives every database's TIMESTAMP, so the hash recomputes on read.
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String hash = hash(new AuditEvent(seq, now, actor, action, packageId, manifestSha256, details, prev, null));
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_event (seq, occurred_at, actor, action,"
                + " package_id, manifest_sha256, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, seq);
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setString(3, actor);
            ps.setString(4, action.name());
            ps.setString(5, packageId);
            ps.setString(6, manifestSha256);
            ps.setString(7, details);
            ps.setString(8, prev);
            ps.setString(9, hash);
            ps.executeUpdate();
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw new SeqTaken(e);
            }
            throw e;
        }
        return new AuditEvent(seq, now, actor, action, packageId, manifestSha256, details, prev, hash);
    }

    /** Every event in order. */
    public List<AuditEvent> list() {
        return query("SELECT * FROM audit_event ORDER BY seq", null);
    }

    /** The events about one package, in order. */
    public List<AuditEvent> forPackage(String packageId) {
        return query("SELECT * FROM audit_event WHERE package_id = ? ORDER BY seq", packageId);
    }

    /** Outcome of {@link #verify()}: how many events were checked, the head hash, and the first problem if any. */
    public record Verification(long events, String headHash, String problem) {
        public boolean intact() {
            return problem == null;
        }
    }

    /** Recomputes the hash chain from the first event; reports the first event that does not fit. */
    public Verification verify() {
        String prev = GENESIS;
        long expectedSeq = 1;
        for (AuditEvent e : list()) {
            if (e.seq() != expectedSeq) {
                return new Verification(expectedSeq - 1, prev, "event " + expectedSeq + " is missing (next is "
                        + e.seq() + ")");
            }
            if (!e.prevHash().equals(prev)) {
                return new Verification(expectedSeq - 1, prev, "event " + e.seq()
                        + " does not follow the event before it (previous hash differs)");
            }
            if (!hash(e).equals(e.hash())) {
                return new Verification(expectedSeq - 1, prev, "event " + e.seq()
                        + " was changed after it was recorded (its hash does not match its content)");
            }
            prev = e.hash();
            expectedSeq++;
        }
        return new Verification(expectedSeq - 1, prev, null);
    }

    /**
     * Writes every event as JSON lines (one object per line, fields as in {@link #toJson}) and returns how many.
     * The lines carry the hashes, so a copy can be checked against the chain on its own.
     */
    public int exportJsonLines(Writer out) throws IOException {
        int n = 0;
        for (AuditEvent e : list()) {
            out.write(JSON.writeValueAsString(toJson(e)));
            out.write('\n');
            n++;
        }
        out.flush();
        return n;
    }

    /** The export form of one event: seq, time, actor, action, package_id, manifest_sha256, details, hashes. */
    public static ObjectNode toJson(AuditEvent e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("seq", e.seq());
        o.put("time", e.occurredAt().toString());
        o.put("actor", e.actor());
        o.put("action", e.action().name());
        o.put("package_id", e.packageId());
        o.put("manifest_sha256", e.manifestSha256());
        try {
            o.set("details", JSON.readTree(e.details()));
        } catch (JsonProcessingException ex) {
            o.put("details", e.details()); // kept verbatim: verify() reports the damage
        }
        o.put("prev_hash", e.prevHash());
        o.put("hash", e.hash());
        return o;
    }

    /**
     * SHA-256 over every field but the hash itself, each written as its UTF-8 length and bytes (null as -1), so
     * no two different rows can encode to the same input.
     */
    static String hash(AuditEvent e) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
        for (String field : new String[] {Long.toString(e.seq()), e.occurredAt().toString(), e.actor(),
                e.action().name(), e.packageId(), e.manifestSha256(), e.details(), e.prevHash()}) {
            if (field == null) {
                md.update("-1:".getBytes(StandardCharsets.US_ASCII));
            } else {
                byte[] b = field.getBytes(StandardCharsets.UTF_8);
                md.update((b.length + ":").getBytes(StandardCharsets.US_ASCII));
                md.update(b);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private List<AuditEvent> query(String sql, String arg) {
        List<AuditEvent> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (arg != null) {
                ps.setString(1, arg);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new AuditEvent(rs.getLong("seq"), rs.getTimestamp("occurred_at").toInstant(),
                            rs.getString("actor"), AuditAction.valueOf(rs.getString("action")),
                            rs.getString("package_id"), rs.getString("manifest_sha256"), rs.getString("details"),
                            rs.getString("prev_hash"), rs.getString("hash")));
                }
            }
        } catch (SQLException e) {
            throw new ReviewException("could not read the audit trail: " + e.getMessage(), e);
        }
        return out;
    }
}
