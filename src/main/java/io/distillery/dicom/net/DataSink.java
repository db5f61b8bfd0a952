package io.distillery.dicom.net;

/**
 * Where the dataset fragments of an incoming DIMSE message go as they arrive. A sink records its own write
 * failures instead of throwing, so that the association keeps reading the rest of the message and can answer it.
 */
public interface DataSink {
    void write(byte[] buffer, int offset, int length);

    /** The last fragment arrived; returns what the message carries as its data. */
    Object finish();

    /** The association ended before the last fragment: remove whatever was written. */
    void discard();
}
