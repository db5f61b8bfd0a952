package io.distillery.dicom.codec;

import io.distillery.dicom.DicomException;

/**
 * JPEG-LS decoder (ITU-T T.87 / ISO 14495-1) for transfer syntaxes 1.2.840.10008.1.2.4.80 (lossless) and
 * 1.2.840.10008.1.2.4.81 (near-lossless).
 *
 * <p>Hand-written because Maven Central has no maintained pure-Java JPEG-LS decoder (CharLS and its bindings are
 * native). The structure follows the standard's Annex A and CharLS: regular mode with context modelling and
 * limited-length Golomb codes, run mode with run-interruption contexts, NEAR quantisation, interleave modes 0
 * (one scan per component), 1 (line) and 2 (sample), 2-16 bit precision, preset parameters from an LSE marker
 * and restart markers. Not supported (reported as {@link DicomException}): mapping tables, point transform,
 * sub-sampled components, the HP colour transforms of CharLS's non-standard APP8 marker.
 *
 * <p>Output: samples as the codestream stores them (JPEG-LS has no sign; signed DICOM data comes out as its
 * two's-complement bit pattern of Bits Stored width, as dcmtk's dcmdjpls writes it), little-endian, colour-by-pixel.
 * Stateless and thread-safe.
 */
public final class JpegLsDecoder implements FrameDecoder {

    private static final int SOI = 0xD8;
    private static final int EOI = 0xD9;
    private static final int SOF55 = 0xF7;
    private static final int LSE = 0xF8;
    private static final int SOS = 0xDA;
    private static final int DRI = 0xDD;
    private static final int APP8 = 0xE8;

    @Override
    public DecodedFrame decode(byte[] frame, ImageDescriptor image) {
        try {
            return new FrameParser(frame, image).parse();
        } catch (DicomException e) {
            throw e;
        } catch (RuntimeException e) {
            // A decoder bug must still surface as the toolkit's exception, with the cause kept for diagnosis.
            throw new DicomException("JPEG-LS: malformed bitstream (" + e + ")", e);
        }
    }

    /** Walks the marker segments of one JPEG-LS image and decodes its scans into the output buffer. */
    private static final class FrameParser {
        private final byte[] data;
        private final ImageDescriptor image;
        private int pos;

        private int precision;
        private int width;
        private int height;
        private int[] componentIds;
        private byte[] out;
        private int bytesPerSample;
        private int restartInterval;
        private final Presets presets = new Presets();
        private int componentsDecoded;

        FrameParser(byte[] data, ImageDescriptor image) {
            this.data = data;
            this.image = image;
        }

        DecodedFrame parse() {
            if (data.length < 4 || (data[0] & 0xFF) != 0xFF || (data[1] & 0xFF) != SOI) {
                throw new DicomException("JPEG-LS: bitstream does not start with an SOI marker");
            }
            pos = 2;
            while (true) {
                int marker = nextMarker();
                if (marker == EOI) {
                    break;
                }
                int length = u16(pos);
                if (length < 2 || pos + length > data.length) {
                    throw new DicomException("JPEG-LS: marker segment FF" + hex(marker) + " at offset " + (pos - 2)
                            + " has bad length " + length);
                }
                int segment = pos + 2;
                int end = pos + length;
                switch (marker) {
                    case SOF55 -> readFrameHeader(segment, end);
                    case LSE -> readPresets(segment, end);
                    case DRI -> restartInterval = u16(segment);
                    case APP8 -> checkNoColourTransform(segment, end);
                    case SOS -> {
                        pos = end;
                        readScan(segment, end);
                        continue;
                    }
                    default -> {
                        if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xCC && marker != 0xC8) {
                            throw new DicomException("JPEG-LS: found JPEG frame marker FF" + hex(marker)
                                    + " instead of a JPEG-LS (SOF55) frame");
                        }
                        // APPn, COM and other segments carry nothing the decoder needs.
                    }
                }
                pos = end;
            }
            if (out == null) {
                throw new DicomException("JPEG-LS: no frame header (SOF55) before end of image");
            }
            if (componentsDecoded < componentIds.length) {
                throw new DicomException("JPEG-LS: only " + componentsDecoded + " of " + componentIds.length
                        + " components have a scan");
            }
            // JPEG-LS applies no colour transform, so the samples are what the dataset says they are.
            return new DecodedFrame(out, image.photometricInterpretation());
        }

