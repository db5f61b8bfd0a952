package io.distillery.dicom.net;

/** How this implementation names itself in A-ASSOCIATE and in the file meta of the files it writes. */
public final class Implementation {
    /** A UUID-derived UID (PS3.5 B.2), fixed for this implementation. */
    public static final String CLASS_UID = "2.25.73898332008471274560011991768183215727";
    public static final String VERSION_NAME = "DISTILLERY_01";

    private Implementation() {
    }
}
