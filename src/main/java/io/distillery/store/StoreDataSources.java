package io.distillery.store;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Connection pools for the store's database, chosen at run time by JDBC URL: the embedded H2 file (default, no
 * server) or PostgreSQL (production, shared by replicas). Agroal is Quarkus's own pool; it is used as a library
 * here because Quarkus fixes a datasource's database kind at build time, and one build must serve both.
 */
public final class StoreDataSources {
    private StoreDataSources() {}

    /**
     * The embedded H2 database in {@code directory}. WRITE_DELAY=0 makes every commit reach the file before the
     * statement returns (H2's default delays writes by up to half a second, which a SIGKILL would lose).
     */
    public static String embeddedUrl(Path directory) {
        return "jdbc:h2:file:" + directory.toAbsolutePath().resolve("samples")
                + ";MODE=PostgreSQL;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
    }

    /** A pool of at most {@code maxConnections} to {@code jdbcUrl} ({@code jdbc:h2:} or {@code jdbc:postgresql:}). */
    public static AgroalDataSource pooled(String jdbcUrl, String username, String password, int maxConnections) {
        Class<?> driver = driverFor(jdbcUrl);
        AgroalDataSourceConfigurationSupplier config = new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(pool -> pool
                        .minSize(0)
                        .maxSize(maxConnections)
                        .acquisitionTimeout(Duration.ofSeconds(30))
                        .validationTimeout(Duration.ofSeconds(30))
                        .connectionFactoryConfiguration(cf -> {
                            cf.jdbcUrl(jdbcUrl).connectionProviderClass(driver).autoCommit(true);
                            if (username != null) {
                                cf.principal(new NamePrincipal(username));
                            }
                            if (password != null) {
                                cf.credential(new SimplePassword(password));
                            }
                            return cf;
                        }));
        try {
            return AgroalDataSource.from(config);
        } catch (SQLException e) {
            throw new StoreException("cannot open the store at " + jdbcUrl + ": " + e.getMessage(), e);
        }
    }

    // Named explicitly: DriverManager's service lookup does not see drivers loaded by Quarkus's class loader.
    private static Class<?> driverFor(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            return org.h2.Driver.class;
        }
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return org.postgresql.Driver.class;
        }
        throw new StoreException("unsupported store URL " + jdbcUrl + " (use jdbc:h2:file:... or jdbc:postgresql://...)");
    }
}
