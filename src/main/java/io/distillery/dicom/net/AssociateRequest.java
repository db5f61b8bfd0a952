package io.distillery.dicom.net;

import java.util.List;

/** A-ASSOCIATE-RQ or, with each context's result set, A-ASSOCIATE-AC (PS3.8 9.3.2 and 9.3.3). */
public record AssociateRequest(String calledAet, String callingAet, String applicationContext,
        List<PresentationContext> contexts, UserInfo userInfo) {
    public static final String DICOM_APPLICATION_CONTEXT = "1.2.840.10008.3.1.1.1";

    public AssociateRequest {
        contexts = List.copyOf(contexts);
    }
}
