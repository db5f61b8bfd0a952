package io.distillery.dicom.net;

import io.distillery.dicom.Attributes;
import java.io.IOException;

/**
 * A DIMSE service provider (the SCP side of one or more SOP classes), registered in a {@link DimseServiceRegistry}
 * and called on the association's thread for each request it handles. It sends its response(s) itself.
 */
public interface DimseService extends AutoCloseable {
    boolean handles(int commandField, String sopClass);

    /** A streaming sink for the request's dataset, or null to receive it in memory (small identifiers). */
    default DataSink openDataSink(Association association, int pcid, Attributes command) {
        return null;
    }

    void onRequest(Association association, DimseMessage request) throws IOException;

    /** Releases what the service holds between requests; called when its server closes. */
    @Override
    default void close() {
    }
}
