package io.distillery.testsupport;

import io.agroal.api.AgroalDataSource;
import io.distillery.store.StoreDataSources;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fresh store databases for tests that run the same rules on both kinds the gateway supports: the embedded H2 file
 * (pooled as in the gateway, closed after each test) and a database on a real PostgreSQL (Debian's, one server per
 * test class). Register with {@code @RegisterExtension static final StoreDatabases DB = new StoreDatabases("x");}.
 */
public final class StoreDatabases implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
    private final String prefix;
    private final List<AgroalDataSource> pools = new ArrayList<>();
    private PostgresServer postgres;
    private int databases;

    public StoreDatabases(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        postgres = PostgresServer.start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        pools.forEach(AgroalDataSource::close);
        pools.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    /** A new, empty database: {@code "h2"} in {@code dir}, or {@code "postgresql"}. */
    public DataSource create(String kind, Path dir) throws Exception {
        if (kind.equals("h2")) {
            AgroalDataSource pool = StoreDataSources.pooled(StoreDataSources.embeddedUrl(dir), "distillery", null, 4);
            pools.add(pool);
            return pool;
        }
        return postgres.createDatabase(prefix + (++databases));
    }
}
