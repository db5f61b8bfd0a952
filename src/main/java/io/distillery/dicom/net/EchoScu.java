package io.distillery.dicom.net;

import io.distillery.dicom.SopClasses;
import java.io.IOException;
import java.util.List;

/** Verification SCU: one C-ECHO on a fresh association. */
public final class EchoScu {
    private EchoScu() {
    }

    /** Returns the C-ECHO-RSP status; connection, rejection and abort are {@link DicomNetworkException}s. */
    public static int echo(ClientConfig config, RemoteAe remote) {
        Association as = Association.connect(config, remote,
                List.of(PresentationContext.proposed(1, SopClasses.VERIFICATION, TransferCapability.UNCOMPRESSED)),
                List.of(), new DimseServiceRegistry());
        try {
            int pcid = as.findContext(SopClasses.VERIFICATION);
            if (pcid < 0) {
                throw new DicomNetworkException(remote + " does not accept the Verification SOP class");
            }
            DimseMessage rsp = as.invoke(pcid, Dimse.request(Dimse.C_ECHO_RQ, SopClasses.VERIFICATION, as.nextMessageId(),
                    false), null, null);
            return rsp.status();
        } catch (IOException e) {
            throw new DicomNetworkException("C-ECHO to " + remote + " failed: " + Association.describe(e), e);
        } finally {
            as.release();
        }
    }
}
