package io.distillery.dicom.codec;

import io.distillery.dicom.DicomException;

/**
 * ITU T.81 JPEG decoder for the DICOM JPEG family: baseline and extended sequential DCT (SOF0/SOF1, 8 and 12
 * bit), progressive DCT (SOF2, used by the retired spectral-selection and full-progression syntaxes), and lossless
 * (SOF3, predictors 1-7, 2-16 bit, point transform); Huffman coding only.
 *
 * <p>Why hand-written: the JDK's ImageIO reader (and TwelveMonkeys, which delegates lossy decoding to it) handles
 * 8-bit lossy only and applies its own colour heuristics; no maintained Maven Central library covers 12-bit lossy
 * and lossless together. One decoder keeps every process consistent with dcmtk (libjpeg 6b): the inverse DCT is
 * libjpeg's integer "islow" algorithm, chroma is upsampled with libjpeg's "fancy" (triangular) filter and YCbCr is
 * converted with libjpeg's fixed-point tables. As dcmtk's default ({@code +cp}), YCbCr is converted to RGB exactly
 * when the dataset's photometric interpretation is a YBR one, and the result is reported as "RGB".
 */
public final class JpegDecoder implements FrameDecoder {
    private static final int[] ZIGZAG = {
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14,
        21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53,
        60, 61, 54, 47, 55, 62, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63};
    /** Scans beyond this are treated as corrupt input (a progressive image needs a few dozen at most). */
    private static final int MAX_SCANS = 1000;

    @Override
    public DecodedFrame decode(byte[] frame, ImageDescriptor image) {
        return new Decoding(frame, image).run();
    }

    private static DicomException corrupt(String what) {
        return new DicomException("JPEG: " + what);
    }

    private static final class Component {
        int id;
        int h;
        int v;
        int quantTable;
        int dcTable;
        int acTable;
        int blocksPerLine;
        int blocksPerColumn;
        int allocBlocksPerLine;
        int[] coefficients;
        int[] samples; // lossless: reconstructed samples (before the point transform) / DCT: the component plane
        int planeWidth;
        int planeHeight;
        int dcPredictor;
    }

    private static final class Huffman {
        final int[] lookup = new int[512]; // (length << 8 | value) for codes up to 9 bits, 0 = longer code
        final int[] maxCode = new int[18];
        final int[] valueOffset = new int[17];
        final int[] values;

        Huffman(int[] counts, int[] values) {
            this.values = values;
            int code = 0;
            int k = 0;
            for (int length = 1; length <= 16; length++) {
                valueOffset[length] = k - code;
                if (counts[length] > 0) {
                    for (int i = 0; i < counts[length]; i++) {
                        if (length <= 9) {
                            int shift = 9 - length;
                            int base = code << shift;
                            for (int j = 0; j < (1 << shift); j++) {
                                lookup[base + j] = length << 8 | values[k];
                            }
                        }
                        code++;
                        k++;
                    }
                    if (code > (1 << length)) {
                        throw corrupt("invalid Huffman table (code lengths over-subscribed)");
                    }
                    maxCode[length] = code - 1;
                } else {
                    maxCode[length] = -1;
                }
                code <<= 1;
            }
            maxCode[17] = Integer.MAX_VALUE;
        }
    }

    /** Reads entropy-coded bits; un-stuffs FF00, stops at markers and pads with zero bits (bounded). */
    private static final class BitReader {
        private final byte[] data;
        int pos;
        private long buffer;
        private int count;
        private int paddingBits;

        BitReader(byte[] data, int pos) {
            this.data = data;
            this.pos = pos;
        }

        private void fill() {
            while (count <= 48) {
                int b = 0;
                if (pos < data.length) {
                    b = data[pos] & 0xFF;
                    if (b == 0xFF) {
                        int next = pos + 1 < data.length ? data[pos + 1] & 0xFF : -1;
                        if (next == 0) {
                            pos += 2;
                        } else {
                            b = -1; // a marker: the scan's data ends here
                        }
                    } else {
                        pos++;
                    }
                } else {
                    b = -1;
                }
                if (b < 0) {
                    if (paddingBits >= 128) {
                        throw corrupt("entropy-coded data ends early (truncated or corrupt)");
                    }
                    paddingBits += 8;
                    b = 0;
                }
                buffer = buffer << 8 | b;
                count += 8;
            }
        }

