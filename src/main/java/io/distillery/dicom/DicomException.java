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

    /**
     * Input text made safe for a one-line message: control characters as \xNN, cut to 64 characters. Values from
     * a corrupt file can hold anything.
     */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length() && i < 64; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                sb.append(String.format("\\x%02X", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append(s.length() > 64 ? "...\"" : "\"").toString();
    }
}
