package io.distillery.dicom.net;

import io.distillery.dicom.DicomException;

/** A network-level failure: connection refused or lost, association rejected or aborted, protocol error. */
public class DicomNetworkException extends DicomException {
    private static final long serialVersionUID = 1L;

    public DicomNetworkException(String message) {
        super(message);
    }

    public DicomNetworkException(String message, Throwable cause) {
        super(message, cause);
    }
}
