package io.distillery.review.web;

import io.distillery.review.AuditSyslog;
import io.distillery.review.AuditTrail;
import io.distillery.review.ReviewGate;
import io.distillery.review.ReviewQueue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.nio.file.Path;
import java.util.Optional;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The audit trail and the review gate on the gateway's one store database (see gateway.StoreBeans). */
@ApplicationScoped
public class ReviewBeans {

    /** The trail, forwarding every event to syslog when distillery.audit.syslog.host is set. */
    @Produces
    @ApplicationScoped
    AuditTrail auditTrail(DataSource dataSource,
            @ConfigProperty(name = "distillery.audit.syslog.host") Optional<String> syslogHost,
            @ConfigProperty(name = "distillery.audit.syslog.port", defaultValue = "6514") int syslogPort,
            @ConfigProperty(name = "distillery.audit.syslog.protocol", defaultValue = "TLS")
            AuditSyslog.Protocol protocol,
            @ConfigProperty(name = "distillery.audit.syslog.app-name", defaultValue = "distillery") String appName,
            @ConfigProperty(name = "distillery.audit.syslog.tls.trust-store") Optional<String> trustStore,
            @ConfigProperty(name = "distillery.audit.syslog.tls.trust-store-password") Optional<String> trustPassword,
            @ConfigProperty(name = "distillery.audit.syslog.tls.key-store") Optional<String> keyStore,
            @ConfigProperty(name = "distillery.audit.syslog.tls.key-store-password") Optional<String> keyPassword) {
        AuditTrail trail = new AuditTrail(dataSource);
        AuditSyslog.TlsStores stores = new AuditSyslog.TlsStores(trustStore.map(Path::of).orElse(null),
                trustPassword.map(String::toCharArray).orElse(null), keyStore.map(Path::of).orElse(null),
                keyPassword.map(String::toCharArray).orElse(null));
        syslogHost.filter(h -> !h.isBlank())
                .ifPresent(h -> trail.onRecorded(new AuditSyslog(h, syslogPort, protocol, appName, stores)));
        return trail;
    }

    @Produces
    @ApplicationScoped
    ReviewGate reviewGate(ReviewQueue queue, AuditTrail trail) {
        return new ReviewGate(queue, trail);
    }
}
