package io.distillery.dicom.codec;

import com.github.jaiimageio.jpeg2000.impl.J2KImageReader;
import io.distillery.dicom.DicomException;
import java.awt.image.Raster;
import java.io.IOException;

/**
 * JPEG 2000 decoder for transfer syntaxes 1.2.840.10008.1.2.4.90 (lossless only) and .91 (lossy), built on
 * jai-imageio-jpeg2000 1.4.0 (JJ2000, pure Java, Maven Central): decoding EBCOT and wavelets by hand is not worth
 * the risk when a tested library exists. Part 2 multi-component (.92/.93) is not offered: JJ2000 implements
 * Part 1 only and would ignore Part 2 component transforms.
 *
 * <p>Known library defect: JJ2000 decodes pydicom's GDCMJ2K_TextGBR.dcm (lossless, RCT) wrongly in part of
 * one tile without reporting anything (jai-imageio-jpeg2000 issue 23, fix never released; OME's fork ome-jai
 * 0.1.4 has the same defect). All other corpus streams match gdcm/OpenJPEG exactly (lossless) or within
 * one (lossy, different 9/7 rounding). The test suite pins this defect so that a library change shows up.
 *
 * <p>Before handing the stream to the library it checks the main header itself: the image size and component
 * count must match the dataset (so a corrupt header cannot make the library allocate more than one frame), the
 * precision must fit Bits Allocated, and a raw codestream must end with its EOC marker. JJ2000 silently decodes a
 * truncated codestream with the missing data as zero, which for a lossless transfer syntax would lose pixels
 * without notice; the EOC check turns that into an error.
 *
 * <p>Accepts raw codestreams (FF4F FF51) and JP2-wrapped streams (some vendors wrap the codestream in a JP2
 * file, see ELSCINT1_JP2vsJ2K.dcm). Multi-component colour with the reversible (RCT) or irreversible (ICT)
 * component transform comes out as RGB, which the returned photometric interpretation says.
 *
 * <p>Signedness: the SIZ marker and the dataset's Pixel Representation sometimes disagree (Toshiba CT). The
 * sample bits are passed through unchanged, low {@code Bits Allocated} bits in two's complement, and the
 * dataset's Pixel Representation governs how they are read. This is byte-identical to gdcm's output for
 * TOSHIBA_J2K_SIZ0_PixRep1 / SIZ1_PixRep0 and gives the int16/uint16 pydicom reports for them in index.csv.
 *
 * <p>A new reader is created per call (JJ2000 readers are not thread-safe); the library keeps no other
 * per-decode state, so concurrent calls are safe.
 */
public final class Jpeg2000Decoder implements FrameDecoder {

    private static final int SOC = 0xFF4F;
    private static final int SIZ = 0xFF51;
    private static final int COD = 0xFF52;
    private static final int SOT = 0xFF90;
    private static final int SOD = 0xFF93;
    private static final int EOC = 0xFFD9;
    /** Far above any real image, but keeps a hostile tile grid from making the library loop for minutes. */
    private static final long MAX_TILES = 1 << 16;

