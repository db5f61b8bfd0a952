package io.distillery.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The sample store on JDBC: an embedded H2 file database by default (no server), PostgreSQL in production. The
 * schema is migrated by Flyway from {@code db/store}. Each sample is one INSERT in its own transaction, so a
 * process killed at any point leaves either the whole sample or none of it; the caller acknowledges an instance
 * only after {@link #put} returned.
 */
public final class JdbcSampleStore implements SampleStore {
    private static final String SQL_STATE_UNIQUE_VIOLATION = "23505";

    private final DataSource dataSource;
    private final AutoCloseable onClose;

    public JdbcSampleStore(DataSource dataSource) {
        this(dataSource, null);
    }

    private JdbcSampleStore(DataSource dataSource, AutoCloseable onClose) {
        this.dataSource = dataSource;
        this.onClose = onClose;
        Flyway.configure().dataSource(dataSource).locations("classpath:db/store").load().migrate();
    }

    /**
     * The store database at {@code jdbcUrl} (the gateway's shared PostgreSQL, or any URL {@link StoreDataSources}
     * accepts), through a small pool that {@link #close} closes.
     */
    public static JdbcSampleStore open(String jdbcUrl, String username, String password) {
        var pool = StoreDataSources.pooled(jdbcUrl, username, password, 2);
        try {
            return new JdbcSampleStore(pool, pool::close);
        } catch (RuntimeException e) {
            pool.close();
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new StoreException("cannot open the store database " + jdbcUrl + ": " + root.getMessage(), e);
        }
    }

    /** An embedded H2 database in {@code directory} (see {@link StoreDataSources#embeddedUrl}). */
    public static JdbcSampleStore embedded(Path directory) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(StoreDataSources.embeddedUrl(directory));
        ds.setUser("distillery");
        ds.setPassword("");
        return new JdbcSampleStore(ds, () -> {
            try (Connection c = ds.getConnection()) {
                c.createStatement().execute("SHUTDOWN");
            }
        });
    }

    @Override
    public boolean put(Sample s) {
        String sql = "INSERT INTO sample (sample_key, study_key, patient_key, label, modality, sop_class_uid,"
                + " transfer_syntax_uid, route, received_at, height, width, pixels, pixels_sha256)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        byte[] pixels = toBytes(s.pixels());
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            c.setAutoCommit(true);
            ps.setString(1, s.key());
            ps.setString(2, s.studyKey());
            ps.setString(3, s.patientKey());
            ps.setString(4, s.label());
            ps.setString(5, s.provenance().modality());
            ps.setString(6, s.provenance().sopClassUid());
            ps.setString(7, s.provenance().transferSyntaxUid());
            ps.setString(8, s.provenance().route());
            ps.setTimestamp(9, Timestamp.from(s.provenance().receivedAt()));
            ps.setInt(10, s.height());
            ps.setInt(11, s.width());
            ps.setBytes(12, pixels);
            ps.setString(13, sha256(pixels));
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (SQL_STATE_UNIQUE_VIOLATION.equals(e.getSQLState())) {
                return false;
            }
            throw new StoreException("could not store sample " + s.key() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Sample> get(String key) {
        List<Sample> found = query("SELECT * FROM sample WHERE sample_key = ?", key);
        return found.stream().findFirst();
    }

    @Override
    public long count() {
        return single("SELECT COUNT(*) FROM sample");
    }

    @Override
    public Map<String, Long> countsByLabel() {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection();
                ResultSet rs = c.createStatement().executeQuery(
                        "SELECT label, COUNT(*) FROM sample GROUP BY label ORDER BY label")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            throw new StoreException("could not count samples: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public Map<String, Map<String, Long>> countsByLabelAndModality() {
        Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection();
                ResultSet rs = c.createStatement().executeQuery("SELECT label, COALESCE(modality, ''), COUNT(*)"
                        + " FROM sample GROUP BY label, COALESCE(modality, '') ORDER BY 1, 2")) {
            while (rs.next()) {
                out.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>()).put(rs.getString(2), rs.getLong(3));
            }
        } catch (SQLException e) {
            throw new StoreException("could not count samples: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public List<Sample> cohort(List<String> labels) {
        if (labels.isEmpty()) {
            return query("SELECT * FROM sample ORDER BY sample_key");
        }
        String marks = String.join(",", java.util.Collections.nCopies(labels.size(), "?"));
        return query("SELECT * FROM sample WHERE label IN (" + marks + ") ORDER BY sample_key", labels.toArray());
    }

    @Override
    public void park(ParkedInstance p) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement del = c.prepareStatement("DELETE FROM parked WHERE instance_key = ?");
                    PreparedStatement ins = c.prepareStatement("INSERT INTO parked (instance_key, reason, modality,"
                            + " sop_class_uid, route, file_path, parked_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                del.setString(1, p.key());
                del.executeUpdate();
                ins.setString(1, p.key());
                ins.setString(2, p.reason());
                ins.setString(3, p.modality());
                ins.setString(4, p.sopClassUid());
                ins.setString(5, p.route());
                ins.setString(6, p.filePath());
                ins.setTimestamp(7, Timestamp.from(p.parkedAt()));
                ins.executeUpdate();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("could not park " + p.key() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long parkedCount() {
        return single("SELECT COUNT(*) FROM parked");
    }

    @Override
    public List<ParkedInstance> parked() {
        List<ParkedInstance> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                ResultSet rs = c.createStatement().executeQuery("SELECT * FROM parked ORDER BY instance_key")) {
            while (rs.next()) {
                out.add(new ParkedInstance(rs.getString("instance_key"), rs.getString("reason"),
                        rs.getString("modality"), rs.getString("sop_class_uid"), rs.getString("route"),
                        rs.getString("file_path"), rs.getTimestamp("parked_at").toInstant()));
            }
        } catch (SQLException e) {
            throw new StoreException("could not list parked instances: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public void close() {
        if (onClose != null) {
            try {
                onClose.close();
            } catch (Exception e) {
                throw new StoreException("could not close the store: " + e.getMessage(), e);
            }
        }
    }

    private long single(String sql) {
        try (Connection c = dataSource.getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new StoreException(sql + ": " + e.getMessage(), e);
        }
    }

    private List<Sample> query(String sql, Object... args) {
        List<Sample> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byte[] pixels = rs.getBytes("pixels");
                    if (!sha256(pixels).equals(rs.getString("pixels_sha256"))) {
                        throw new StoreException("sample " + rs.getString("sample_key") + " fails its checksum");
                    }
                    out.add(new Sample(rs.getString("sample_key"), rs.getString("study_key"),
                            rs.getString("patient_key"), rs.getString("label"),
                            new Sample.Provenance(rs.getString("modality"), rs.getString("sop_class_uid"),
                                    rs.getString("transfer_syntax_uid"), rs.getString("route"),
                                    rs.getTimestamp("received_at").toInstant()),
                            rs.getInt("height"), rs.getInt("width"), toFloats(pixels)));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("query failed: " + e.getMessage(), e);
        }
        return out;
    }

    static byte[] toBytes(float[] f) {
        ByteBuffer bb = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(f);
        return bb.array();
    }

    static float[] toFloats(byte[] b) {
        float[] f = new float[b.length / 4];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
