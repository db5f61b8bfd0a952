package io.distillery.store;

import io.distillery.testsupport.PostgresServer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The same contract against a real PostgreSQL server (Debian's), one fresh database per test. */
class PostgresSampleStoreTest extends SampleStoreContract {
    private static PostgresServer server;
    private static final AtomicInteger DB = new AtomicInteger();
    private SampleStore store;

    @BeforeAll
    static void startServer() throws Exception {
        server = PostgresServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Override
    SampleStore store() {
        if (store == null) {
            try {
                store = new JdbcSampleStore(server.createDatabase("store" + DB.incrementAndGet()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return store;
    }
}
