package io.distillery.dicom.codec;

import io.distillery.dicom.DicomException;
import java.io.ByteArrayOutputStream;

/**
 * RLE Lossless (1.2.840.10008.1.2.5), PS3.5 Annex G: a 64-byte header (segment count, then 15 offsets), one
 * PackBits segment per byte plane per sample, most significant byte plane first. Native form is little-endian,
 * colour-by-pixel. Hand-written: the format is a page of the standard and no Maven Central library does it
 * without pulling in a whole toolkit.
 */
public final class RleCodec implements FrameDecoder {
    static final String TRANSFER_SYNTAX = "1.2.840.10008.1.2.5";
    private static final int HEADER_LENGTH = 64;
    private static final int MAX_SEGMENTS = 15;

    @Override
    public DecodedFrame decode(byte[] frame, ImageDescriptor image) {
        int bytesPerSample = bytesPerSample(image);
        int samples = image.samplesPerPixel();
        int pixels = pixelCount(image);
        int segments = bytesPerSample * samples;
        if (frame.length < HEADER_LENGTH) {
            throw new DicomException("RLE frame of " + frame.length + " bytes is shorter than its 64-byte header");
        }
        int declared = readIntLE(frame, 0);
        if (declared != segments) {
            throw new DicomException("RLE header declares " + declared + " segments, expected " + segments + " for "
                    + samples + " samples of " + image.bitsAllocated() + " bits");
        }
        int[] offsets = new int[segments + 1];
        for (int i = 0; i < segments; i++) {
            long offset = readIntLE(frame, 4 + 4 * i) & 0xFFFFFFFFL;
            if (offset < HEADER_LENGTH || offset > frame.length || (i > 0 && offset < offsets[i - 1])) {
                throw new DicomException("RLE segment " + (i + 1) + " offset " + offset + " is outside the frame of "
                        + frame.length + " bytes or out of order");
            }
            offsets[i] = (int) offset;
        }
        offsets[segments] = frame.length;
        byte[] out = new byte[Math.multiplyExact(pixels, segments)];
        int pixelStride = segments;
        for (int s = 0; s < samples; s++) {
            for (int plane = 0; plane < bytesPerSample; plane++) {
                int segment = s * bytesPerSample + plane;
                // little-endian output: the most significant plane (plane 0) goes to the highest byte of the sample
                int firstByte = s * bytesPerSample + (bytesPerSample - 1 - plane);
                unpackSegment(frame, offsets[segment], offsets[segment + 1], out, firstByte, pixelStride, pixels,
                        segment + 1);
            }
        }
        return new DecodedFrame(out, image.photometricInterpretation());
    }

    private static void unpackSegment(byte[] in, int start, int end, byte[] out, int outPos, int stride, int count,
            int segmentNumber) {
        int produced = 0;
        int p = start;
        while (produced < count && p < end) {
            int n = in[p++];
            if (n >= 0) {
                int literal = n + 1;
                if (p + literal > end) {
                    throw new DicomException("RLE segment " + segmentNumber + " literal run passes the segment end");
                }
                int take = Math.min(literal, count - produced);
                for (int i = 0; i < take; i++) {
                    out[outPos] = in[p + i];
                    outPos += stride;
                }
                p += literal;
                produced += take;
            } else if (n != -128) {
                if (p >= end) {
                    throw new DicomException("RLE segment " + segmentNumber + " replicate run passes the segment end");
                }
                byte value = in[p++];
                int take = Math.min(1 - n, count - produced);
                for (int i = 0; i < take; i++) {
                    out[outPos] = value;
                    outPos += stride;
                }
                produced += take;
            }
        }
        if (produced < count) {
            throw new DicomException("RLE segment " + segmentNumber + " decodes to " + produced + " bytes, expected "
                    + count + " (truncated or corrupt)");
        }
    }

