package io.distillery.dicom.net;

import io.distillery.dicom.SopClasses;
import java.io.IOException;

/** Verification SCP: answers C-ECHO-RQ with success. */
public final class VerificationService implements DimseService {
    @Override
    public boolean handles(int commandField, String sopClass) {
        return commandField == Dimse.C_ECHO_RQ && SopClasses.VERIFICATION.equals(sopClass);
    }

    @Override
    public void onRequest(Association association, DimseMessage request) throws IOException {
        association.send(request.pcid(), Dimse.response(request.command(), Status.SUCCESS, false), null);
    }
}
