package io.distillery.dicom.codec;

import io.distillery.dicom.DicomException;

/** Decompresses one encapsulated frame (all its fragments joined) of one transfer syntax. */
public interface FrameDecoder {
    /**
     * @param frame the compressed bitstream of one frame
     * @param image the dataset's Image Pixel description (the bitstream's own header wins where they disagree
     *     on sample precision or signedness, as dcmtk does, and the difference is not an error)
     * @throws DicomException when the bitstream is malformed or uses a feature the codec does not support
     */
    DecodedFrame decode(byte[] frame, ImageDescriptor image) throws DicomException;
}
