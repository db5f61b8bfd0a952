package io.distillery.outbound;

import static org.junit.jupiter.api.Assertions.fail;

import io.distillery.review.ReviewQueue;
import io.distillery.share.SharePackage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * One gateway replica for the route tests, without booting Quarkus: a Camel context that loads the shipped
 * routes/outbound.yaml with the shipped application.properties defaults (overridden per test), the
 * {@code outbound} bean on the given database, a recording listener and the metrics listener.
 */
final class OutboundHarness implements AutoCloseable {
    final ReviewQueue queue;
    final Outbound outbound;
    final CamelContext camel;
    final List<String> events = new CopyOnWriteArrayList<>();
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    /** Fast test retries: 3 attempts, 300 ms then 600 ms apart. */
    static final RetryPolicy QUICK_RETRY = new RetryPolicy(3, Duration.ofMillis(300), 2, Duration.ofSeconds(5));

    OutboundHarness(DataSource db, RetryPolicy retry, Map<String, String> properties) throws Exception {
        this(db, retry, Duration.ofMinutes(5), properties);
    }

    OutboundHarness(DataSource db, RetryPolicy retry, Duration lease, Map<String, String> settings)
            throws Exception {
        queue = new ReviewQueue(db);
        DeliveryListener recorder = new DeliveryListener() {
            @Override
            public void delivered(Delivery d) {
                events.add("delivered " + d.packageId() + " " + d.destination() + " attempt " + d.attempt());
            }

            @Override
            public void failed(Delivery d, String error, Instant next) {
                events.add("failed " + d.packageId() + " " + d.destination() + " attempt " + d.attempt() + ": " + error);
            }

            @Override
            public void deadLettered(Delivery d, String error) {
                events.add("dead " + d.packageId() + " " + d.destination() + " attempt " + d.attempt() + ": " + error);
            }
        };
        outbound = new Outbound(queue, new DeliveryLedger(db), retry, lease, 10,
                List.of(recorder, new DeliveryMetrics(metrics)));
        camel = new DefaultCamelContext();
        var properties = (org.apache.camel.component.properties.PropertiesComponent) camel.getPropertiesComponent();
        // Only the shipped defaults and this test's settings: a @QuarkusTest earlier in the same JVM leaves its
        // profile's settings behind as system properties, which Camel would otherwise prefer.
        properties.setSystemPropertiesMode(
                org.apache.camel.component.properties.PropertiesComponent.SYSTEM_PROPERTIES_MODE_NEVER);
        properties.setEnvironmentVariableMode(
                org.apache.camel.component.properties.PropertiesComponent.ENVIRONMENT_VARIABLES_MODE_NEVER);
        properties.setLocation("classpath:application.properties");
        Properties overrides = new Properties();
        overrides.put("distillery.outbound.poll-interval", "100");
        for (String d : List.of("folder", "cstore", "stow", "s3", "sftp")) {
            overrides.put("distillery.outbound." + d + ".enabled", "false");
        }
        overrides.putAll(settings);
        properties.setOverrideProperties(overrides);
        camel.getRegistry().bind("outbound", outbound);
        PluginHelper.getRoutesLoader(camel).loadRoutes(
                ResourceHelper.resolveMandatoryResource(camel, "file:routes/outbound.yaml"));
        camel.start();
    }

    SharePackage approve(SharePackage pkg) {
        queue.submit(pkg, "PASS");
        queue.approve(pkg.id(), pkg.manifestSha256(), "alice", "test");
        return pkg;
    }

    DeliveryRecord await(SharePackage pkg, String destination, DeliveryStatus status, Duration timeout)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        DeliveryRecord last = null;
        while (Instant.now().isBefore(deadline)) {
            DeliveryRecord now = outbound.ledger().get(pkg.id(), pkg.manifestSha256(), destination).orElse(null);
            last = now;
            // Listeners hear of an outcome just after the ledger records it: wait for both.
            String event = status == DeliveryStatus.DELIVERED ? "delivered " : "dead ";
            if (now != null && now.status() == status && events(pkg.id()).stream()
                    .anyMatch(e -> e.startsWith(event) && e.contains(" attempt " + now.attempts()))) {
                return now;
            }
            Thread.sleep(50);
        }
        fail(pkg.id() + " to " + destination + " did not become " + status + " within " + timeout + "; last " + last
                + "; events " + events);
        return null;
    }

    /** Events of one package, in order. */
    List<String> events(String packageId) {
        List<String> out = new ArrayList<>();
        for (String e : events) {
            if (e.split(" ")[1].equals(packageId)) {
                out.add(e);
            }
        }
        return out;
    }

    double counter(String name, String... tags) {
        Counter c = metrics.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Override
    public void close() throws Exception {
        camel.close();
    }
}
