package io.distillery.camel;

import io.distillery.dicom.DicomException;
import io.distillery.dicom.net.Status;
import io.distillery.dicom.net.StoreScu;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultProducer;

/**
 * C-STORE of the body's Part 10 file(s) to {@code remote}. Every instance's response status is checked: unless all
 * were answered success (or warning, with acceptWarnings), the exchange fails with a DicomException naming each
 * instance that was not stored. Results are in header DicomStoreResults either way.
 */
class DicomStoreProducer extends DefaultProducer {
    private final DicomEndpoint endpoint;

    DicomStoreProducer(DicomEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    public void process(Exchange exchange) {
        List<Path> files = DicomBodies.files(exchange);
        List<StoreScu.Result> results = StoreScu.store(endpoint.clientConfig(), endpoint.remoteAe(), files);
        List<StoreScu.Result> notStored = results.stream()
                .filter(r -> !(r.stored() || endpoint.isAcceptWarnings() && r.warning()))
                .collect(Collectors.toList());
        exchange.getMessage().setHeader(DicomConstants.STORE_RESULTS, results);
        exchange.getMessage().setHeader(DicomConstants.STORED_COUNT, results.size() - notStored.size());
        exchange.getMessage().setHeader(DicomConstants.STATUS, worst(results));
        if (!notStored.isEmpty()) {
            throw new DicomException(notStored.size() + " of " + results.size() + " instance(s) not stored by "
                    + endpoint.getRemote() + ": " + notStored.stream()
                            .map(r -> r.file().getFileName() + " " + r.describe()).collect(Collectors.joining("; ")));
        }
    }

    /** A failure beats a warning beats success; -1 when an instance was never answered. */
    private static int worst(List<StoreScu.Result> results) {
        int worst = Status.SUCCESS;
        for (StoreScu.Result r : results) {
            if (r.status() < 0 || Status.isFailure(r.status())) {
                return r.status();
            }
            if (Status.isWarning(r.status())) {
                worst = r.status();
            }
        }
        return worst;
    }
}
