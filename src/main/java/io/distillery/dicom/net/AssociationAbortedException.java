package io.distillery.dicom.net;

/** The peer sent A-ABORT. */
public final class AssociationAbortedException extends DicomNetworkException {
    private static final long serialVersionUID = 1L;

    public AssociationAbortedException(String message) {
        super(message);
    }
}