        int bits(int n) {
            if (n == 0) {
                return 0;
            }
            if (count < n) {
                fill();
            }
            count -= n;
            return (int) (buffer >>> count) & ((1 << n) - 1);
        }

        int bit() {
            return bits(1);
        }

        int decode(Huffman table) {
            if (table == null) {
                throw corrupt("scan uses an undefined Huffman table");
            }
            if (count < 16) {
                fill();
            }
            int entry = table.lookup[(int) (buffer >>> (count - 9)) & 511];
            if (entry != 0) {
                count -= entry >> 8;
                return entry & 0xFF;
            }
            int length = 10;
            int code = (int) (buffer >>> (count - length)) & ((1 << length) - 1);
            while (code > table.maxCode[length]) {
                length++;
                if (length > 16) {
                    throw corrupt("invalid Huffman code in entropy-coded data");
                }
                code = (int) (buffer >>> (count - length)) & ((1 << length) - 1);
            }
            count -= length;
            int index = code + table.valueOffset[length];
            if (index < 0 || index >= table.values.length) {
                throw corrupt("invalid Huffman code in entropy-coded data");
            }
            return table.values[index];
        }

        /** Drops buffered bits and skips an RSTn marker at the current position. */
        void restart() {
            buffer = 0;
            count = 0;
            paddingBits = 0;
            if (pos + 1 < data.length && (data[pos] & 0xFF) == 0xFF && (data[pos + 1] & 0xF8) == 0xD0) {
                pos += 2;
            }
        }
    }

    private static int extend(int value, int bits) {
        return bits == 0 ? 0 : value < (1 << (bits - 1)) ? value - (1 << bits) + 1 : value;
    }

    private static final class Decoding {
        private final byte[] data;
        private final ImageDescriptor image;
        private int pos;
        private final int[][] quantTables = new int[4][];
        private final Huffman[] dcTables = new Huffman[4];
        private final Huffman[] acTables = new Huffman[4];
        private int restartInterval;
        private int precision;
        private int width;
        private int height;
        private boolean progressive;
        private boolean lossless;
        private Component[] components;
        private int maxH;
        private int maxV;
        private int mcusPerLine;
        private int mcusPerColumn;
        private int eobRun;
        private int scans;

        Decoding(byte[] data, ImageDescriptor image) {
            this.data = data;
            this.image = image;
        }

        private int u8() {
            if (pos >= data.length) {
                throw corrupt("marker segment passes the end of the data (truncated)");
            }
            return data[pos++] & 0xFF;
        }

        private int u16() {
            return u8() << 8 | u8();
        }

        DecodedFrame run() {
            if (data.length < 4 || (data[0] & 0xFF) != 0xFF || (data[1] & 0xFF) != 0xD8) {
                throw corrupt("frame does not start with an SOI marker");
            }
            pos = 2;
            while (true) {
                int marker = nextMarker();
                if (marker < 0 || marker == 0xD9) {
                    break;
                }
                switch (marker) {
                    case 0xC0, 0xC1, 0xC2, 0xC3 -> readFrameHeader(marker);
                    case 0xC4 -> readHuffmanTables();
                    case 0xDB -> readQuantTables();
                    case 0xDD -> {
                        segmentLength(4);
                        restartInterval = u16();
                    }
                    case 0xDA -> readScan();
                    case 0xC5, 0xC6, 0xC7, 0xCD, 0xCE, 0xCF -> throw new DicomException(
                            "JPEG: hierarchical (differential) JPEG, marker SOF" + (marker - 0xC0) + ", is not supported");
                    case 0xC9, 0xCA, 0xCB -> throw new DicomException(
                            "JPEG: arithmetic coding (marker SOF" + (marker - 0xC0) + ") is not supported");
                    case 0xCC -> throw new DicomException("JPEG: arithmetic coding (DAC marker) is not supported");
                    case 0xD8 -> throw corrupt("second SOI marker inside one frame");
                    default -> {
                        if (marker >= 0xD0 && marker <= 0xD7) {
                            continue; // stray restart marker
                        }
                        pos += segmentLength(2) - 2; // APPn, COM, DNL and other marker segments
                    }
                }
            }
            if (components == null || scans == 0) {
                throw corrupt("no frame header or no scan before the end of the data");
            }
            return lossless ? outputLossless() : outputDct();
        }

