package io.distillery.dicom;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A transfer syntax as a registry entry (PS3.5 section 10 and Annex A): how the dataset is encoded and whether the
 * pixel data is encapsulated. Everything that depends on the transfer syntax asks this record, never a switch on
 * UID strings.
 */
public record TransferSyntax(String uid, String name, boolean explicitVR, boolean bigEndian, boolean deflated,
        boolean encapsulated, boolean lossy, boolean retired) {

    public static final TransferSyntax IMPLICIT_VR_LITTLE_ENDIAN =
            new TransferSyntax("1.2.840.10008.1.2", "Implicit VR Little Endian", false, false, false, false, false, false);
    public static final TransferSyntax EXPLICIT_VR_LITTLE_ENDIAN =
            new TransferSyntax("1.2.840.10008.1.2.1", "Explicit VR Little Endian", true, false, false, false, false, false);
    public static final TransferSyntax DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = new TransferSyntax("1.2.840.10008.1.2.1.99",
            "Deflated Explicit VR Little Endian", true, false, true, false, false, false);
    public static final TransferSyntax EXPLICIT_VR_BIG_ENDIAN =
            new TransferSyntax("1.2.840.10008.1.2.2", "Explicit VR Big Endian", true, true, false, false, false, true);
    /** PS3.5 A.4.11 (2023): each frame is one fragment holding the native little-endian frame, padded to even length. */
    public static final TransferSyntax ENCAPSULATED_UNCOMPRESSED_EXPLICIT_VR_LITTLE_ENDIAN = new TransferSyntax(
            "1.2.840.10008.1.2.1.98", "Encapsulated Uncompressed Explicit VR Little Endian", true, false, false, true,
            false, false);
    public static final TransferSyntax RLE_LOSSLESS = enc("1.2.840.10008.1.2.5", "RLE Lossless", false);

    private static final Map<String, TransferSyntax> REGISTRY = new LinkedHashMap<>();

    static {
        register(IMPLICIT_VR_LITTLE_ENDIAN);
        register(EXPLICIT_VR_LITTLE_ENDIAN);
        register(DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN);
        register(ENCAPSULATED_UNCOMPRESSED_EXPLICIT_VR_LITTLE_ENDIAN);
        register(EXPLICIT_VR_BIG_ENDIAN);
        register(new TransferSyntax("1.2.840.10008.1.2.8.1", "Deflated Image Frame Compression", true, false, false, true,
                false, false));
        register(enc("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)", true));
        register(enc("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)", true));
        register(retiredEnc("1.2.840.10008.1.2.4.52", "JPEG Extended (Process 3 & 5)", true));
        register(retiredEnc("1.2.840.10008.1.2.4.53", "JPEG Spectral Selection, Non-Hierarchical (Process 6 & 8)", true));
        register(retiredEnc("1.2.840.10008.1.2.4.54", "JPEG Spectral Selection, Non-Hierarchical (Process 7 & 9)", true));
        register(retiredEnc("1.2.840.10008.1.2.4.55", "JPEG Full Progression, Non-Hierarchical (Process 10 & 12)", true));
        register(retiredEnc("1.2.840.10008.1.2.4.56", "JPEG Full Progression, Non-Hierarchical (Process 11 & 13)", true));
        register(enc("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)", false));
        register(retiredEnc("1.2.840.10008.1.2.4.58", "JPEG Lossless, Non-Hierarchical (Process 15)", false));
        register(enc("1.2.840.10008.1.2.4.70",
                "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])", false));
        register(enc("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless Image Compression", false));
        register(enc("1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless) Image Compression", true));
        register(enc("1.2.840.10008.1.2.4.90", "JPEG 2000 Image Compression (Lossless Only)", false));
        register(enc("1.2.840.10008.1.2.4.91", "JPEG 2000 Image Compression", true));
        register(enc("1.2.840.10008.1.2.4.92", "JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)", false));
        register(enc("1.2.840.10008.1.2.4.93", "JPEG 2000 Part 2 Multi-component Image Compression", true));
        register(enc("1.2.840.10008.1.2.4.94", "JPIP Referenced", true));
        register(enc("1.2.840.10008.1.2.4.95", "JPIP Referenced Deflate", true));
        register(enc("1.2.840.10008.1.2.4.100", "MPEG2 Main Profile / Main Level", true));
        register(enc("1.2.840.10008.1.2.4.101", "MPEG2 Main Profile / High Level", true));
        register(enc("1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264 High Profile / Level 4.1", true));
        register(enc("1.2.840.10008.1.2.4.103", "MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1", true));
        register(enc("1.2.840.10008.1.2.4.104", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video", true));
        register(enc("1.2.840.10008.1.2.4.105", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video", true));
        register(enc("1.2.840.10008.1.2.4.106", "MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2", true));
        register(enc("1.2.840.10008.1.2.4.107", "HEVC/H.265 Main Profile / Level 5.1", true));
        register(enc("1.2.840.10008.1.2.4.108", "HEVC/H.265 Main 10 Profile / Level 5.1", true));
        register(enc("1.2.840.10008.1.2.4.110", "JPEG XL Lossless", false));
        register(enc("1.2.840.10008.1.2.4.111", "JPEG XL JPEG Recompression", true));
        register(enc("1.2.840.10008.1.2.4.112", "JPEG XL", true));
        register(enc("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Image Compression (Lossless Only)", false));
        register(enc("1.2.840.10008.1.2.4.202",
                "High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)", false));
        register(enc("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000 Image Compression", true));
        register(RLE_LOSSLESS);
    }

    private static TransferSyntax enc(String uid, String name, boolean lossy) {
        return new TransferSyntax(uid, name, true, false, false, true, lossy, false);
    }

    private static TransferSyntax retiredEnc(String uid, String name, boolean lossy) {
        return new TransferSyntax(uid, name, true, false, false, true, lossy, true);
    }

    private static void register(TransferSyntax ts) {
        REGISTRY.put(ts.uid, ts);
    }

    /** The registered transfer syntax for a UID. */
    public static Optional<TransferSyntax> lookup(String uid) {
        return Optional.ofNullable(REGISTRY.get(uid));
    }

    /** The registered transfer syntax, or a DicomException naming the unknown UID. */
    public static TransferSyntax of(String uid) {
        TransferSyntax ts = REGISTRY.get(uid);
        if (ts == null) {
            throw new DicomException("unknown transfer syntax " + DicomException.quote(uid));
        }
        return ts;
    }

    /** All registered transfer syntaxes, in registry order. */
    public static Iterable<TransferSyntax> all() {
        return REGISTRY.values();
    }

    @Override
    public String toString() {
        return name + " (" + uid + ")";
    }
}
