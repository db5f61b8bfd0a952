package io.distillery.dicom.codec;

import io.distillery.dicom.DicomException;
import java.util.Map;
import java.util.Optional;

/**
 * Transfer syntax UID to pixel decoder. Native (uncompressed) syntaxes have no decoder; compressed syntaxes this
 * toolkit cannot decode are named in the error so the user knows which file needs another tool.
 */
public final class Codecs {
    private static final FrameDecoder JPEG = new JpegDecoder();
    private static final RleCodec RLE = new RleCodec();
    private static final FrameDecoder JPEG_LS = new JpegLsDecoder();
    private static final FrameDecoder JPEG_2000 = new Jpeg2000Decoder();

    private static final Map<String, FrameDecoder> DECODERS = Map.ofEntries(
            Map.entry("1.2.840.10008.1.2.4.50", JPEG),
            Map.entry("1.2.840.10008.1.2.4.51", JPEG),
            Map.entry("1.2.840.10008.1.2.4.53", JPEG),
            Map.entry("1.2.840.10008.1.2.4.55", JPEG),
            Map.entry("1.2.840.10008.1.2.4.57", JPEG),
            Map.entry("1.2.840.10008.1.2.4.70", JPEG),
            Map.entry("1.2.840.10008.1.2.4.80", JPEG_LS),
            Map.entry("1.2.840.10008.1.2.4.81", JPEG_LS),
            Map.entry("1.2.840.10008.1.2.4.90", JPEG_2000),
            Map.entry("1.2.840.10008.1.2.4.91", JPEG_2000),
            Map.entry(RleCodec.TRANSFER_SYNTAX, RLE));

    /** Compressed syntaxes without a decoder here, by name, for the error message. */
    private static final Map<String, String> UNSUPPORTED = Map.ofEntries(
            Map.entry("1.2.840.10008.1.2.4.52", "JPEG Extended (Process 3 & 5) (Retired)"),
            Map.entry("1.2.840.10008.1.2.4.54", "JPEG Spectral Selection, Non-Hierarchical (Process 7 & 9) (Retired)"),
            Map.entry("1.2.840.10008.1.2.4.56", "JPEG Full Progression, Non-Hierarchical (Process 11 & 13) (Retired)"),
            Map.entry("1.2.840.10008.1.2.4.58", "JPEG Lossless, Non-Hierarchical (Process 15) (Retired)"),
            Map.entry("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Image Compression (Lossless Only)"),
            Map.entry("1.2.840.10008.1.2.4.202",
                    "High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)"),
            Map.entry("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000 Image Compression"),
            Map.entry("1.2.840.10008.1.2.4.110", "JPEG XL Lossless"),
            Map.entry("1.2.840.10008.1.2.4.111", "JPEG XL JPEG Recompression"),
            Map.entry("1.2.840.10008.1.2.4.112", "JPEG XL"),
            Map.entry("1.2.840.10008.1.2.4.94", "JPIP Referenced"),
            Map.entry("1.2.840.10008.1.2.4.95", "JPIP Referenced Deflate"),
            Map.entry("1.2.840.10008.1.2.4.100", "MPEG2 Main Profile / Main Level"),
            Map.entry("1.2.840.10008.1.2.4.101", "MPEG2 Main Profile / High Level"),
            Map.entry("1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264 High Profile / Level 4.1"),
            Map.entry("1.2.840.10008.1.2.4.103", "MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1"),
            Map.entry("1.2.840.10008.1.2.4.104", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video"),
            Map.entry("1.2.840.10008.1.2.4.105", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video"),
            Map.entry("1.2.840.10008.1.2.4.106", "MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2"),
            Map.entry("1.2.840.10008.1.2.4.107", "HEVC/H.265 Main Profile / Level 5.1"),
            Map.entry("1.2.840.10008.1.2.4.108", "HEVC/H.265 Main 10 Profile / Level 5.1"),
            Map.entry("1.2.840.10008.1.2.6.1", "RFC 2557 MIME encapsulation (Retired)"));

    private Codecs() {
    }

    /** The decoder for a compressed transfer syntax, or empty (native syntaxes, unsupported ones). */
    public static Optional<FrameDecoder> decoder(String transferSyntaxUid) {
        return Optional.ofNullable(DECODERS.get(transferSyntaxUid));
    }

    /**
     * The decoder for a transfer syntax.
     *
     * @throws DicomException naming the UID and, where known, its name, when there is no decoder for it
     */
    public static FrameDecoder requireDecoder(String transferSyntaxUid) {
        FrameDecoder decoder = DECODERS.get(transferSyntaxUid);
        if (decoder != null) {
            return decoder;
        }
        String name = UNSUPPORTED.get(transferSyntaxUid);
        throw new DicomException(name != null
                ? "transfer syntax " + transferSyntaxUid + " (" + name + ") is not supported: no pixel decoder"
                : "transfer syntax " + transferSyntaxUid + " has no pixel decoder (unknown or not compressed)");
    }

    /** The RLE Lossless encoder, for transcoding to 1.2.840.10008.1.2.5. */
    public static RleCodec rle() {
        return RLE;
    }
}
