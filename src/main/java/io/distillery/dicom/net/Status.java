package io.distillery.dicom.net;

/** DIMSE status codes (PS3.7 annex C and PS3.4) and their classes. */
public final class Status {
    public static final int SUCCESS = 0x0000;
    public static final int PENDING = 0xFF00;
    public static final int PENDING_WARNING = 0xFF01;
    public static final int CANCEL = 0xFE00;
    public static final int OUT_OF_RESOURCES = 0xA700;
    public static final int OUT_OF_RESOURCES_SUBOPERATIONS = 0xA702;
    public static final int MOVE_DESTINATION_UNKNOWN = 0xA801;
    public static final int DATASET_DOES_NOT_MATCH_SOP_CLASS = 0xA900;
    public static final int CANNOT_UNDERSTAND = 0xC000;
    public static final int PROCESSING_FAILURE = 0x0110;
    public static final int DUPLICATE_SOP_INSTANCE = 0x0111;
    public static final int NO_SUCH_SOP_CLASS = 0x0118;
    public static final int SOP_CLASS_NOT_SUPPORTED = 0x0122;
    public static final int WARNING_COERCION = 0xB000;
    public static final int WARNING_SUBOPERATIONS = 0xB000;
    public static final int WARNING_ELEMENTS_DISCARDED = 0xB006;
    public static final int WARNING_DATASET_DOES_NOT_MATCH = 0xB007;

    private Status() {
    }

    public static boolean isPending(int status) {
        return status == PENDING || status == PENDING_WARNING;
    }

    public static boolean isSuccess(int status) {
        return status == SUCCESS;
    }

    /** Warning statuses: 0001, Bxxx, and 0107/0116 of PS3.7 C. */
    public static boolean isWarning(int status) {
        return status == 0x0001 || (status & 0xF000) == 0xB000 || status == 0x0107 || status == 0x0116;
    }

    public static boolean isFailure(int status) {
        return !isSuccess(status) && !isWarning(status) && !isPending(status) && status != CANCEL;
    }

    public static String toString(int status) {
        String kind = isSuccess(status) ? "success" : isPending(status) ? "pending" : isWarning(status) ? "warning"
                : status == CANCEL ? "cancel" : "failure";
        return String.format("%s (0x%04X)", kind, status);
    }
}
