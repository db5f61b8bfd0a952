package io.distillery.dicom;

import io.distillery.dicom.codec.Codecs;
import io.distillery.dicom.codec.DecodedFrame;
import io.distillery.dicom.codec.EncapsulatedFrames;
import io.distillery.dicom.codec.FrameDecoder;
import io.distillery.dicom.codec.ImageDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The pixel data of a dataset as native frames: little-endian, colour-by-pixel, one sample per
 * {@link #bytesPerSample()} bytes, whatever the transfer syntax stored.
 *
 * <p>The values are the <em>stored pixel values</em> of PS3.3 C.7.6.3.1 (what dcmtk's and pydicom's decoders
 * return, before any Modality, VOI, Palette or Presentation LUT): for integer data the Bits Stored bits that end at
 * High Bit, shifted down to bit 0, with the unused high bits cleared (unsigned) or filled with the sign bit
 * (Pixel Representation 1). That drops whatever else a file keeps in the unused bits (retired overlay planes).
 * Further:
 * <ul>
 *   <li>1-bit data (SEG, overlays-as-pixels) is unpacked to one byte per pixel holding 0 or 1; frames of a
 *       multi-frame 1-bit image need not start on a byte boundary and are found by bit position;</li>
 *   <li>planar configuration 1 is interleaved to colour-by-pixel;</li>
 *   <li>native YBR_FULL_422 (two luma samples share one Cb/Cr pair) is expanded to one Y, Cb, Cr triple per pixel
 *       and reported as YBR_FULL; colour values themselves are not converted;</li>
 *   <li>compressed frames go through the transfer syntax's {@link FrameDecoder}; the decoder reports the colour
 *       space it produced (JPEG YBR and JPEG 2000 RCT/ICT come out as RGB, as dcmtk does);</li>
 *   <li>Float Pixel Data and Double Float Pixel Data are returned as 32/64-bit IEEE values.</li>
 * </ul>
 */
public final class PixelData {
    private static final String DEFLATED_IMAGE_FRAME = "1.2.840.10008.1.2.8.1";

    private final Attributes dataset;
    private final TransferSyntax transferSyntax;
    private final int pixelTag;
    private final ImageDescriptor image;
    private final int highBit;
    private byte[] nativeBytes;
    private List<byte[]> compressedFrames;

    private PixelData(Attributes dataset, TransferSyntax ts, int pixelTag, ImageDescriptor image, int highBit) {
        this.dataset = dataset;
        this.transferSyntax = ts;
        this.pixelTag = pixelTag;
        this.image = image;
        this.highBit = highBit;
    }

    /**
     * Reads the Image Pixel module of {@code dataset}.
     *
     * @throws DicomException when there is no pixel data, the module is inconsistent, or no decoder exists for the
     *     transfer syntax (the message names its UID and name)
     */
    public static PixelData of(Attributes dataset, TransferSyntax ts) {
        int tag = dataset.contains(Tag.PixelData) ? Tag.PixelData
                : dataset.contains(Tag.FloatPixelData) ? Tag.FloatPixelData
                : dataset.contains(Tag.DoubleFloatPixelData) ? Tag.DoubleFloatPixelData : -1;
        if (tag == -1) {
            throw new DicomException("no Pixel Data, Float Pixel Data or Double Float Pixel Data");
        }
        int rows = require(dataset, Tag.Rows);
        int columns = require(dataset, Tag.Columns);
        int samples = dataset.getInt(Tag.SamplesPerPixel, 1);
        int bitsAllocated = tag == Tag.FloatPixelData ? 32 : tag == Tag.DoubleFloatPixelData ? 64
                : require(dataset, Tag.BitsAllocated);
        boolean floating = tag != Tag.PixelData;
        int bitsStored = floating ? bitsAllocated : dataset.getInt(Tag.BitsStored, bitsAllocated);
        int highBit = floating ? bitsAllocated - 1 : dataset.getInt(Tag.HighBit, bitsStored - 1);
        int pixelRepresentation = floating ? 0 : dataset.getInt(Tag.PixelRepresentation, 0);
        int planar = dataset.getInt(Tag.PlanarConfiguration, 0);
        int frames = dataset.getInt(Tag.NumberOfFrames, 1);
        String photometric = dataset.getString(Tag.PhotometricInterpretation, samples == 1 ? "MONOCHROME2" : "RGB");
        if (rows <= 0 || columns <= 0 || samples <= 0 || frames <= 0) {
            throw new DicomException("bad image size: " + rows + " rows, " + columns + " columns, " + samples
                    + " samples per pixel, " + frames + " frames");
        }
        boolean validDepth = bitsAllocated == 1 || bitsAllocated == 8 || bitsAllocated == 16 || bitsAllocated == 32
                || (bitsAllocated == 64 && floating);
        if (!validDepth || bitsStored < 1 || bitsStored > bitsAllocated || highBit < bitsStored - 1
                || highBit >= bitsAllocated) {
            throw new DicomException("unsupported pixel layout: Bits Allocated " + bitsAllocated + ", Bits Stored "
                    + bitsStored + ", High Bit " + highBit);
        }
        if (ts.encapsulated() && !DEFLATED_IMAGE_FRAME.equals(ts.uid()) && !isEncapsulatedUncompressed(ts)
                && Codecs.decoder(ts.uid()).isEmpty()) {
            throw new DicomException("no pixel decoder for transfer syntax " + ts.uid() + " (" + ts.name() + ")");
        }
        ImageDescriptor image = new ImageDescriptor(rows, columns, samples, bitsAllocated, bitsStored,
                pixelRepresentation, photometric, planar, frames);
        return new PixelData(dataset, ts, tag, image, highBit);
    }

    private static boolean isEncapsulatedUncompressed(TransferSyntax ts) {
        return ts.equals(TransferSyntax.ENCAPSULATED_UNCOMPRESSED_EXPLICIT_VR_LITTLE_ENDIAN);
    }

    private static int require(Attributes ds, int tag) {
        int v = ds.getInt(tag, Integer.MIN_VALUE);
        if (v == Integer.MIN_VALUE) {
            throw new DicomException("missing " + ElementDictionary.keywordOf(tag) + " " + Tag.toString(tag));
        }
        return v;
    }

    /** The Image Pixel module as the dataset declares it. */
    public ImageDescriptor image() {
        return image;
    }

    public int frames() {
        return image.frames();
    }

    /** True for Float / Double Float Pixel Data. */
    public boolean isFloat() {
        return pixelTag != Tag.PixelData;
    }

    /** Bytes per output sample: 1 for 1- and 8-bit data, else Bits Allocated / 8. */
    public int bytesPerSample() {
        return image.bitsAllocated() == 1 ? 1 : image.bitsAllocated() / 8;
    }

    /** Bytes of one output frame. */
    public int frameLength() {
        return Math.multiplyExact(Math.multiplyExact(image.rows(), image.columns()),
                image.samplesPerPixel() * bytesPerSample());
    }

    /** The NumPy dtype of the output samples: |u1, |i1, &lt;u2, &lt;i2, &lt;u4, &lt;i4, &lt;f4 or &lt;f8. */
    public String numpyDtype() {
        if (isFloat()) {
            return image.bitsAllocated() == 32 ? "<f4" : "<f8";
        }
        boolean signed = image.pixelRepresentation() == 1 && image.bitsAllocated() != 1;
        int bytes = bytesPerSample();
        return (bytes == 1 ? "|" : "<") + (signed ? "i" : "u") + bytes;
    }

    /**
     * Frame {@code index} (0-based) in the native form of the class comment.
     *
     * @throws DicomException when the stored or compressed data is truncated or corrupt
     */
    public DecodedFrame frame(int index) {
        if (index < 0 || index >= image.frames()) {
            throw new IndexOutOfBoundsException("frame " + index + " of " + image.frames());
        }
        if (!transferSyntax.encapsulated()) {
            return nativeFrame(storedBytes(), index);
        }
        byte[] compressed = compressedFrames().get(index);
        if (DEFLATED_IMAGE_FRAME.equals(transferSyntax.uid())) {
            return nativeFrame(inflate(compressed, index), 0);
        }
        if (isEncapsulatedUncompressed(transferSyntax)) {
            // The fragment is the native frame itself (1-bit frames start on a byte boundary).
            return nativeFrame(compressed, 0);
        }
        FrameDecoder decoder = Codecs.decoder(transferSyntax.uid()).orElseThrow();
        DecodedFrame decoded = decoder.decode(compressed, image);
        byte[] data = decoded.data();
        int expected = frameLength();
        if (data.length < expected) {
            throw new DicomException("frame " + index + " decoded to " + data.length + " bytes, expected " + expected);
        }
        if (data.length > expected) {
            data = java.util.Arrays.copyOf(data, expected);
        }
        normaliseSamples(data, 0);
        return new DecodedFrame(data, decoded.photometricInterpretation());
    }

    private byte[] storedBytes() {
        if (nativeBytes == null) {
            Object value = dataset.getValue(pixelTag);
            if (value instanceof Fragments) {
                throw new DicomException("Pixel Data is encapsulated but the transfer syntax " + transferSyntax
                        + " is not");
            }
            byte[] b = dataset.getBytes(pixelTag);
            if (b == null) {
                throw new DicomException("Pixel Data is empty");
            }
            nativeBytes = b;
        }
        return nativeBytes;
    }

    private DecodedFrame nativeFrame(byte[] stored, int index) {
        String photometric = image.photometricInterpretation();
        int pixels = image.rows() * image.columns();
        int samples = image.samplesPerPixel();
        byte[] out;
        if (image.bitsAllocated() == 1) {
            long firstBit = (long) index * pixels * samples;
            long lastByte = (firstBit + (long) pixels * samples + 7) / 8;
            checkLength(stored, lastByte, index);
            out = new byte[pixels * samples];
            for (int i = 0; i < out.length; i++) {
                long bit = firstBit + i;
                out[i] = (byte) ((stored[(int) (bit >>> 3)] >> (bit & 7)) & 1);
            }
        } else if (samples == 3 && photometric.equals("YBR_FULL_422")) {
            int bps = bytesPerSample();
            long storedFrame = (long) pixels * 2 * bps;
            checkLength(stored, (index + 1) * storedFrame, index);
            out = expand422(stored, (int) (index * storedFrame), bps);
            photometric = "YBR_FULL";
        } else {
            int length = frameLength();
            long start = (long) index * length;
            checkLength(stored, start + length, index);
            out = new byte[length];
            if (samples > 1 && image.planarConfiguration() == 1) {
                interleave(stored, (int) start, out, samples, pixels, bytesPerSample());
            } else {
                System.arraycopy(stored, (int) start, out, 0, length);
            }
        }
        if (!isFloat()) {
            normaliseSamples(out, highBit - image.bitsStored() + 1);
        }
        return new DecodedFrame(out, photometric);
    }

    private void checkLength(byte[] stored, long needed, int index) {
        if (stored.length < needed) {
            throw new DicomException("Pixel Data has " + stored.length + " bytes, frame " + (index + 1) + " of "
                    + image.frames() + " needs " + needed);
        }
    }

    private static void interleave(byte[] in, int start, byte[] out, int samples, int pixels, int bps) {
        for (int s = 0; s < samples; s++) {
            int plane = start + s * pixels * bps;
            for (int p = 0; p < pixels; p++) {
                System.arraycopy(in, plane + p * bps, out, (p * samples + s) * bps, bps);
            }
        }
    }

    /** Y1 Y2 Cb Cr groups (PS3.3 C.7.6.3.1.2) to Y Cb Cr per pixel; an odd last column reuses its pair. */
    private byte[] expand422(byte[] in, int start, int bps) {
        int rows = image.rows();
        int cols = image.columns();
        byte[] out = new byte[rows * cols * 3 * bps];
        int pos = start;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c += 2) {
                int y1 = pos;
                int y2 = pos + bps;
                int cb = pos + 2 * bps;
                int cr = pos + 3 * bps;
                pos += 4 * bps;
                for (int k = 0; k < 2 && c + k < cols; k++) {
                    int o = ((r * cols) + c + k) * 3 * bps;
                    System.arraycopy(in, k == 0 ? y1 : y2, out, o, bps);
                    System.arraycopy(in, cb, out, o + bps, bps);
                    System.arraycopy(in, cr, out, o + 2 * bps, bps);
                }
            }
        }
        return out;
    }

    /** Shifts the stored bits to bit 0, clears or sign-fills the bits above Bits Stored. */
    private void normaliseSamples(byte[] data, int shift) {
        int bits = image.bitsAllocated();
        int stored = image.bitsStored();
        boolean signed = image.pixelRepresentation() == 1;
        if (bits == 1 || (stored == bits && shift == 0)) {
            return;
        }
        int bps = bits / 8;
        int unused = 32 - stored;
        for (int i = 0; i + bps <= data.length; i += bps) {
            int v = switch (bps) {
                case 1 -> data[i] & 0xFF;
                case 2 -> (data[i] & 0xFF) | (data[i + 1] & 0xFF) << 8;
                default -> (data[i] & 0xFF) | (data[i + 1] & 0xFF) << 8 | (data[i + 2] & 0xFF) << 16
                        | (data[i + 3] & 0xFF) << 24;
            };
            v = (v >>> shift) << unused;
            v = signed ? v >> unused : v >>> unused;
            data[i] = (byte) v;
            if (bps > 1) {
                data[i + 1] = (byte) (v >> 8);
            }
            if (bps > 2) {
                data[i + 2] = (byte) (v >> 16);
                data[i + 3] = (byte) (v >> 24);
            }
        }
    }

    private List<byte[]> compressedFrames() {
        if (compressedFrames == null) {
            Fragments frags = dataset.getFragments(pixelTag);
            if (frags == null) {
                throw new DicomException("transfer syntax " + transferSyntax + " requires encapsulated Pixel Data");
            }
            List<byte[]> fragments = new ArrayList<>(frags.fragmentCount());
            for (int i = 0; i < frags.fragmentCount(); i++) {
                fragments.add(frags.fragment(i));
            }
            byte[] eot = dataset.getBytes(Tag.ExtendedOffsetTable);
            byte[] eotLengths = dataset.getBytes(Tag.ExtendedOffsetTableLengths);
            compressedFrames = eot != null && eot.length > 0 && eotLengths != null
                    ? EncapsulatedFrames.framesByExtendedOffsetTable(fragments, eot, eotLengths, image.frames())
                    : EncapsulatedFrames.frames(frags.basicOffsetTable(), fragments, image.frames());
            if (compressedFrames.size() != image.frames()) {
                throw new DicomException("found " + compressedFrames.size() + " compressed frames, Number of Frames is "
                        + image.frames());
            }
        }
        return compressedFrames;
    }

    /** Deflated Image Frame Compression: each frame is the native frame, deflated (RFC 1951, no zlib header). */
    private byte[] inflate(byte[] compressed, int index) {
        long length = image.bitsAllocated() == 1
                ? ((long) image.rows() * image.columns() * image.samplesPerPixel() + 7) / 8
                : (long) frameLength();
        byte[] out = new byte[(int) length];
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(compressed);
            int n = 0;
            while (n < out.length && !inflater.finished()) {
                int got = inflater.inflate(out, n, out.length - n);
                if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                n += got;
            }
            if (n < out.length) {
                throw new DicomException("deflated frame " + (index + 1) + " inflates to " + n + " bytes, expected "
                        + out.length);
            }
            return out;
        } catch (DataFormatException e) {
            throw new DicomException("deflated frame " + (index + 1) + " is corrupt: " + e.getMessage());
        } finally {
            inflater.end();
        }
    }
}
