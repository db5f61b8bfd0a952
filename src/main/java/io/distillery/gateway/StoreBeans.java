package io.distillery.gateway;

import io.agroal.api.AgroalDataSource;
import io.distillery.review.ReviewQueue;
import io.distillery.store.JdbcSampleStore;
import io.distillery.store.StoreDataSources;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import java.nio.file.Path;
import javax.sql.DataSource;

/**
 * The gateway's one database (samples, parked instances, review queue, and whatever else lives in
 * {@code db/store}): the embedded H2 file under {@code distillery.store.dir} by default, or the PostgreSQL of
 * {@code distillery.store.jdbc-url} that several replicas share.
 */
@ApplicationScoped
public class StoreBeans {

    @Produces
    @ApplicationScoped
    DataSource storeDataSource(GatewayConfig.Store store) {
        String url = store.jdbcUrl().filter(u -> !u.isBlank())
                .orElseGet(() -> StoreDataSources.embeddedUrl(Path.of(store.dir())));
        return StoreDataSources.pooled(url, store.username(), store.password().orElse(null), store.maxConnections());
    }

    void closeStoreDataSource(@Disposes DataSource dataSource) {
        if (dataSource instanceof AgroalDataSource pool) {
            pool.close();
        }
    }

    @Produces
    @ApplicationScoped
    JdbcSampleStore sampleStore(DataSource dataSource) {
        return new JdbcSampleStore(dataSource);
    }

    @Produces
    @ApplicationScoped
    ReviewQueue reviewQueue(DataSource dataSource) {
        return new ReviewQueue(dataSource);
    }
}
