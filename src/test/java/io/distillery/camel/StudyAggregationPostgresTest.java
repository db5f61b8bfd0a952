package io.distillery.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.distillery.testsupport.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.processor.aggregate.jdbc.JdbcAggregationRepository;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The study aggregation repository on a real PostgreSQL (as replicas share it): its connections are pooled. The
 * repository takes a connection for every transaction, several per instance; before session 13 each was a new
 * PostgreSQL backend process, which halved the gateway's ingest rate.
 */
class StudyAggregationPostgresTest {
    static PostgresServer pg;
    static String url;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = PostgresServer.start();
        pg.createDatabase("aggregation");
        url = "jdbc:postgresql://127.0.0.1:" + pg.port() + "/aggregation";
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        pg.close();
    }

    @Test
    void everyTransactionOfManyInstancesRunsOnThePoolsFewBackends() throws Exception {
        DataSource ds = StudyAggregationRepositories.dataSource(url, "postgres", null, 2);
        assertInstanceOf(AgroalDataSource.class, ds);
        CamelContext camel = new DefaultCamelContext();
        camel.start();
        try (AgroalDataSource pool = (AgroalDataSource) ds) {
            JdbcAggregationRepository repository = StudyAggregationRepositories.create(ds, "study_aggregation");
            repository.start();
            Set<Integer> backends = new HashSet<>();
            for (int i = 1; i <= 40; i++) {
                // As the aggregator does: the stored aggregate (it carries the row's version), updated, written back.
                Exchange aggregate = repository.get(camel, "1.2.3.study");
                if (aggregate == null) {
                    aggregate = new DefaultExchange(camel);
                }
                aggregate.getIn().setBody(i);
                repository.add(camel, "1.2.3.study", aggregate);
                backends.add(backendPid(ds));
            }
            assertEquals(40, repository.get(camel, "1.2.3.study").getIn().getBody(Integer.class),
                    "the aggregate holds the last update");
            // A plain DataSource gives every call a new backend (40 here); the pool at most its two connections.
            assertTrue(backends.size() <= 2, "backends seen between the updates: " + backends);
            repository.stop();
        } finally {
            camel.stop();
        }
    }

    private static int backendPid(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
