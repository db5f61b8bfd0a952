package io.distillery.dicom;

import java.util.HashMap;
import java.util.Map;

/**
 * Value Representations of PS3.5 section 6.2, with what encoding needs to know about each: the explicit-VR header
 * form, the padding byte, and how values are held in an {@link Attributes} container.
 */
public enum VR {
    AE(Kind.STRING, false, ' ', 0), AS(Kind.STRING, false, ' ', 0), AT(Kind.BINARY, false, 0, 4),
    CS(Kind.STRING, false, ' ', 0), DA(Kind.STRING, false, ' ', 0), DS(Kind.STRING, false, ' ', 0),
    DT(Kind.STRING, false, ' ', 0), FL(Kind.BINARY, false, 0, 4), FD(Kind.BINARY, false, 0, 8),
    IS(Kind.STRING, false, ' ', 0), LO(Kind.TEXT_MULTI, false, ' ', 0), LT(Kind.TEXT, false, ' ', 0),
    OB(Kind.BULK, true, 0, 1), OD(Kind.BULK, true, 0, 8), OF(Kind.BULK, true, 0, 4), OL(Kind.BULK, true, 0, 4),
    OV(Kind.BULK, true, 0, 8), OW(Kind.BULK, true, 0, 2), PN(Kind.TEXT_MULTI, false, ' ', 0),
    SH(Kind.TEXT_MULTI, false, ' ', 0), SL(Kind.BINARY, false, 0, 4), SQ(Kind.SEQUENCE, true, 0, 0),
    SS(Kind.BINARY, false, 0, 2), ST(Kind.TEXT, false, ' ', 0), SV(Kind.BINARY, true, 0, 8),
    TM(Kind.STRING, false, ' ', 0), UC(Kind.TEXT_MULTI, true, ' ', 0), UI(Kind.STRING, false, 0, 0),
    UL(Kind.BINARY, false, 0, 4), UN(Kind.BULK, true, 0, 1), UR(Kind.STRING, true, ' ', 0),
    US(Kind.BINARY, false, 0, 2), UT(Kind.TEXT, true, ' ', 0), UV(Kind.BINARY, true, 0, 8);

    /** How values of a VR are held: decoded strings, little-endian bytes, or nested items. */
    public enum Kind {
        /** Backslash-separated string values in the default repertoire (no Specific Character Set applies). */
        STRING,
        /** Backslash-separated strings decoded with the Specific Character Set (LO, PN, SH, UC). */
        TEXT_MULTI,
        /** A single free-text value decoded with the Specific Character Set; backslash is not a separator. */
        TEXT,
        /** Fixed-size binary numbers, held little-endian. */
        BINARY,
        /** Other-byte/word/... bulk values, held little-endian or by reference. */
        BULK,
        /** A sequence of items. */
        SEQUENCE
    }

    private static final Map<Integer, VR> BY_CODE = new HashMap<>();

    static {
        for (VR vr : values()) {
            BY_CODE.put(vr.code, vr);
        }
    }

    private final Kind kind;
    private final boolean longHeader;
    private final int padding;
    private final int bytesPerValue;
    private final int code;

    VR(Kind kind, boolean longHeader, int padding, int bytesPerValue) {
        this.kind = kind;
        this.longHeader = longHeader;
        this.padding = padding;
        this.bytesPerValue = bytesPerValue;
        this.code = (name().charAt(0) << 8) | name().charAt(1);
    }

    public Kind kind() {
        return kind;
    }

    /** True when the explicit-VR header has 2 reserved bytes and a 32-bit length (PS3.5 7.1.2). */
    public boolean hasLongHeader() {
        return longHeader;
    }

    /** Byte used to pad a value to even length. */
    public int paddingByte() {
        return padding;
    }

    /** Size of one value for fixed-size binary VRs and the swap unit for bulk VRs; 0 for strings and SQ. */
    public int bytesPerValue() {
        return bytesPerValue;
    }

    /** The two-character code as a 16-bit number, as it appears in an explicit-VR header. */
    public int code() {
        return code;
    }

    public boolean isStringLike() {
        return kind == Kind.STRING || kind == Kind.TEXT_MULTI || kind == Kind.TEXT;
    }

    /** True for string VRs whose bytes are decoded with the dataset's Specific Character Set. */
    public boolean usesSpecificCharacterSet() {
        return kind == Kind.TEXT_MULTI || kind == Kind.TEXT;
    }

    /** The VR for a two-byte header code, or null if the code is not a VR (a corrupt or unknown header). */
    public static VR ofCode(int code) {
        return BY_CODE.get(code);
    }
}