        /** Returns the next marker code, skipping fill bytes and stray data; -1 at the end of the data. */
        private int nextMarker() {
            while (pos + 1 < data.length) {
                if ((data[pos] & 0xFF) == 0xFF) {
                    int code = data[pos + 1] & 0xFF;
                    if (code != 0 && code != 0xFF) {
                        pos += 2;
                        return code;
                    }
                }
                pos++;
            }
            return -1;
        }

        private int segmentLength(int minimum) {
            int length = u16();
            if (length < minimum || pos - 2 + length > data.length) {
                throw corrupt("marker segment length " + length + " is invalid or passes the end of the data");
            }
            return length;
        }

        private void readQuantTables() {
            int end = pos - 2 + segmentLength(2);
            while (pos < end) {
                int pq = u8();
                int table = pq & 15;
                int bytes = pq >> 4;
                if (table > 3 || bytes > 1) {
                    throw corrupt("invalid quantisation table header " + pq);
                }
                int[] q = new int[64];
                for (int k = 0; k < 64; k++) {
                    q[ZIGZAG[k]] = bytes == 0 ? u8() : u16();
                }
                quantTables[table] = q;
            }
        }

        private void readHuffmanTables() {
            int end = pos - 2 + segmentLength(2);
            while (pos < end) {
                int tc = u8();
                int table = tc & 15;
                int tableClass = tc >> 4;
                if (table > 3 || tableClass > 1) {
                    throw corrupt("invalid Huffman table header " + tc);
                }
                int[] counts = new int[17];
                int total = 0;
                for (int i = 1; i <= 16; i++) {
                    counts[i] = u8();
                    total += counts[i];
                }
                if (total > 256) {
                    throw corrupt("Huffman table with " + total + " codes");
                }
                int[] values = new int[total];
                for (int i = 0; i < total; i++) {
                    values[i] = u8();
                }
                (tableClass == 0 ? dcTables : acTables)[table] = new Huffman(counts, values);
            }
        }

        private void readFrameHeader(int marker) {
            if (components != null) {
                throw corrupt("more than one frame header");
            }
            int length = segmentLength(8);
            precision = u8();
            height = u16();
            width = u16();
            int count = u8();
            progressive = marker == 0xC2;
            lossless = marker == 0xC3;
            if (height == 0) {
                height = image.rows(); // the height would come in a DNL marker; the dataset knows it
            }
            boolean validPrecision = lossless ? precision >= 2 && precision <= 16 : precision == 8 || precision == 12;
            if (!validPrecision) {
                throw new DicomException("JPEG: sample precision " + precision + " is not valid for SOF"
                        + (marker - 0xC0));
            }
            if (width != image.columns() || height != image.rows()) {
                throw new DicomException("JPEG: frame is " + width + "x" + height + " but the dataset says "
                        + image.columns() + "x" + image.rows());
            }
            if (count != image.samplesPerPixel() || length != 8 + 3 * count) {
                throw new DicomException("JPEG: frame has " + count + " components but the dataset says "
                        + image.samplesPerPixel() + " samples per pixel");
            }
            if (precision > image.bitsAllocated()) {
                throw new DicomException("JPEG: " + precision + "-bit samples do not fit " + image.bitsAllocated()
                        + " bits allocated");
            }
            components = new Component[count];
            for (int i = 0; i < count; i++) {
                Component c = new Component();
                c.id = u8();
                int hv = u8();
                c.h = hv >> 4;
                c.v = hv & 15;
                c.quantTable = u8();
                if (c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4 || c.quantTable > 3) {
                    throw corrupt("invalid component sampling factors or quantisation table");
                }
                if (count == 1) {
                    c.h = 1; // a single component is never subsampled
                    c.v = 1;
                }
                components[i] = c;
                maxH = Math.max(maxH, c.h);
                maxV = Math.max(maxV, c.v);
            }
            if (lossless) {
                for (Component c : components) {
                    if (c.h != 1 || c.v != 1) {
                        throw new DicomException("JPEG: subsampled lossless JPEG is not supported");
                    }
                    c.samples = new int[width * height];
                }
                return;
            }
            mcusPerLine = ceilDiv(width, 8 * maxH);
            mcusPerColumn = ceilDiv(height, 8 * maxV);
            for (Component c : components) {
                c.blocksPerLine = ceilDiv(ceilDiv(width * c.h, maxH), 8);
                c.blocksPerColumn = ceilDiv(ceilDiv(height * c.v, maxV), 8);
                c.allocBlocksPerLine = mcusPerLine * c.h;
                c.coefficients = new int[c.allocBlocksPerLine * mcusPerColumn * c.v * 64];
            }
        }

