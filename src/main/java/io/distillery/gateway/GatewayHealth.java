package io.distillery.gateway;

import io.distillery.camel.DicomScpConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * What {@code /q/health} (and {@code /q/health/ready}) checks before a replica takes traffic: the store answers,
 * the spool has room, and the DICOM listener is bound.
 */
@ApplicationScoped
public class GatewayHealth {
    private static final int TIMEOUT_SECONDS = 3;

    @Produces
    @Readiness
    HealthCheck store(DataSource store) {
        return () -> {
            try (Connection c = store.getConnection()) {
                boolean valid = c.isValid(TIMEOUT_SECONDS);
                return HealthCheckResponse.named("store").status(valid)
                        .withData("database", c.getMetaData().getDatabaseProductName()).build();
            } catch (Exception e) {
                return HealthCheckResponse.named("store").down().withData("error", String.valueOf(e.getMessage()))
                        .build();
            }
        };
    }

    @Produces
    @Readiness
    HealthCheck spool(GatewayConfig.Scp scp) {
        return () -> {
            Path spool = Path.of(scp.spoolDir());
            try {
                long freeMb = Files.getFileStore(Files.createDirectories(spool)).getUsableSpace() / (1024 * 1024);
                return HealthCheckResponse.named("spool").status(freeMb >= scp.minFreeMb())
                        .withData("path", spool.toAbsolutePath().toString()).withData("free-mb", freeMb)
                        .withData("min-free-mb", scp.minFreeMb()).build();
            } catch (IOException e) {
                return HealthCheckResponse.named("spool").down().withData("path", spool.toString())
                        .withData("error", String.valueOf(e.getMessage())).build();
            }
        };
    }

    /**
     * The route's dicom:scp consumer has bound its port (asking the consumer, not connecting: a probe's empty
     * connection would count as a failed association).
     */
    @Produces
    @Readiness
    HealthCheck scp(CamelContext camel) {
        return () -> {
            var response = HealthCheckResponse.named("dicom-scp");
            List<String> listening = new ArrayList<>();
            boolean any = false;
            for (Route route : camel.getRoutes()) {
                if (route.getConsumer() instanceof DicomScpConsumer scp) {
                    any = true;
                    if (scp.getLocalPort() > 0 && camel.getRouteController().getRouteStatus(route.getRouteId())
                            == ServiceStatus.Started) {
                        listening.add(route.getRouteId() + ":" + scp.getLocalPort());
                    } else {
                        response.withData(route.getRouteId(), "not listening");
                    }
                }
            }
            if (!any) {
                response.withData("error", "no dicom:scp route is loaded");
            }
            return response.withData("listening", String.join(", ", listening))
                    .status(any && !listening.isEmpty()).build();
        };
    }
}
