package io.distillery.dicom.net;

/** The peer answered A-ASSOCIATE-RQ with A-ASSOCIATE-RJ. */
public final class AssociationRejectedException extends DicomNetworkException {
    private static final long serialVersionUID = 1L;
    private final transient AssociateReject reject;

    public AssociationRejectedException(AssociateReject reject) {
        super("association rejected: " + reject.describe());
        this.reject = reject;
    }

    public AssociateReject reject() {
        return reject;
    }
}