        private void readScan() {
            if (components == null) {
                throw corrupt("scan before the frame header");
            }
            if (++scans > MAX_SCANS) {
                throw corrupt("more than " + MAX_SCANS + " scans");
            }
            int length = segmentLength(6);
            int count = u8();
            if (count < 1 || count > 4 || length != 6 + 2 * count) {
                throw corrupt("invalid scan header");
            }
            Component[] scan = new Component[count];
            for (int i = 0; i < count; i++) {
                int id = u8();
                int tables = u8();
                for (Component c : components) {
                    if (c.id == id) {
                        scan[i] = c;
                    }
                }
                if (scan[i] == null) {
                    throw corrupt("scan refers to unknown component " + id);
                }
                scan[i].dcTable = tables >> 4;
                scan[i].acTable = tables & 15;
                if (scan[i].dcTable > 3 || scan[i].acTable > 3) {
                    throw corrupt("scan refers to Huffman table outside 0-3");
                }
            }
            int ss = u8();
            int se = u8();
            int ahal = u8();
            BitReader reader = new BitReader(data, pos);
            if (lossless) {
                decodeLosslessScan(reader, scan, ss, ahal & 15);
            } else {
                decodeDctScan(reader, scan, ss, se, ahal >> 4, ahal & 15);
            }
            pos = reader.pos;
        }

        // ---- DCT scans -------------------------------------------------------------------------------------

        private void decodeDctScan(BitReader reader, Component[] scan, int ss, int se, int ah, int al) {
            for (Component c : scan) {
                c.dcPredictor = 0;
                if (quantTables[c.quantTable] == null) {
                    throw corrupt("component " + c.id + " uses undefined quantisation table " + c.quantTable);
                }
            }
            int mode; // 0 sequential, 1 DC first, 2 DC refine, 3 AC first, 4 AC refine
            if (!progressive) {
                mode = 0; // Ss/Se are ignored for sequential scans, as libjpeg does (some encoders write Se=0)
            } else {
                if (se > 63 || ss > se || (ss == 0 && se != 0) || (ss > 0 && scan.length != 1) || al > 13) {
                    throw corrupt("invalid progressive scan parameters Ss=" + ss + " Se=" + se);
                }
                mode = ss == 0 ? (ah == 0 ? 1 : 2) : (ah == 0 ? 3 : 4);
            }
            eobRun = 0;
            int restartsLeft = restartInterval;
            if (scan.length == 1) {
                Component c = scan[0];
                int blocks = c.blocksPerLine * c.blocksPerColumn;
                for (int n = 0; n < blocks; n++) {
                    if (restartInterval > 0) {
                        if (restartsLeft == 0) {
                            restart(reader, scan);
                            restartsLeft = restartInterval;
                        }
                        restartsLeft--;
                    }
                    int row = n / c.blocksPerLine;
                    int col = n % c.blocksPerLine;
                    decodeBlock(reader, c, (row * c.allocBlocksPerLine + col) * 64, mode, ss, se, al);
                }
                return;
            }
            for (int my = 0; my < mcusPerColumn; my++) {
                for (int mx = 0; mx < mcusPerLine; mx++) {
                    if (restartInterval > 0) {
                        if (restartsLeft == 0) {
                            restart(reader, scan);
                            restartsLeft = restartInterval;
                        }
                        restartsLeft--;
                    }
                    for (Component c : scan) {
                        for (int v = 0; v < c.v; v++) {
                            for (int h = 0; h < c.h; h++) {
                                int row = my * c.v + v;
                                int col = mx * c.h + h;
                                decodeBlock(reader, c, (row * c.allocBlocksPerLine + col) * 64, mode, ss, se, al);
                            }
                        }
                    }
                }
            }
        }

        private void restart(BitReader reader, Component[] scan) {
            reader.restart();
            eobRun = 0;
            for (Component c : scan) {
                c.dcPredictor = 0;
            }
        }

