package io.distillery.gateway;

import io.distillery.ingest.IngestPipeline;
import java.io.File;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * What the {@code ingest} bean does with one exchange: runs {@link IngestPipeline} on the received file with the
 * route's options ({@link IngestRouteOptions}) and records the outcome in headers. Any exception propagates, so a
 * dicom:scp consumer answers the C-STORE with a failure and the modality keeps the instance.
 */
public final class RouteIngest implements Processor {
    public static final String OUTCOME = "DistilleryOutcome";
    public static final String SAMPLE_KEY = "DistillerySampleKey";
    public static final String LABEL = "DistilleryLabel";

    private final IngestPipeline pipeline;
    private final IngestRouteOptions options;

    /** Route options default to the pipeline's own normalisation and de-identifier. */
    public RouteIngest(IngestPipeline pipeline) {
        this.pipeline = pipeline;
        this.options = new IngestRouteOptions(pipeline.normalizeOptions(), pipeline.deidentifier());
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        IngestPipeline.Outcome outcome = pipeline.ingest(exchange.getMessage().getMandatoryBody(File.class).toPath(),
                exchange.getMessage().getHeaders(), options.normalize(exchange), options.deidentifier(exchange));
        exchange.getMessage().setHeader(OUTCOME, outcome.status().name());
        exchange.getMessage().setHeader(SAMPLE_KEY, outcome.key());
        exchange.getMessage().setHeader(LABEL, outcome.label());
    }
}
