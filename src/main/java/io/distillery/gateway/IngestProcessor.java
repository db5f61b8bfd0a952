package io.distillery.gateway;

import io.distillery.deid.DeidConfig;
import io.distillery.deid.Deidentifier;
import io.distillery.imaging.NormalizeOptions;
import io.distillery.ingest.IngestPipeline;
import io.distillery.labels.CsvManifestRule;
import io.distillery.labels.Labeller;
import io.distillery.store.JdbcSampleStore;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.io.UncheckedIOException;
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

    @Inject
    public IngestProcessor(GatewayConfig config, Config mpConfig, JdbcSampleStore store) {
        this.store = store;
        // The secret is read through MicroProfile Config under the variable's own name: its environment source
        // resolves the real variable in production; tests supply the same name as a config override.
        String var = config.deid().secretEnv();
        Map<String, String> env = mpConfig.getOptionalValue(var, String.class).map(v -> Map.of(var, v)).orElse(Map.of());
        Deidentifier deid = new Deidentifier(GlobalIngestOptions.deid(config.deid(),
                DeidConfig.of(DeidConfig.secretFromEnvironment(env, var), Set.of())));
        Labeller labeller;
        try {
            labeller = new Labeller(List.of(CsvManifestRule.load(Path.of(config.labels().csv()),
                    CsvManifestRule.Key.valueOf(config.labels().key()), config.labels().keyColumn(),
                    config.labels().labelColumn())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read label manifest distillery.labels.csv=" + config.labels().csv()
                    + ": " + e.getMessage(), e);
        }
        NormalizeOptions normalize = GlobalIngestOptions.normalize(config.normalize());
        Path dir = Path.of(config.store().dir());
        step = new RouteIngest(new IngestPipeline(labeller, deid, normalize, store,
                dir.resolve("quarantine"), dir.resolve("parked"), "dicom:scp"));
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        step.process(exchange);
    }

    /** The store the routes write to (for health checks and tests). */
    public JdbcSampleStore store() {
        return store;
    }
}