        private void decodeBlock(BitReader r, Component c, int offset, int mode, int ss, int se, int al) {
            int[] coef = c.coefficients;
            switch (mode) {
                case 0 -> {
                    coef[offset] = c.dcPredictor += dcDifference(r, c);
                    Huffman ac = acTables[c.acTable];
                    for (int k = 1; k < 64; k++) {
                        int rs = r.decode(ac);
                        int s = rs & 15;
                        int run = rs >> 4;
                        if (s == 0) {
                            if (run != 15) {
                                break;
                            }
                            k += 15;
                            continue;
                        }
                        k += run;
                        if (k > 63) {
                            throw corrupt("AC coefficient index past 63 (corrupt data)");
                        }
                        coef[offset + ZIGZAG[k]] = extend(r.bits(s), s);
                    }
                }
                case 1 -> coef[offset] = (c.dcPredictor += dcDifference(r, c)) * (1 << al);
                case 2 -> {
                    if (r.bit() != 0) {
                        coef[offset] |= 1 << al;
                    }
                }
                case 3 -> decodeAcFirst(r, c, coef, offset, ss, se, al);
                default -> decodeAcRefine(r, c, coef, offset, ss, se, al);
            }
        }

        private int dcDifference(BitReader r, Component c) {
            int t = r.decode(dcTables[c.dcTable]);
            if (t > 16) {
                throw corrupt("DC difference category " + t + " is invalid");
            }
            return t == 16 ? 32768 : extend(r.bits(t), t);
        }

        private void decodeAcFirst(BitReader r, Component c, int[] coef, int offset, int ss, int se, int al) {
            if (eobRun > 0) {
                eobRun--;
                return;
            }
            Huffman ac = acTables[c.acTable];
            for (int k = ss; k <= se; k++) {
                int rs = r.decode(ac);
                int s = rs & 15;
                int run = rs >> 4;
                if (s == 0) {
                    if (run < 15) {
                        eobRun = (1 << run) - 1 + r.bits(run);
                        break;
                    }
                    k += 15;
                    continue;
                }
                k += run;
                if (k > 63) {
                    throw corrupt("AC coefficient index past 63 (corrupt data)");
                }
                coef[offset + ZIGZAG[k]] = extend(r.bits(s), s) * (1 << al);
            }
        }

        private void decodeAcRefine(BitReader r, Component c, int[] coef, int offset, int ss, int se, int al) {
            int p1 = 1 << al;
            int m1 = -1 << al;
            int k = ss;
            if (eobRun == 0) {
                Huffman ac = acTables[c.acTable];
                for (; k <= se; k++) {
                    int rs = r.decode(ac);
                    int s = rs & 15;
                    int run = rs >> 4;
                    if (s != 0) {
                        if (s != 1) {
                            throw corrupt("invalid refinement coefficient size " + s);
                        }
                        s = r.bit() != 0 ? p1 : m1;
                    } else if (run != 15) {
                        eobRun = (1 << run) + r.bits(run);
                        break;
                    }
                    while (k <= se) {
                        int z = offset + ZIGZAG[k];
                        if (coef[z] != 0) {
                            refine(r, coef, z, p1, m1);
                        } else if (--run < 0) {
                            break;
                        }
                        k++;
                    }
                    if (s != 0) {
                        if (k > 63) {
                            throw corrupt("AC coefficient index past 63 (corrupt data)");
                        }
                        coef[offset + ZIGZAG[k]] = s;
                    }
                }
            }
            if (eobRun > 0) {
                for (; k <= se; k++) {
                    int z = offset + ZIGZAG[k];
                    if (coef[z] != 0) {
                        refine(r, coef, z, p1, m1);
                    }
                }
                eobRun--;
            }
        }

        private static void refine(BitReader r, int[] coef, int z, int p1, int m1) {
            if (r.bit() != 0 && (coef[z] & p1) == 0) {
                coef[z] += coef[z] >= 0 ? p1 : m1;
            }
        }

        // ---- lossless scans --------------------------------------------------------------------------------

