package io.distillery.dicom;

/**
 * How this toolkit names itself in File Meta Information (0002,0012)/(0002,0013) and in association negotiation
 * (PS3.7 D.3.3.2). The class UID is a fixed UUID-derived UID under 2.25 (PS3.5 B.2), so no registered root is needed.
 */
public final class Implementation {
    public static final String CLASS_UID = "2.25.113230190332619691506618939252202586767";
    public static final String VERSION_NAME = "DISTILLERY_0.1";

    private Implementation() {
    }
}
