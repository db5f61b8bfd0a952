package io.distillery.dicom.codec;

import io.distillery.dicom.DicomException;
import io.distillery.dicom.TransferSyntax;
import java.util.Map;
import java.util.Optional;

/**
 * Transfer syntax UID to pixel decoder. Native (uncompressed) syntaxes have no decoder; compressed syntaxes this
 * toolkit cannot decode are named (from the {@link TransferSyntax} registry) in the error, so the user knows which
 * file needs another tool.
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
        TransferSyntax ts = TransferSyntax.lookup(transferSyntaxUid).orElseThrow(
                () -> new DicomException("unknown transfer syntax " + transferSyntaxUid + ": no pixel decoder"));
        throw new DicomException(ts.encapsulated()
                ? "transfer syntax " + ts.uid() + " (" + ts.name() + ") is not supported: no pixel decoder"
                : "transfer syntax " + ts.uid() + " (" + ts.name() + ") is not compressed: no pixel decoder applies");
    }

    /** The RLE Lossless encoder, for transcoding to 1.2.840.10008.1.2.5. */
    public static RleCodec rle() {
        return RLE;
    }
}
