package io.distillery.dicom.net;

/**
 * Takes durable ownership of a spooled instance before the C-STORE-RSP is sent. Return a DIMSE status
 * ({@link Status#SUCCESS}, a warning, or a failure such as {@link Status#DUPLICATE_SOP_INSTANCE}); throwing means
 * failure 0x0110 and the sender will be told so. The spool file is deleted after this returns unless the handler
 * moved it away.
 */
@FunctionalInterface
public interface StorageHandler {
    int onStored(StoredInstance instance) throws Exception;

    /**
     * True when a {@link Status#SUCCESS} from {@link #onStored} always means the spool file was moved away, so the
     * service need not look for it afterwards (one system call less per instance).
     */
    default boolean movesFileOnSuccess() {
        return false;
    }
}
