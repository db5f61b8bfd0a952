package io.distillery.dicom.codec;

import java.util.Map;

/** The JPEG-LS and JPEG 2000 decoders by transfer syntax UID, for {@code Codecs} to take into its map. */
public final class JpegLsAndJpeg2000Codecs {
    public static final String JPEG_LS_LOSSLESS = "1.2.840.10008.1.2.4.80";
    public static final String JPEG_LS_NEAR_LOSSLESS = "1.2.840.10008.1.2.4.81";
    public static final String JPEG_2000_LOSSLESS = "1.2.840.10008.1.2.4.90";
    public static final String JPEG_2000 = "1.2.840.10008.1.2.4.91";

    private JpegLsAndJpeg2000Codecs() {
    }

    /** Both decoders are stateless and thread-safe, so one instance each serves all callers. */
    public static void registerInto(Map<String, FrameDecoder> decoders) {
        FrameDecoder jpegLs = new JpegLsDecoder();
        FrameDecoder jpeg2000 = new Jpeg2000Decoder();
        decoders.put(JPEG_LS_LOSSLESS, jpegLs);
        decoders.put(JPEG_LS_NEAR_LOSSLESS, jpegLs);
        decoders.put(JPEG_2000_LOSSLESS, jpeg2000);
        decoders.put(JPEG_2000, jpeg2000);
    }
}