    /**
     * Encodes one native frame (little-endian, colour-by-pixel; colour-by-plane when the descriptor says
     * planarConfiguration 1) as an RLE Lossless frame. Each row is packed on its own as G.3.1 requires.
     */
    public byte[] encode(byte[] nativeFrame, ImageDescriptor image) {
        int bytesPerSample = bytesPerSample(image);
        int samples = image.samplesPerPixel();
        int pixels = pixelCount(image);
        int segments = bytesPerSample * samples;
        if ((long) pixels * segments != nativeFrame.length) {
            throw new DicomException("native frame has " + nativeFrame.length + " bytes, expected "
                    + (long) pixels * segments + " for " + image.rows() + "x" + image.columns() + "x" + samples + "x"
                    + image.bitsAllocated() + " bits");
        }
        boolean byPlane = image.planarConfiguration() == 1 && samples > 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream(nativeFrame.length / 2 + HEADER_LENGTH);
        byte[] header = new byte[HEADER_LENGTH];
        writeIntLE(header, 0, segments);
        out.writeBytes(header);
        int columns = image.columns();
        byte[] row = new byte[columns];
        for (int s = 0; s < samples; s++) {
            for (int plane = 0; plane < bytesPerSample; plane++) {
                writeIntLE(header, 4 + 4 * (s * bytesPerSample + plane), out.size());
                int byteInSample = bytesPerSample - 1 - plane;
                for (int y = 0; y < image.rows(); y++) {
                    for (int x = 0; x < columns; x++) {
                        int pixel = y * columns + x;
                        int pos = byPlane
                                ? (s * pixels + pixel) * bytesPerSample + byteInSample
                                : (pixel * samples + s) * bytesPerSample + byteInSample;
                        row[x] = nativeFrame[pos];
                    }
                    packRow(row, out);
                }
                if ((out.size() & 1) != 0) {
                    out.write(0); // segments have even length
                }
            }
        }
        byte[] encoded = out.toByteArray();
        System.arraycopy(header, 0, encoded, 0, HEADER_LENGTH);
        return encoded;
    }

    /** PackBits: runs of 3+ equal bytes become replicate runs, the rest literal runs; both at most 128 bytes. */
    private static void packRow(byte[] row, ByteArrayOutputStream out) {
        int n = row.length;
        int i = 0;
        while (i < n) {
            int run = 1;
            while (i + run < n && run < 128 && row[i + run] == row[i]) {
                run++;
            }
            if (run >= 3 || (run == 2 && i + 2 == n)) {
                out.write(1 - run);
                out.write(row[i]);
                i += run;
                continue;
            }
            int start = i;
            int length = 0;
            while (i < n && length < 128) {
                if (i + 2 < n && row[i] == row[i + 1] && row[i] == row[i + 2]) {
                    break;
                }
                i++;
                length++;
            }
            out.write(length - 1);
            out.write(row, start, length);
        }
    }

    private static int bytesPerSample(ImageDescriptor image) {
        int bits = image.bitsAllocated();
        if (bits != 8 && bits != 16 && bits != 32) {
            throw new DicomException("RLE Lossless supports 8, 16 or 32 bits allocated, not " + bits);
        }
        int samples = image.samplesPerPixel();
        if (samples < 1 || samples > 3 || bits / 8 * samples > MAX_SEGMENTS) {
            throw new DicomException("RLE Lossless supports 1 to 3 samples per pixel and at most 15 segments, not "
                    + samples + " samples of " + bits + " bits");
        }
        return bits / 8;
    }

    private static int pixelCount(ImageDescriptor image) {
        long pixels = (long) image.rows() * image.columns();
        if (image.rows() <= 0 || image.columns() <= 0 || pixels * image.samplesPerPixel() * 4 > Integer.MAX_VALUE) {
            throw new DicomException("unsupported image size " + image.rows() + "x" + image.columns());
        }
        return (int) pixels;
    }

    private static int readIntLE(byte[] b, int pos) {
        return (b[pos] & 0xFF) | (b[pos + 1] & 0xFF) << 8 | (b[pos + 2] & 0xFF) << 16 | (b[pos + 3] & 0xFF) << 24;
    }

    private static void writeIntLE(byte[] b, int pos, int value) {
        b[pos] = (byte) value;
        b[pos + 1] = (byte) (value >>> 8);
        b[pos + 2] = (byte) (value >>> 16);
        b[pos + 3] = (byte) (value >>> 24);
    }
}