        /** Finds the next marker, tolerating fill bytes, and leaves pos after it. */
        private int nextMarker() {
            while (pos + 1 < data.length) {
                if ((data[pos] & 0xFF) == 0xFF && (data[pos + 1] & 0xFF) != 0xFF && (data[pos + 1] & 0xFF) != 0) {
                    int marker = data[pos + 1] & 0xFF;
                    pos += 2;
                    return marker;
                }
                if ((data[pos] & 0xFF) != 0xFF) {
                    throw new DicomException("JPEG-LS: expected a marker at offset " + pos);
                }
                pos++;
            }
            throw new DicomException("JPEG-LS: bitstream truncated (no EOI marker)");
        }

        private void readFrameHeader(int p, int end) {
            if (out != null) {
                throw new DicomException("JPEG-LS: more than one frame header");
            }
            if (end - p < 6) {
                throw new DicomException("JPEG-LS: frame header too short");
            }
            precision = data[p] & 0xFF;
            height = u16(p + 1);
            width = u16(p + 3);
            int components = data[p + 5] & 0xFF;
            if (precision < 2 || precision > 16) {
                throw new DicomException("JPEG-LS: sample precision " + precision + " outside 2..16");
            }
            if (height == 0) {
                throw new DicomException("JPEG-LS: image height defined by a DNL marker is not supported");
            }
            if (height != image.rows() || width != image.columns()) {
                throw new DicomException("JPEG-LS: frame is " + width + "x" + height + " but the dataset says "
                        + image.columns() + "x" + image.rows());
            }
            if (components != image.samplesPerPixel()) {
                throw new DicomException("JPEG-LS: frame has " + components + " components but Samples per Pixel is "
                        + image.samplesPerPixel());
            }
            if (end - p < 6 + 3 * components) {
                throw new DicomException("JPEG-LS: frame header too short for " + components + " components");
            }
            componentIds = new int[components];
            for (int c = 0; c < components; c++) {
                componentIds[c] = data[p + 6 + 3 * c] & 0xFF;
                if ((data[p + 7 + 3 * c] & 0xFF) != 0x11) {
                    throw new DicomException("JPEG-LS: sub-sampled components are not supported");
                }
            }
            int allocated = image.bitsAllocated();
            if (allocated != 8 && allocated != 16 || precision > allocated) {
                throw new DicomException("JPEG-LS: " + precision + "-bit samples do not fit Bits Allocated "
                        + allocated);
            }
            bytesPerSample = allocated / 8;
            out = new byte[Math.multiplyExact(Math.multiplyExact(width, height), components * bytesPerSample)];
        }

        private void readPresets(int p, int end) {
            int id = data[p] & 0xFF;
            if (id != 1) {
                throw new DicomException("JPEG-LS: LSE marker type " + id
                        + (id == 4 ? " (oversize image dimensions)" : " (mapping table)") + " is not supported");
            }
            if (end - p < 11) {
                throw new DicomException("JPEG-LS: preset parameters segment too short");
            }
            presets.maxVal = u16(p + 1);
            presets.t1 = u16(p + 3);
            presets.t2 = u16(p + 5);
            presets.t3 = u16(p + 7);
            presets.reset = u16(p + 9);
        }

        /** CharLS writes APP8 "mrfx" with a non-zero byte for its HP1-3 colour transforms, which DICOM forbids. */
        private void checkNoColourTransform(int p, int end) {
            if (end - p == 5 && data[p] == 'm' && data[p + 1] == 'r' && data[p + 2] == 'f' && data[p + 3] == 'x'
                    && data[p + 4] != 0) {
                throw new DicomException("JPEG-LS: CharLS HP colour transform " + data[p + 4] + " is not supported");
            }
        }

