package io.distillery.camel;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import java.util.Optional;
import org.apache.camel.AggregationStrategy;
import jakarta.inject.Singleton;
import org.apache.camel.processor.aggregate.jdbc.JdbcAggregationRepository;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The beans a YAML route names for the study-complete signal: {@code studyInstanceCount} (aggregation strategy:
 * the count only, constant size per study), {@code studyInstances} (every instance's path and UID) and
 * {@code studyAggregationRepository} (persistent repository, embedded H2 unless
 * {@code distillery.study-aggregation.jdbc-url} points elsewhere, e.g. a PostgreSQL shared by all replicas).
 */
@ApplicationScoped
public class StudyAggregationBeans {

    // @Singleton, not @ApplicationScoped: Camel must see the real objects (a client proxy would hide that the
    // repository is a Camel Service, and the aggregator would never initialise it).
    @Produces
    @Singleton
    @Named("studyInstances")
    AggregationStrategy studyInstances() {
        return new StudyInstancesAggregationStrategy();
    }

    @Produces
    @Singleton
    @Named("studyInstanceCount")
    AggregationStrategy studyInstanceCount() {
        return new StudyInstanceCountAggregationStrategy();
    }

    @Produces
    @Singleton
    @Named("studyAggregationRepository")
    JdbcAggregationRepository studyAggregationRepository(
            @ConfigProperty(name = "distillery.study-aggregation.jdbc-url") String jdbcUrl,
            @ConfigProperty(name = "distillery.study-aggregation.username") Optional<String> user,
            @ConfigProperty(name = "distillery.study-aggregation.password") Optional<String> password,
            @ConfigProperty(name = "distillery.study-aggregation.max-connections") int maxConnections,
            @ConfigProperty(name = "distillery.study-aggregation.table",
                    defaultValue = StudyAggregationRepositories.DEFAULT_NAME) String table) {
        return StudyAggregationRepositories.create(StudyAggregationRepositories.dataSource(jdbcUrl, user.orElse(null),
                password.orElse(null), maxConnections), table);
    }

    // The repository does not own its DataSource: the Agroal pool made for a server database is closed with it (H2's
    // pool has no close; the embedded database closes with the JVM).
    void closeStudyAggregationPool(@Disposes @Named("studyAggregationRepository") JdbcAggregationRepository repository) {
        if (repository.getDataSource() instanceof AutoCloseable pool) {
            try {
                pool.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot close the study aggregation pool: " + e.getMessage(), e);
            }
        }
    }
}
