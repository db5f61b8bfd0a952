package io.distillery.dicom.codec;

/**
 * The Image Pixel module attributes a codec needs to interpret one frame, as read from the dataset.
 *
 * @param planarConfiguration 0 = colour-by-pixel, 1 = colour-by-plane (native data only)
 */
public record ImageDescriptor(int rows, int columns, int samplesPerPixel, int bitsAllocated, int bitsStored,
        int pixelRepresentation, String photometricInterpretation, int planarConfiguration, int frames) {

    /** Bytes of one frame in native form: rows * columns * samples * ceil(bitsAllocated / 8) (bit-packed for 1 bit). */
    public long nativeFrameLength() {
        long samples = (long) rows * columns * samplesPerPixel;
        return bitsAllocated == 1 ? (samples + 7) / 8 : samples * ((bitsAllocated + 7) / 8);
    }
}