        private void readScan(int p, int end) {
            if (out == null) {
                throw new DicomException("JPEG-LS: scan before the frame header");
            }
            int count = data[p] & 0xFF;
            if (count < 1 || count > componentIds.length || end - p < 1 + 2 * count + 3) {
                throw new DicomException("JPEG-LS: scan header with " + count + " components is malformed");
            }
            int[] components = new int[count];
            for (int i = 0; i < count; i++) {
                int id = data[p + 1 + 2 * i] & 0xFF;
                components[i] = indexOf(id);
                if (data[p + 2 + 2 * i] != 0) {
                    throw new DicomException("JPEG-LS: mapping tables are not supported");
                }
            }
            int q = p + 1 + 2 * count;
            int near = data[q] & 0xFF;
            int interleave = data[q + 1] & 0xFF;
            int pointTransform = data[q + 2] & 0x0F;
            if (pointTransform != 0) {
                throw new DicomException("JPEG-LS: point transform " + pointTransform + " is not supported");
            }
            if (interleave > 2 || interleave == 0 && count != 1 || interleave != 0 && count != componentIds.length) {
                throw new DicomException("JPEG-LS: interleave mode " + interleave + " with " + count
                        + " components in the scan is not valid");
            }
            ScanParameters params = presets.forScan(precision, near);
            ScanDecoder decoder = new ScanDecoder(data, pos, params, width, height, restartInterval);
            if (interleave == 0) {
                decoder.decodeSingleComponent(out, bytesPerSample, componentIds.length, components[0]);
            } else if (interleave == 1) {
                decoder.decodeLineInterleaved(out, bytesPerSample, count);
            } else {
                decoder.decodeSampleInterleaved(out, bytesPerSample, count);
            }
            componentsDecoded += count;
            pos = decoder.endOfScan();
        }

        private int indexOf(int id) {
            for (int c = 0; c < componentIds.length; c++) {
                if (componentIds[c] == id) {
                    return c;
                }
            }
            throw new DicomException("JPEG-LS: scan refers to unknown component " + id);
        }

        private int u16(int p) {
            if (p + 1 >= data.length) {
                throw new DicomException("JPEG-LS: bitstream truncated in a marker segment");
            }
            return (data[p] & 0xFF) << 8 | data[p + 1] & 0xFF;
        }

