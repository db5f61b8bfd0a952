package io.distillery.camel;

import io.distillery.dicom.DicomException;
import io.distillery.dicom.net.EchoScu;
import io.distillery.dicom.net.Status;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultProducer;

/** C-ECHO to {@code remote}: header DicomStatus; anything but success fails the exchange. */
class DicomEchoProducer extends DefaultProducer {
    private final DicomEndpoint endpoint;

    DicomEchoProducer(DicomEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    public void process(Exchange exchange) {
        int status = EchoScu.echo(endpoint.clientConfig(), endpoint.remoteAe());
        exchange.getMessage().setHeader(DicomConstants.STATUS, status);
        if (status != Status.SUCCESS) {
            throw new DicomException("C-ECHO to " + endpoint.getRemote() + " answered " + Status.toString(status));
        }
    }
}
