package io.distillery.camel;

import io.distillery.store.StoreDataSources;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import javax.sql.DataSource;
import org.apache.camel.processor.aggregate.jdbc.JdbcAggregationRepository;
import org.h2.jdbcx.JdbcConnectionPool;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * Persistent aggregation repositories for the study-complete signal, on Camel's {@link JdbcAggregationRepository}:
 * every partial study is written to the database inside the C-STORE exchange (so before the sender is
 * acknowledged), and the aggregator re-arms the quiet-period timers of the stored studies when it starts again.
 * An embedded H2 file database is the default; PostgreSQL lets several gateway replicas share one repository.
 */
public final class StudyAggregationRepositories {
    /** Table name; the repository also uses {@code <name>_completed}. */
    public static final String DEFAULT_NAME = "study_aggregation";

    private StudyAggregationRepositories() {
    }

    /** An embedded H2 database in {@code file} (H2 appends {@code .mv.db}), pooled (at most 10 connections, H2's default). */
    public static DataSource h2(Path file) {
        return dataSource("jdbc:h2:file:" + file.toAbsolutePath(), null, null, 10);
    }

    /**
     * A pooled DataSource for a JDBC URL, of at most {@code maxConnections}: H2's own pool for {@code jdbc:h2:},
     * otherwise the store's (Agroal). Pooled because the repository takes a connection for every transaction, several
     * per instance: plain driver connections cost PostgreSQL a new backend process each (about 10 ms of its CPU per
     * instance, and half the gateway's ingest rate; session 13). An H2 URL gets WRITE_DELAY=0 unless it sets
     * WRITE_DELAY itself: the aggregate is written before the sender is answered, and H2's default delays writing a
     * commit by up to 500 ms, which a killed gateway lost (StudyAggregationKillTest).
     */
    public static DataSource dataSource(String jdbcUrl, String user, String password, int maxConnections) {
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            String url = jdbcUrl.toUpperCase(Locale.ROOT).contains(";WRITE_DELAY=") ? jdbcUrl
                    : jdbcUrl + ";WRITE_DELAY=0";
            JdbcConnectionPool pool = JdbcConnectionPool.create(url, user == null ? "sa" : user,
                    password == null ? "" : password);
            pool.setMaxConnections(maxConnections);
            return pool;
        }
        return StoreDataSources.pooled(jdbcUrl, user, password, maxConnections);
    }

    /** The repository on {@code dataSource}, creating its two tables when missing. */
    public static JdbcAggregationRepository create(DataSource dataSource, String name) {
        createTables(dataSource, name);
        // Not Camel's PostgresAggregationRepository: in Camel 4.14 its INSERT names two columns but binds three
        // parameters (PSQLException "column index is out of range: 3"), which with optimistic locking retries forever.
        JdbcAggregationRepository repo = new JdbcAggregationRepository();
        repo.setDataSource(dataSource);
        repo.setTransactionManager(new DataSourceTransactionManager(dataSource));
        repo.setRepositoryName(name);
        return repo;
    }

    private static void createTables(DataSource dataSource, String name) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain SQL table name: " + name);
        }
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            boolean postgres = c.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
            // H2: VARBINARY (up to 1e9 bytes, stored in the row), not BLOB. A BLOB goes to H2's LOB storage, and the
            // repository rewrites the aggregate on every instance: each rewrite made a LOB for H2 to clean up later
            // (its cleaner refusing the extra work by exception, about ten times per instance).
            String blob = postgres ? "BYTEA" : "VARBINARY";
            for (String table : new String[] {name, name + "_completed"}) {
                st.execute("CREATE TABLE IF NOT EXISTS " + table + " (id VARCHAR(255) NOT NULL, exchange " + blob
                        + " NOT NULL, version BIGINT NOT NULL, CONSTRAINT " + table + "_pk PRIMARY KEY (id))");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare aggregation tables " + name + ": " + e.getMessage(), e);
        }
    }
}