        private static String hex(int marker) {
            return String.format("%02X", marker);
        }
    }

    /** Preset coding parameters as given by LSE (zero = default), resolved per scan (defaults depend on NEAR). */
    private static final class Presets {
        int maxVal;
        int t1;
        int t2;
        int t3;
        int reset;

        ScanParameters forScan(int precision, int near) {
            int max = maxVal != 0 ? maxVal : (1 << precision) - 1;
            if (max >= 1 << precision || max < 1) {
                throw new DicomException("JPEG-LS: MAXVAL " + max + " does not fit " + precision + "-bit samples");
            }
            if (near > Math.min(255, max / 2)) {
                throw new DicomException("JPEG-LS: NEAR " + near + " is too large for MAXVAL " + max);
            }
            int d1;
            int d2;
            int d3;
            if (max >= 128) {
                int factor = (Math.min(max, 4095) + 128) / 256;
                d1 = clamp(factor * (3 - 2) + 2 + 3 * near, near + 1, max);
                d2 = clamp(factor * (7 - 3) + 3 + 5 * near, d1, max);
                d3 = clamp(factor * (21 - 4) + 4 + 7 * near, d2, max);
            } else {
                int factor = 256 / (max + 1);
                d1 = clamp(Math.max(2, 3 / factor + 3 * near), near + 1, max);
                d2 = clamp(Math.max(3, 7 / factor + 5 * near), d1, max);
                d3 = clamp(Math.max(4, 21 / factor + 7 * near), d2, max);
            }
            int a = t1 != 0 ? t1 : d1;
            int b = t2 != 0 ? t2 : d2;
            int c = t3 != 0 ? t3 : d3;
            if (a < near + 1 || a > max || b < a || b > max || c < b || c > max) {
                throw new DicomException("JPEG-LS: invalid thresholds T1=" + a + " T2=" + b + " T3=" + c);
            }
            int r = reset != 0 ? reset : 64;
            if (r < 3 || r > Math.max(255, max)) {
                throw new DicomException("JPEG-LS: invalid RESET " + r);
            }
            return new ScanParameters(max, near, a, b, c, r);
        }

        private static int clamp(int i, int j, int max) {
            return i > max || i < j ? j : i;
        }
    }

    private record ScanParameters(int maxVal, int near, int t1, int t2, int t3, int reset) {
    }

    /**
     * Decodes one scan. Line buffers hold {@code (width + 2)} pixels of {@code stride} interleaved samples with one
     * pixel of edge padding each side, so that Ra/Rb/Rc/Rd at the image edges follow T.87 A.2.1.
     */
    private static final class ScanDecoder {
        private static final int[] J = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 9,
            10, 11, 12, 13, 14, 15};
        private static final int CONTEXTS = 365;
        /** Tables are up to 128 KiB (16-bit); a few parameter sets cover real data, hostile streams get no cache. */
        private static final int MAX_CACHED_TABLES = 16;
        private static final java.util.concurrent.ConcurrentHashMap<ScanParameters, byte[]> QUANTIZATION_TABLES =
                new java.util.concurrent.ConcurrentHashMap<>();

        private static byte[] cachedQuantizationTable(ScanParameters p) {
            byte[] table = QUANTIZATION_TABLES.get(p);
            if (table == null) {
                table = quantizationTable(p);
                if (QUANTIZATION_TABLES.size() < MAX_CACHED_TABLES) {
                    QUANTIZATION_TABLES.putIfAbsent(p, table);
                }
            }
            return table;
        }

        private final BitReader in;
        private final int width;
        private final int height;
        private final int restartInterval;
        private final int maxVal;
        private final int near;
        private final int reset;
        private final int range;
        private final int qbpp;
        private final int limit;
        private final int quantStep;
        private final byte[] quantization;

        private final int[] a = new int[CONTEXTS];
        private final int[] b = new int[CONTEXTS];
        private final int[] c = new int[CONTEXTS];
        private final int[] n = new int[CONTEXTS];
        private final int[] runA = new int[2];
        private final int[] runN = new int[2];
        private final int[] runNn = new int[2];
        private int runIndex;

        ScanDecoder(byte[] data, int start, ScanParameters p, int width, int height, int restartInterval) {
            this.in = new BitReader(data, start);
            this.width = width;
            this.height = height;
            this.restartInterval = restartInterval;
            this.maxVal = p.maxVal();
            this.near = p.near();
            this.reset = p.reset();
            this.quantStep = 2 * near + 1;
            this.range = (maxVal + 2 * near) / quantStep + 1;
            this.qbpp = ceilLog2(range);
            int bpp = Math.max(2, ceilLog2(maxVal + 1));
            this.limit = 2 * (bpp + Math.max(8, bpp));
            this.quantization = cachedQuantizationTable(p);
            resetContexts();
        }

        private void resetContexts() {
            int initialA = Math.max(2, (range + 32) / 64);
            java.util.Arrays.fill(a, initialA);
            java.util.Arrays.fill(b, 0);
            java.util.Arrays.fill(c, 0);
            java.util.Arrays.fill(n, 1);
            java.util.Arrays.fill(runA, initialA);
            java.util.Arrays.fill(runN, 1);
            java.util.Arrays.fill(runNn, 0);
        }

        /** Interleave mode 0: this scan holds one component of a possibly multi-component image. */
        void decodeSingleComponent(byte[] out, int bytesPerSample, int pixelStride, int component) {
            int[][] lines = {new int[width + 2], new int[width + 2]};
            int[] runIndexes = new int[1];
            for (int y = 0; y < height; y++) {
                if (startOfRestartInterval(y)) {
                    clear(lines);
                    runIndexes[0] = 0;
                }
                int[] prev = lines[(y + 1) & 1];
                int[] cur = lines[y & 1];
                runIndex = runIndexes[0];
                decodeLine(prev, cur);
                runIndexes[0] = runIndex;
                store(cur, 1, 0, out, bytesPerSample, pixelStride, component, y);
            }
        }

        /** Interleave mode 1: each image line is one line of each component in turn, sharing the contexts. */
        void decodeLineInterleaved(byte[] out, int bytesPerSample, int components) {
            int[][][] lines = new int[components][][];
            for (int comp = 0; comp < components; comp++) {
                lines[comp] = new int[][] {new int[width + 2], new int[width + 2]};
            }
            int[] runIndexes = new int[components];
            for (int y = 0; y < height; y++) {
                if (startOfRestartInterval(y)) {
                    for (int[][] l : lines) {
                        clear(l);
                    }
                    java.util.Arrays.fill(runIndexes, 0);
                }
                for (int comp = 0; comp < components; comp++) {
                    int[] prev = lines[comp][(y + 1) & 1];
                    int[] cur = lines[comp][y & 1];
                    runIndex = runIndexes[comp];
                    decodeLine(prev, cur);
                    runIndexes[comp] = runIndex;
                    store(cur, 1, 0, out, bytesPerSample, components, comp, y);
                }
            }
        }

        /** Interleave mode 2: pixels carry all components; run mode applies to whole pixels. */
        void decodeSampleInterleaved(byte[] out, int bytesPerSample, int components) {
            int[][] lines = {new int[(width + 2) * components], new int[(width + 2) * components]};
            for (int y = 0; y < height; y++) {
                if (startOfRestartInterval(y)) {
                    clear(lines);
                    runIndex = 0;
                }
                int[] prev = lines[(y + 1) & 1];
                int[] cur = lines[y & 1];
                decodePixelLine(prev, cur, components);
                for (int comp = 0; comp < components; comp++) {
                    store(cur, components, comp, out, bytesPerSample, components, comp, y);
                }
            }
        }

        /** After the last line of each restart interval the stream holds an RSTm marker and all state restarts. */
        private boolean startOfRestartInterval(int y) {
            if (y == 0) {
                return true;
            }
            if (restartInterval == 0 || y % restartInterval != 0) {
                return false;
            }
            in.readRestartMarker();
            resetContexts();
            return true;
        }

        int endOfScan() {
            in.checkNotOverrun();
            return in.markerPosition();
        }

        private static void clear(int[][] lines) {
            for (int[] l : lines) {
                java.util.Arrays.fill(l, 0);
            }
        }

        private void store(int[] line, int stride, int offset, byte[] out, int bytesPerSample, int pixelStride,
                int component, int y) {
            int o = (y * width * pixelStride + component) * bytesPerSample;
            int step = pixelStride * bytesPerSample;
            int s = stride + offset;
            if (bytesPerSample == 1) {
                for (int x = 0; x < width; x++, s += stride, o += step) {
                    out[o] = (byte) line[s];
                }
            } else {
                for (int x = 0; x < width; x++, s += stride, o += step) {
                    int v = line[s];
                    out[o] = (byte) v;
                    out[o + 1] = (byte) (v >> 8);
                }
            }
        }

        /** One line of one component; index i of the image is buffer index i + 1. */
        private void decodeLine(int[] prev, int[] cur) {
            prev[width + 1] = prev[width];
            cur[0] = prev[1];
            int x = 1;
            int last = width;
            while (x <= last) {
                int ra = cur[x - 1];
                int rb = prev[x];
                int rc = prev[x - 1];
                int rd = prev[x + 1];
                int qs = context(quantize(rd - rb), quantize(rb - rc), quantize(rc - ra));
                if (qs != 0) {
                    cur[x] = decodeRegular(qs, predict(ra, rb, rc));
                    x++;
                } else {
                    x += decodeRunMode(prev, cur, x);
                }
            }
            in.checkNotOverrun();
        }

        private int decodeRunMode(int[] prev, int[] cur, int x) {
            int ra = cur[x - 1];
            int remaining = width + 1 - x;
            int run = decodeRunLength(remaining);
            for (int i = 0; i < run; i++) {
                cur[x + i] = ra;
            }
            if (run == remaining) {
                return run;
            }
            int end = x + run;
            int rb = prev[end];
            if (Math.abs(ra - rb) <= near) {
                cur[end] = reconstruct(ra, decodeRunInterruptionError(1));
            } else {
                cur[end] = reconstruct(rb, decodeRunInterruptionError(0) * sign(rb - ra));
            }
            runIndex = Math.max(0, runIndex - 1);
            return run + 1;
        }

        /** Pixels of {@code components} samples; buffer pixel i + 1 starts at (i + 1) * components. */
        private void decodePixelLine(int[] prev, int[] cur, int components) {
            int w = width;
            for (int k = 0; k < components; k++) {
                prev[(w + 1) * components + k] = prev[w * components + k];
                cur[k] = prev[components + k];
            }
            int[] qs = new int[components];
            int x = 1;
            while (x <= w) {
                int p = x * components;
                boolean allZero = true;
                for (int k = 0; k < components; k++) {
                    int ra = cur[p - components + k];
                    int rb = prev[p + k];
                    int rc = prev[p - components + k];
                    int rd = prev[p + components + k];
                    qs[k] = context(quantize(rd - rb), quantize(rb - rc), quantize(rc - ra));
                    allZero &= qs[k] == 0;
                }
                if (allZero) {
                    x += decodePixelRunMode(prev, cur, x, components);
                } else {
                    for (int k = 0; k < components; k++) {
                        int ra = cur[p - components + k];
                        int rb = prev[p + k];
                        int rc = prev[p - components + k];
                        cur[p + k] = decodeRegular(qs[k], predict(ra, rb, rc));
                    }
                    x++;
                }
            }
            in.checkNotOverrun();
        }

        private int decodePixelRunMode(int[] prev, int[] cur, int x, int components) {
            int remaining = width + 1 - x;
            int run = decodeRunLength(remaining);
            int raPos = (x - 1) * components;
            for (int i = 0; i < run; i++) {
                System.arraycopy(cur, raPos, cur, (x + i) * components, components);
            }
            if (run == remaining) {
                return run;
            }
            int end = (x + run) * components;
            // T.87 A.7.2 for sample interleaving: every sample uses run-interruption context 0.
            for (int k = 0; k < components; k++) {
                int ra = cur[raPos + k];
                int rb = prev[end + k];
                cur[end + k] = reconstruct(rb, decodeRunInterruptionError(0) * sign(rb - ra));
            }
            runIndex = Math.max(0, runIndex - 1);
            return run + 1;
        }

        private int decodeRunLength(int remaining) {
            int run = 0;
            while (in.readBit() != 0) {
                int count = Math.min(1 << J[runIndex], remaining - run);
                run += count;
                if (count == 1 << J[runIndex]) {
                    runIndex = Math.min(31, runIndex + 1);
                }
                if (run == remaining) {
                    return run;
                }
            }
            if (J[runIndex] > 0) {
                run += in.readBits(J[runIndex]);
            }
            if (run > remaining) {
                throw new DicomException("JPEG-LS: run length exceeds the line");
            }
            return run;
        }

        private int decodeRunInterruptionError(int type) {
            int temp = runA[type] + (runN[type] >> 1) * type;
            int k = 0;
            for (int nt = runN[type]; nt < temp && k < 16; k++) {
                nt <<= 1;
            }
            int mapped = decodeValue(k, limit - J[runIndex] - 1);
            int tmp = mapped + type;
            boolean map = (tmp & 1) != 0;
            int abs = (tmp + (map ? 1 : 0)) / 2;
            int errval = (k != 0 || 2 * runNn[type] >= runN[type]) == map ? -abs : abs;
            if (errval < 0) {
                runNn[type]++;
            }
            runA[type] += (mapped + 1 - type) >> 1;
            if (runN[type] == reset) {
                runA[type] >>= 1;
                runN[type] >>= 1;
                runNn[type] >>= 1;
            }
            runN[type]++;
            return errval;
        }

        private int decodeRegular(int qs, int predicted) {
            int signMask = qs >> 31;
            int q = (qs ^ signMask) - signMask;
            int k = 0;
            int nq = n[q];
            int aq = a[q];
            while ((nq << k) < aq && k < 16) {
                k++;
            }
            int px = clampToRange(predicted + ((c[q] ^ signMask) - signMask));
            int mapped = decodeValue(k, limit);
            int errval = (mapped >>> 1) ^ -(mapped & 1);
            if (k == 0 && near == 0) {
                errval ^= (2 * b[q] + nq - 1) >> 31;
            }
            updateContext(q, errval);
            return reconstruct(px, (errval ^ signMask) - signMask);
        }

        private void updateContext(int q, int errval) {
            int aq = a[q] + Math.abs(errval);
            int bq = b[q] + errval * quantStep;
            int nq = n[q];
            if (nq == reset) {
                aq >>= 1;
                bq >>= 1;
                nq >>= 1;
            }
            nq++;
            if (bq + nq <= 0) {
                bq += nq;
                if (bq <= -nq) {
                    bq = -nq + 1;
                }
                if (c[q] > -128) {
                    c[q]--;
                }
            } else if (bq > 0) {
                bq -= nq;
                if (bq > 0) {
                    bq = 0;
                }
                if (c[q] < 127) {
                    c[q]++;
                }
            }
            a[q] = aq;
            b[q] = bq;
            n[q] = nq;
        }

        /** Limited-length Golomb code (T.87 A.5.3): unary prefix, then k bits or an escaped qbpp-bit value. */
        private int decodeValue(int k, int limitBits) {
            int escape = limitBits - qbpp - 1;
            int high = in.readUnary(escape);
            if (high == escape) {
                return in.readBits(qbpp) + 1;
            }
            return k == 0 ? high : (high << k) + in.readBits(k);
        }

        private int reconstruct(int px, int errval) {
            int v = px + errval * quantStep;
            if (v < -near) {
                v += range * quantStep;
            } else if (v > maxVal + near) {
                v -= range * quantStep;
            }
            return clampToRange(v);
        }

        private int clampToRange(int v) {
            return v < 0 ? 0 : Math.min(v, maxVal);
        }

        private int quantize(int d) {
            return quantization[d + maxVal];
        }

        /** Gradient quantisation (T.87 A.3.3) for every difference -MAXVAL..MAXVAL. */
        private static byte[] quantizationTable(ScanParameters p) {
            int max = p.maxVal();
            byte[] table = new byte[2 * max + 1];
            for (int d = -max; d <= max; d++) {
                int q;
                if (d <= -p.t3()) {
                    q = -4;
                } else if (d <= -p.t2()) {
                    q = -3;
                } else if (d <= -p.t1()) {
                    q = -2;
                } else if (d < -p.near()) {
                    q = -1;
                } else if (d <= p.near()) {
                    q = 0;
                } else if (d < p.t1()) {
                    q = 1;
                } else if (d < p.t2()) {
                    q = 2;
                } else {
                    q = d < p.t3() ? 3 : 4;
                }
                table[d + max] = (byte) q;
            }
            return table;
        }

        private static int context(int q1, int q2, int q3) {
            return (q1 * 9 + q2) * 9 + q3;
        }

        private static int predict(int ra, int rb, int rc) {
            if (rc >= Math.max(ra, rb)) {
                return Math.min(ra, rb);
            }
            if (rc <= Math.min(ra, rb)) {
                return Math.max(ra, rb);
            }
            return ra + rb - rc;
        }

        private static int sign(int v) {
            return v < 0 ? -1 : 1;
        }

        private static int ceilLog2(int v) {
            return 32 - Integer.numberOfLeadingZeros(v - 1);
        }
    }

    /**
     * Reads the entropy-coded segment: after an FF byte the next byte carries only 7 bits (T.87 A.1 bit
     * stuffing); an FF followed by a byte with the high bit set is a marker and ends the data. Past the end it
     * supplies zero bits and counts them, so a truncated stream fails the overrun check instead of reading out of
     * bounds; every read is bounded, so decoding always terminates.
     */
    private static final class BitReader {
        private final byte[] data;
        private int pos;
        private long cache;
        private int bits;
        /** Zero bits appended past the real data that are still in the cache or were consumed. */
        private int paddingBits;
        private boolean stuffNext;

        BitReader(byte[] data, int start) {
            this.data = data;
            this.pos = start;
        }

        private void fill() {
            while (bits <= 56) {
                if (paddingBits > 0 || pos >= data.length) {
                    bits += 8;
                    paddingBits += 8;
                    continue;
                }
                int v = data[pos] & 0xFF;
                if (stuffNext) {
                    cache |= (long) v << (57 - bits);
                    bits += 7;
                    stuffNext = false;
                    pos++;
                } else if (v == 0xFF && (pos + 1 >= data.length || (data[pos + 1] & 0xFF) >= 0x80)) {
                    // A marker ends the scan data; the next loop round starts the zero padding.
                    bits += 8;
                    paddingBits += 8;
                } else {
                    cache |= (long) v << (56 - bits);
                    bits += 8;
                    stuffNext = v == 0xFF;
                    pos++;
                }
            }
        }

        int readBit() {
            if (bits == 0) {
                fill();
            }
            int v = (int) (cache >>> 63);
            cache <<= 1;
            bits--;
            return v;
        }

        int readBits(int count) {
            if (count == 0) {
                return 0;
            }
            if (bits < count) {
                fill();
            }
            int v = (int) (cache >>> (64 - count));
            cache <<= count;
            bits -= count;
            return v;
        }

        /** Counts zero bits up to the next one bit (consumed); more than {@code max} zeros is invalid data. */
        int readUnary(int max) {
            int count = 0;
            while (true) {
                if (bits == 0) {
                    fill();
                }
                int zeros = Long.numberOfLeadingZeros(cache);
                if (zeros < bits) {
                    count += zeros;
                    if (count > max) {
                        break;
                    }
                    cache <<= zeros + 1;
                    bits -= zeros + 1;
                    return count;
                }
                count += bits;
                cache = 0;
                bits = 0;
                if (count > max) {
                    break;
                }
            }
            throw new DicomException("JPEG-LS: invalid Golomb code (prefix longer than " + max + " bits)");
        }

        /** Fails when decoding consumed bits that were not in the stream. */
        void checkNotOverrun() {
            if (paddingBits > bits) {
                throw new DicomException("JPEG-LS: bitstream truncated (scan data ends early)");
            }
        }

        /** The offset of the marker that follows the scan data (the reader never consumes a marker). */
        int markerPosition() {
            int p = pos;
            while (p + 1 < data.length && !((data[p] & 0xFF) == 0xFF && (data[p + 1] & 0xFF) >= 0x80)) {
                p++;
            }
            if (p + 1 >= data.length) {
                throw new DicomException("JPEG-LS: bitstream truncated after scan data");
            }
            return p;
        }

        /** Skips the padding at the end of a restart interval and the RSTm marker, then restarts bit reading. */
        void readRestartMarker() {
            checkNotOverrun();
            int p = markerPosition();
            int marker = data[p + 1] & 0xFF;
            if (marker < 0xD0 || marker > 0xD7) {
                throw new DicomException("JPEG-LS: expected a restart marker at offset " + p + ", found FF"
                        + String.format("%02X", marker));
            }
            pos = p + 2;
            cache = 0;
            bits = 0;
            paddingBits = 0;
            stuffNext = false;
        }
    }
}
