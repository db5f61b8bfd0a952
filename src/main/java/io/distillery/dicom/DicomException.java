package io.distillery.dicom;

/**
 * The toolkit's one documented failure: malformed, truncated or unsupported DICOM input. Its message is
 * meant for a person and fits on one line (what is wrong and, where known, at which tag or offset).
 */
public class DicomException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DicomException(String message) {
        super(message);
    }

    public DicomException(String message, Throwable cause) {
        super(message, cause);
    }
}
