package io.distillery.gateway;

import io.distillery.deid.DeidConfig;
import io.distillery.deid.Deidentifier;
import io.distillery.ingest.IngestPipeline;
import io.distillery.labels.CsvManifestRule;
import io.distillery.labels.Labeller;
import io.distillery.store.JdbcSampleStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.eclipse.microprofile.config.Config;

/**
 * The {@code ingest} bean of the YAML routes: the gateway's {@link IngestPipeline}, built from its configuration,
 * run per exchange by {@link RouteIngest} (route options as exchange properties, outcome in headers). Any exception
 * propagates, so the dicom:scp consumer answers the C-STORE with a failure and the modality keeps the instance.
 * {@link Startup} builds it at boot, so a missing secret or manifest, or an invalid option, stops the start
 * instead of the first association.
 */
@Startup
@ApplicationScoped
@Named("ingest")
public class IngestProcessor implements Processor {
    private final JdbcSampleStore store;
    private final RouteIngest step;
    private final MeterRegistry registry;
    private final GatewayMetrics metrics;
    private final IngestAudit audit;

    @Inject
    public IngestProcessor(GatewayConfig.Store storeConfig, GatewayConfig.Labels labels,
            GatewayConfig.Normalize normalize, GatewayConfig.Deid deidConfig, Config mpConfig, JdbcSampleStore store,
            MeterRegistry registry, GatewayMetrics metrics, IngestAudit audit) {
        this.store = store;
        this.registry = registry;
        this.metrics = metrics;
        this.audit = audit;
        // The secret is read through MicroProfile Config under the variable's own name: its environment source
        // resolves the real variable in production; tests supply the same name as a config override.
        String var = deidConfig.secretEnv();
        Map<String, String> env = mpConfig.getOptionalValue(var, String.class).map(v -> Map.of(var, v)).orElse(Map.of());
        Deidentifier deid = new Deidentifier(GlobalIngestOptions.deid(deidConfig,
                DeidConfig.of(DeidConfig.secretFromEnvironment(env, var), Set.of())));
        Labeller labeller;
        try {
            labeller = new Labeller(List.of(CsvManifestRule.load(Path.of(labels.csv()),
                    CsvManifestRule.Key.valueOf(labels.key()), labels.keyColumn(),
                    labels.labelColumn())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read label manifest distillery.labels.csv=" + labels.csv()
                    + ": " + e.getMessage(), e);
        }
        Path dir = Path.of(storeConfig.dir());
        step = new RouteIngest(new IngestPipeline(labeller, deid, GlobalIngestOptions.normalize(normalize), store,
                dir.resolve("quarantine"), dir.resolve("parked"), "dicom:scp"));
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Path file = exchange.getMessage().getMandatoryBody(File.class).toPath();
        registry.counter("distillery.bytes.received").increment(Files.size(file));
        try {
            step.process(exchange);
        } catch (Exception e) {
            registry.counter("distillery.instances.received", "outcome", "FAILED").increment();
            audit.count(exchange.getMessage(), "FAILED");
            throw e;
        }
        String outcome = exchange.getMessage().getHeader(RouteIngest.OUTCOME, String.class);
        registry.counter("distillery.instances.received", "outcome", outcome).increment();
        audit.count(exchange.getMessage(), outcome);
        if (IngestPipeline.Status.STORED.name().equals(outcome)) {
            metrics.sampleLabel(exchange.getMessage().getHeader(RouteIngest.LABEL, String.class));
        }
    }

    /** The store the routes write to (for health checks and tests). */
    public JdbcSampleStore store() {
        return store;
    }
}