        private void decodeLosslessScan(BitReader reader, Component[] scan, int predictor, int pointTransform) {
            if (predictor < 1 || predictor > 7) {
                throw corrupt("lossless predictor " + predictor + " is not 1-7");
            }
            if (pointTransform >= precision) {
                throw corrupt("point transform " + pointTransform + " is not below the precision " + precision);
            }
            Huffman[] tables = new Huffman[scan.length];
            for (int i = 0; i < scan.length; i++) {
                tables[i] = dcTables[scan[i].dcTable];
                if (tables[i] == null) {
                    throw corrupt("scan uses an undefined Huffman table");
                }
            }
            int initial = 1 << (precision - pointTransform - 1);
            int restartsLeft = restartInterval;
            boolean firstLine = true; // the first line of the image or of a restart interval predicts from the left
            boolean firstSample = true;
            for (int y = 0; y < height; y++) {
                int rowStart = y * width;
                for (int x = 0; x < width; x++) {
                    if (restartInterval > 0) {
                        if (restartsLeft == 0) {
                            reader.restart();
                            restartsLeft = restartInterval;
                            firstLine = true;
                            firstSample = true;
                        }
                        restartsLeft--;
                    }
                    int i = rowStart + x;
                    for (int ci = 0; ci < scan.length; ci++) {
                        int[] s = scan[ci].samples;
                        int prediction;
                        if (firstSample) {
                            prediction = initial;
                        } else if (firstLine) {
                            prediction = s[i - 1];
                        } else if (x == 0) {
                            prediction = s[i - width];
                        } else {
                            int ra = s[i - 1];
                            int rb = s[i - width];
                            int rc = s[i - width - 1];
                            prediction = switch (predictor) {
                                case 1 -> ra;
                                case 2 -> rb;
                                case 3 -> rc;
                                case 4 -> ra + rb - rc;
                                case 5 -> ra + ((rb - rc) >> 1);
                                case 6 -> rb + ((ra - rc) >> 1);
                                default -> (ra + rb) >> 1;
                            };
                        }
                        int t = reader.decode(tables[ci]);
                        int diff;
                        if (t == 16) {
                            diff = 32768;
                        } else if (t > 16) {
                            throw corrupt("lossless difference category " + t + " is invalid");
                        } else {
                            diff = extend(reader.bits(t), t);
                        }
                        s[i] = (prediction + diff) & 0xFFFF;
                    }
                    firstSample = false;
                }
                firstLine = false;
            }
            for (Component c : scan) {
                c.quantTable = pointTransform; // remembered for output: lossless components carry no quantiser
            }
        }

        private DecodedFrame outputLossless() {
            int[][] planes = new int[components.length][];
            for (int i = 0; i < components.length; i++) {
                int shift = components[i].quantTable;
                int[] s = components[i].samples;
                if (shift > 0) {
                    for (int j = 0; j < s.length; j++) {
                        s[j] = (s[j] << shift) & 0xFFFF;
                    }
                }
                planes[i] = s;
            }
            return output(planes);
        }

        // ---- DCT output: IDCT, upsampling, colour ----------------------------------------------------------

        private DecodedFrame outputDct() {
            int[][] planes = new int[components.length][];
            int[] block = new int[64];
            int[] workspace = new int[64];
            int passBits = precision == 8 ? 2 : 1;
            int center = 1 << (precision - 1);
            int max = (1 << precision) - 1;
            for (int ci = 0; ci < components.length; ci++) {
                Component c = components[ci];
                int[] q = quantTables[c.quantTable];
                if (q == null) {
                    throw corrupt("component " + c.id + " uses undefined quantisation table " + c.quantTable);
                }
                int stride = c.blocksPerLine * 8;
                c.planeWidth = stride;
                c.planeHeight = c.blocksPerColumn * 8;
                int[] plane = new int[stride * c.planeHeight];
                for (int by = 0; by < c.blocksPerColumn; by++) {
                    for (int bx = 0; bx < c.blocksPerLine; bx++) {
                        int offset = (by * c.allocBlocksPerLine + bx) * 64;
                        for (int k = 0; k < 64; k++) {
                            block[k] = c.coefficients[offset + k] * q[k];
                        }
                        IslowIdct.transform(block, workspace, passBits, center, max, plane,
                                by * 8 * stride + bx * 8, stride);
                    }
                }
                c.coefficients = null;
                planes[ci] = upsample(c, plane);
            }
            return output(planes);
        }