    @Override
    public DecodedFrame decode(byte[] frame, ImageDescriptor image) {
        int codestream = codestreamStart(frame);
        MainHeader header = MainHeader.parse(frame, codestream, image);
        Raster raster;
        J2KImageReader reader = new J2KImageReader(null);
        try (StrictByteArrayImageInputStream in = new StrictByteArrayImageInputStream(frame)) {
            reader.setInput(in);
            raster = reader.readRaster(0, null);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (IOException | RuntimeException | Error e) {
            // JJ2000 reports some corrupt streams with plain java.lang.Error.
            throw new DicomException("JPEG 2000: cannot decode frame: " + oneLine(e), e);
        } finally {
            reader.dispose();
        }
        if (raster.getWidth() != image.columns() || raster.getHeight() != image.rows()
                || raster.getNumBands() != image.samplesPerPixel()) {
            throw new DicomException("JPEG 2000: decoded " + raster.getWidth() + "x" + raster.getHeight() + "x"
                    + raster.getNumBands() + " does not match the dataset");
        }
        byte[] out = toNative(raster, image);
        String photometric = header.componentTransform && image.samplesPerPixel() == 3 ? "RGB"
                : image.photometricInterpretation();
        return new DecodedFrame(out, photometric);
    }

    private static byte[] toNative(Raster raster, ImageDescriptor image) {
        int[] samples = raster.getPixels(raster.getMinX(), raster.getMinY(), raster.getWidth(), raster.getHeight(),
                (int[]) null);
        byte[] out = new byte[Math.toIntExact(image.nativeFrameLength())];
        if (image.bitsAllocated() == 8) {
            for (int i = 0; i < samples.length; i++) {
                out[i] = (byte) samples[i];
            }
        } else {
            for (int i = 0, o = 0; i < samples.length; i++, o += 2) {
                int v = samples[i];
                out[o] = (byte) v;
                out[o + 1] = (byte) (v >> 8);
            }
        }
        return out;
    }

    /**
     * Offset of the codestream: 0 for a raw one, or the contents of the JP2 contiguous codestream box. Checks
     * that the codestream ends with EOC (a trailing DICOM padding byte is allowed).
     */
    static int codestreamStart(byte[] frame) {
        if (frame.length >= 4 && u16(frame, 0) == SOC && u16(frame, 2) == SIZ) {
            requireEoc(frame, 0, frame.length);
            return 0;
        }
        if (frame.length >= 12 && u32(frame, 0) == 12 && u32(frame, 4) == 0x6A502020) {
            int p = 0;
            while (p + 8 <= frame.length) {
                long length = u32(frame, p);
                int type = (int) u32(frame, p + 4);
                int header = 8;
                if (length == 1 && p + 16 <= frame.length) {
                    length = (u32(frame, p + 8) << 32) | u32(frame, p + 12);
                    header = 16;
                } else if (length == 0) {
                    length = frame.length - p;
                }
                if (length < header || p + length > frame.length) {
                    throw new DicomException("JPEG 2000: JP2 box at offset " + p + " overruns the frame");
                }
                if (type == 0x6A703263) { // 'jp2c'
                    int start = p + header;
                    if (start + 4 > frame.length || u16(frame, start) != SOC || u16(frame, start + 2) != SIZ) {
                        throw new DicomException("JPEG 2000: JP2 codestream box does not hold a codestream");
                    }
                    requireEoc(frame, start, (int) (p + length));
                    return start;
                }
                p += (int) length;
            }
            throw new DicomException("JPEG 2000: JP2 file without a codestream box");
        }
        throw new DicomException("JPEG 2000: frame is neither a codestream (FF4F FF51) nor a JP2 file");
    }

    private static void requireEoc(byte[] frame, int start, int end) {
        // DICOM pads odd-length fragments with one zero byte; a few encoders add a little more zero padding.
        int e = end;
        while (e > start + 2 && end - e < 8 && frame[e - 1] == 0) {
            e--;
        }
        if (e - start < 4 || u16(frame, e - 2) != EOC) {
            throw new DicomException("JPEG 2000: codestream truncated (no EOC marker at its end)");
        }
    }

    /** What the decoder checks in the main header before decoding. */
    private record MainHeader(boolean componentTransform) {
        static MainHeader parse(byte[] f, int start, ImageDescriptor image) {
            int p = start + 2;
            int lsiz = u16(f, p + 2);
            if (p + 2 + lsiz > f.length || lsiz < 41) {
                throw new DicomException("JPEG 2000: SIZ marker truncated");
            }
            long xsiz = u32(f, p + 6);
            long ysiz = u32(f, p + 10);
            long xo = u32(f, p + 14);
            long yo = u32(f, p + 18);
            long xt = u32(f, p + 22);
            long yt = u32(f, p + 26);
            long xto = u32(f, p + 30);
            long yto = u32(f, p + 34);
            int components = u16(f, p + 38);
            if (xsiz - xo != image.columns() || ysiz - yo != image.rows() || xsiz <= xo || ysiz <= yo) {
                throw new DicomException("JPEG 2000: codestream is " + (xsiz - xo) + "x" + (ysiz - yo)
                        + " but the dataset says " + image.columns() + "x" + image.rows());
            }
            if (components != image.samplesPerPixel() || lsiz != 38 + 3 * components) {
                throw new DicomException("JPEG 2000: codestream has " + components
                        + " components but Samples per Pixel is " + image.samplesPerPixel());
            }
            if (xt == 0 || yt == 0 || xto > xo || yto > yo || xto + xt <= xo || yto + yt <= yo) {
                throw new DicomException("JPEG 2000: invalid tile grid in SIZ marker");
            }
            long tiles = ((xsiz - xto + xt - 1) / xt) * ((ysiz - yto + yt - 1) / yt);
            if (tiles > MAX_TILES) {
                throw new DicomException("JPEG 2000: " + tiles + " tiles is more than supported");
            }
            for (int c = 0; c < components; c++) {
                int ssiz = f[p + 40 + 3 * c] & 0xFF;
                int precision = (ssiz & 0x7F) + 1;
                if (precision > image.bitsAllocated() || image.bitsAllocated() != 8 && image.bitsAllocated() != 16) {
                    throw new DicomException("JPEG 2000: " + precision + "-bit component does not fit Bits Allocated "
                            + image.bitsAllocated());
                }
                if ((f[p + 41 + 3 * c] & 0xFF) != 1 || (f[p + 42 + 3 * c] & 0xFF) != 1) {
                    throw new DicomException("JPEG 2000: sub-sampled components are not supported");
                }
            }
            // COD follows SIZ somewhere in the main header, which ends at the first tile (SOT).
            boolean transform = false;
            p += 2 + lsiz;
            while (p + 4 <= f.length) {
                int marker = u16(f, p);
                if (marker == SOT) {
                    break;
                }
                if ((marker & 0xFF00) != 0xFF00) {
                    throw new DicomException("JPEG 2000: malformed main header at offset " + p);
                }
                int length = u16(f, p + 2);
                if (marker == COD && length >= 12 && p + 9 < f.length) {
                    transform = (f[p + 9] & 0xFF) != 0;
                }
                p += 2 + length;
            }
            checkTileParts(f, p);
            return new MainHeader(transform);
        }

        /**
         * Walks the tile-parts and rejects marker codes inside their bit streams. In valid data an FF byte is
         * followed by a byte below 0x90 or by SOP/EPH (T.800 A.1); JJ2000 loops forever on a run of FF bytes
         * in a packet header (its bit-unstuffing then never reads the next byte), so such streams must not
         * reach it.
         */
        private static void checkTileParts(byte[] f, int p) {
            while (p + 12 <= f.length && u16(f, p) == SOT) {
                long psot = u32(f, p + 6);
                int end = psot == 0 ? f.length : (int) Math.min(f.length, p + psot);
                if (psot != 0 && psot < 14) {
                    throw new DicomException("JPEG 2000: tile-part at offset " + p + " has bad length " + psot);
                }
                int q = p + 2 + u16(f, p + 2);
                while (q + 2 <= end && u16(f, q) != SOD) {
                    q += 2 + u16(f, q + 2);
                }
                for (int i = q + 2; i + 1 < end; i++) {
                    if (f[i] == (byte) 0xFF) {
                        int next = f[i + 1] & 0xFF;
                        if (next >= 0x90 && next != 0x91 && next != 0x92 && !(next == 0xD9 && i + 2 >= end - 8)) {
                            throw new DicomException("JPEG 2000: marker code FF" + String.format("%02X", next)
                                    + " inside tile data at offset " + i);
                        }
                    }
                }
                if (psot == 0) {
                    return;
                }
                p = end;
            }
        }
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s+", " ").trim();
    }

    private static int u16(byte[] b, int p) {
        if (p + 2 > b.length) {
            throw new DicomException("JPEG 2000: header truncated");
        }
        return (b[p] & 0xFF) << 8 | b[p + 1] & 0xFF;
    }

    private static long u32(byte[] b, int p) {
        return (long) u16(b, p) << 16 | u16(b, p + 2);
    }
}
