package io.distillery.dicom;

/**
 * Encapsulated Uncompressed Explicit VR Little Endian (1.2.840.10008.1.2.1.98, PS3.5 A.4.11): the native frames
 * unchanged, each in one fragment of its own (an odd-length frame padded with one zero byte), so that a frame can
 * be located and fetched alone as with compressed syntaxes. Converting to and from native Pixel Data copies the
 * stored bytes as they are (unused high bits included); only 1-bit multi-frame data is re-packed, because here
 * every frame starts on a byte boundary while native frames follow each other bit by bit.
 */
public final class EncapsulatedUncompressed {
    private EncapsulatedUncompressed() {
    }

    /** Bytes of one stored frame (before padding), from the dataset's Image Pixel module. */
    public static int frameBytes(Attributes dataset) {
        long rows = dataset.getInt(Tag.Rows, 0);
        long columns = dataset.getInt(Tag.Columns, 0);
        int samples = dataset.getInt(Tag.SamplesPerPixel, 1);
        int bitsAllocated = dataset.getInt(Tag.BitsAllocated, 0);
        if (rows <= 0 || columns <= 0 || samples <= 0
                || bitsAllocated != 1 && bitsAllocated != 8 && bitsAllocated != 16 && bitsAllocated != 32) {
            throw new DicomException("cannot size uncompressed frames: " + rows + " rows, " + columns + " columns, "
                    + samples + " samples per pixel, Bits Allocated " + bitsAllocated);
        }
        // YBR_FULL_422 stores two samples per pixel (a Y per pixel, a Cb/Cr pair per two pixels).
        long storedSamples = "YBR_FULL_422".equals(dataset.getString(Tag.PhotometricInterpretation))
                ? rows * columns * 2 : rows * columns * samples;
        return Math.toIntExact((storedSamples * bitsAllocated + 7) / 8);
    }

    /** A copy of {@code nativeDataset} whose Pixel Data is one fragment per frame, for writing in this syntax. */
    public static Attributes encapsulate(Attributes nativeDataset) {
        if (nativeDataset.getValue(Tag.PixelData) instanceof Fragments) {
            throw new DicomException("Pixel Data is already encapsulated");
        }
        byte[] stored = nativeDataset.getBytes(Tag.PixelData);
        int frames = nativeDataset.getInt(Tag.NumberOfFrames, 1);
        int frameBytes = frameBytes(nativeDataset);
        boolean bitPacked = nativeDataset.getInt(Tag.BitsAllocated, 0) == 1;
        long bitsPerFrame = bitsPerFrame(nativeDataset);
        long needed = bitPacked ? (bitsPerFrame * frames + 7) / 8 : (long) frameBytes * frames;
        if (stored == null || stored.length < needed) {
            throw new DicomException("native Pixel Data has " + (stored == null ? 0 : stored.length) + " bytes, "
                    + frames + " frames need " + needed);
        }
        Fragments fragments = new Fragments();
        fragments.add(new byte[0]);
        for (int i = 0; i < frames; i++) {
            byte[] frame = new byte[frameBytes + (frameBytes & 1)];
            if (bitPacked) {
                copyBits(stored, i * bitsPerFrame, frame, 0, bitsPerFrame);
            } else {
                System.arraycopy(stored, i * frameBytes, frame, 0, frameBytes);
            }
            fragments.add(frame);
        }
        Attributes out = nativeDataset.deepCopy();
        out.setValue(Tag.PixelData, nativeDataset.getVR(Tag.PixelData), fragments);
        return out;
    }

    /**
     * A copy of {@code dataset} (in this syntax) with native Pixel Data: the frames' stored bytes joined, in an
     * uncompressed syntax's layout (1-bit frames packed back to back; the whole value padded to even length).
     *
     * @throws DicomException when the fragments are not one per frame or a frame is shorter than the image needs
     */
    public static Attributes unwrap(Attributes dataset) {
        Fragments fragments = dataset.getFragments(Tag.PixelData);
        if (fragments == null) {
            throw new DicomException("transfer syntax 1.2.840.10008.1.2.1.98 requires encapsulated Pixel Data");
        }
        int frames = dataset.getInt(Tag.NumberOfFrames, 1);
        if (fragments.fragmentCount() != frames) {
            throw new DicomException("encapsulated uncompressed Pixel Data has " + fragments.fragmentCount()
                    + " fragments for " + frames + " frames (one fragment per frame required)");
        }
        int frameBytes = frameBytes(dataset);
        boolean bitPacked = dataset.getInt(Tag.BitsAllocated, 0) == 1;
        long bitsPerFrame = bitsPerFrame(dataset);
        long total = bitPacked ? (bitsPerFrame * frames + 7) / 8 : (long) frameBytes * frames;
        byte[] out = new byte[Math.toIntExact(total + (total & 1))];
        for (int i = 0; i < frames; i++) {
            byte[] frame = fragments.fragment(i);
            if (frame.length < frameBytes) {
                throw new DicomException("frame " + (i + 1) + " of " + frames + " has " + frame.length
                        + " bytes, the image needs " + frameBytes);
            }
            if (bitPacked) {
                copyBits(frame, 0, out, i * bitsPerFrame, bitsPerFrame);
            } else {
                System.arraycopy(frame, 0, out, i * frameBytes, frameBytes);
            }
        }
        Attributes result = dataset.deepCopy();
        VR vr = dataset.getInt(Tag.BitsAllocated, 0) > 8 ? VR.OW : VR.OB;
        result.setBytes(Tag.PixelData, vr, out);
        return result;
    }

    private static long bitsPerFrame(Attributes ds) {
        return (long) ds.getInt(Tag.Rows, 0) * ds.getInt(Tag.Columns, 0) * ds.getInt(Tag.SamplesPerPixel, 1);
    }

    /** Copies {@code count} bits, least significant bit first within each byte (PS3.5 8.1.1). */
    private static void copyBits(byte[] in, long inBit, byte[] out, long outBit, long count) {
        for (long k = 0; k < count; k++) {
            long from = inBit + k;
            long to = outBit + k;
            if ((in[(int) (from >>> 3)] >> (from & 7) & 1) != 0) {
                out[(int) (to >>> 3)] |= (byte) (1 << (to & 7));
            }
        }
    }
}
