package io.distillery.camel;

import io.distillery.dicom.Attributes;
import io.distillery.dicom.net.QueryRetrieveScu;
import io.distillery.dicom.net.Status;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultProducer;

/**
 * C-FIND on {@code remote}: the body becomes the {@code List<Attributes>} of matches (one per pending response),
 * header DicomResultCount their number. A failure status or a broken association fails the exchange.
 */
class DicomFindProducer extends DefaultProducer {
    private final DicomEndpoint endpoint;

    DicomFindProducer(DicomEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    public void process(Exchange exchange) {
        List<Attributes> matches = QueryRetrieveScu.find(endpoint.clientConfig(), endpoint.remoteAe(),
                QueryRetrieveScu.Model.valueOf(endpoint.getModel()), DicomQueryKeys.identifier(endpoint, exchange));
        exchange.getMessage().setBody(matches);
        exchange.getMessage().setHeader(DicomConstants.RESULT_COUNT, matches.size());
        exchange.getMessage().setHeader(DicomConstants.STATUS, Status.SUCCESS);
    }
}
