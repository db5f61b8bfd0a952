package io.distillery.dicom.net;

/**
 * A-ASSOCIATE-RJ (PS3.8 9.3.4): result (1 permanent, 2 transient), source and reason, with constants for the
 * combinations this implementation sends.
 */
public record AssociateReject(int result, int source, int reason) {
    public static final int PERMANENT = 1;
    public static final int TRANSIENT = 2;
    public static final int SOURCE_SERVICE_USER = 1;
    public static final int SOURCE_ACSE = 2;
    public static final int SOURCE_PRESENTATION = 3;

    public static final AssociateReject NO_REASON = new AssociateReject(PERMANENT, SOURCE_SERVICE_USER, 1);
    public static final AssociateReject APPLICATION_CONTEXT_NOT_SUPPORTED =
            new AssociateReject(PERMANENT, SOURCE_SERVICE_USER, 2);
    public static final AssociateReject CALLING_AET_NOT_RECOGNIZED = new AssociateReject(PERMANENT, SOURCE_SERVICE_USER, 3);
    public static final AssociateReject CALLED_AET_NOT_RECOGNIZED = new AssociateReject(PERMANENT, SOURCE_SERVICE_USER, 7);
    public static final AssociateReject PROTOCOL_VERSION_NOT_SUPPORTED = new AssociateReject(PERMANENT, SOURCE_ACSE, 2);
    public static final AssociateReject LOCAL_LIMIT_EXCEEDED = new AssociateReject(TRANSIENT, SOURCE_PRESENTATION, 2);

    /** The reason in the words of PS3.8 9.3.4. */
    public String describe() {
        String r = switch (source) {
            case SOURCE_SERVICE_USER -> switch (reason) {
                case 1 -> "no-reason-given";
                case 2 -> "application-context-name-not-supported";
                case 3 -> "calling-AE-title-not-recognized";
                case 7 -> "called-AE-title-not-recognized";
                default -> "reason " + reason;
            };
            case SOURCE_ACSE -> reason == 2 ? "protocol-version-not-supported" : "no-reason-given";
            case SOURCE_PRESENTATION -> reason == 1 ? "temporary-congestion" : reason == 2 ? "local-limit-exceeded"
                    : "reason " + reason;
            default -> "source " + source + " reason " + reason;
        };
        return (result == PERMANENT ? "rejected-permanent" : result == TRANSIENT ? "rejected-transient" : "result " + result)
                + ", " + r;
    }
}