        /** Brings a component plane to full image size the way libjpeg does with fancy upsampling on. */
        private int[] upsample(Component c, int[] plane) {
            int stride = c.planeWidth;
            int inWidth = ceilDiv(width * c.h, maxH);
            int inHeight = ceilDiv(height * c.v, maxV);
            int[] out = new int[width * height];
            if (c.h == maxH && c.v == maxV) {
                for (int y = 0; y < height; y++) {
                    System.arraycopy(plane, y * stride, out, y * width, width);
                }
                return out;
            }
            if (maxH % c.h != 0 || maxV % c.v != 0) {
                throw new DicomException("JPEG: fractional chroma sampling " + c.h + "x" + c.v + " of " + maxH + "x"
                        + maxV + " is not supported");
            }
            int fx = maxH / c.h;
            int fy = maxV / c.v;
            boolean fancy = inWidth > 2 && fx == 2 && (fy == 1 || fy == 2);
            if (!fancy) {
                for (int y = 0; y < height; y++) {
                    int inRow = (y / fy) * stride;
                    for (int x = 0; x < width; x++) {
                        out[y * width + x] = plane[inRow + x / fx];
                    }
                }
                return out;
            }
            int[] row = new int[2 * inWidth];
            for (int y = 0; y < height; y++) {
                int inY = y / fy;
                if (fy == 1) {
                    h2v1Row(plane, inY * stride, inWidth, row);
                } else {
                    int neighbour = (y & 1) == 0 ? Math.max(inY - 1, 0) : Math.min(inY + 1, inHeight - 1);
                    h2v2Row(plane, inY * stride, neighbour * stride, inWidth, row);
                }
                System.arraycopy(row, 0, out, y * width, width);
            }
            return out;
        }

        // libjpeg 6b h2v1_fancy_upsample: each output sample is 3/4 nearer + 1/4 further input sample
        private static void h2v1Row(int[] in, int p, int inWidth, int[] out) {
            int o = 0;
            int value = in[p];
            out[o++] = value;
            out[o++] = (value * 3 + in[p + 1] + 2) >> 2;
            for (int i = 1; i < inWidth - 1; i++) {
                value = in[p + i] * 3;
                out[o++] = (value + in[p + i - 1] + 1) >> 2;
                out[o++] = (value + in[p + i + 1] + 2) >> 2;
            }
            value = in[p + inWidth - 1];
            out[o++] = (value * 3 + in[p + inWidth - 2] + 1) >> 2;
            out[o] = value;
        }

        // libjpeg 6b h2v2_fancy_upsample: triangular filter over the nearer (weight 3) and further (1) input rows
        private static void h2v2Row(int[] in, int p0, int p1, int inWidth, int[] out) {
            int o = 0;
            int thisSum = in[p0] * 3 + in[p1];
            int nextSum = in[p0 + 1] * 3 + in[p1 + 1];
            out[o++] = (thisSum * 4 + 8) >> 4;
            out[o++] = (thisSum * 3 + nextSum + 7) >> 4;
            int lastSum = thisSum;
            thisSum = nextSum;
            for (int i = 2; i < inWidth; i++) {
                nextSum = in[p0 + i] * 3 + in[p1 + i];
                out[o++] = (thisSum * 3 + lastSum + 8) >> 4;
                out[o++] = (thisSum * 3 + nextSum + 7) >> 4;
                lastSum = thisSum;
                thisSum = nextSum;
            }
            out[o++] = (thisSum * 3 + lastSum + 8) >> 4;
            out[o] = (thisSum * 4 + 7) >> 4;
        }

        private DecodedFrame output(int[][] planes) {
            String photometric = image.photometricInterpretation();
            boolean toRgb = planes.length == 3 && photometric != null && photometric.startsWith("YBR_")
                    && !photometric.equals("YBR_RCT") && !photometric.equals("YBR_ICT");
            if (toRgb) {
                YcbcrToRgb.convert(planes[0], planes[1], planes[2], precision);
                photometric = "RGB";
            }
            int samples = planes.length;
            int pixels = width * height;
            boolean wide = image.bitsAllocated() > 8;
            if (image.bitsAllocated() != 8 && image.bitsAllocated() != 16) {
                throw new DicomException("JPEG: " + image.bitsAllocated() + " bits allocated is not 8 or 16");
            }
            byte[] out = new byte[pixels * samples * (wide ? 2 : 1)];
            for (int s = 0; s < samples; s++) {
                int[] plane = planes[s];
                if (wide) {
                    for (int i = 0, o = s * 2; i < pixels; i++, o += samples * 2) {
                        int v = plane[i];
                        out[o] = (byte) v;
                        out[o + 1] = (byte) (v >> 8);
                    }
                } else {
                    for (int i = 0, o = s; i < pixels; i++, o += samples) {
                        out[o] = (byte) plane[i];
                    }
                }
            }
            return new DecodedFrame(out, photometric);
        }
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
