package io.distillery.camel;

import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/** The {@code dicom:} component: {@code dicom:operation?options}, see {@link DicomEndpoint}. */
@Component("dicom")
public class DicomComponent extends DefaultComponent {

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        DicomOperation operation;
        try {
            operation = DicomOperation.valueOf(remaining);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown dicom operation '" + remaining
                    + "': expected one of scp, store, echo, find, move, get, qido, wado, stow", e);
        }
        DicomEndpoint endpoint = new DicomEndpoint(uri, this, operation);
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
