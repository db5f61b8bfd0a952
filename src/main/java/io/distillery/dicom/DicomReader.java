package io.distillery.dicom;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * Parses DICOM Part 10 files (PS3.10 7.1) and bare datasets (PS3.5 section 7) into {@link Attributes}.
 *
 * <p>Decisions worth knowing:
 * <ul>
 *   <li>Reading a file leaves pixel data, fragments and bulk values of at least {@link Options#bulkDataThreshold()}
 *       bytes in the file as {@link BulkData}; a stream is loaded, in chunks, so a declared length never causes an
 *       allocation larger than the bytes that really arrive.</li>
 *   <li>Explicit VR: a two-letter VR code that is not in PS3.5 is read as UN with the 4-byte length form, the form
 *       PS3.5 7.1.2 promises for future VRs; anything else in the VR field is an error.</li>
 *   <li>UN with undefined length is a sequence encoded in Implicit VR Little Endian (CP-246) and becomes SQ.</li>
 *   <li>Group length elements (gggg,0000) outside the file meta group are dropped: they are retired and go stale
 *       as soon as a dataset changes; writers recompute what they need.</li>
 *   <li>Implicit VR: ambiguous dictionary VRs are resolved as PS3.5 A.1 and dcmtk do: "US or SS" by Pixel
 *       Representation (LUT descriptors always US); pixel data and the other "OB or OW" elements are OW
 *       (PS3.5 A.1 c), and so is LUT data.</li>
 *   <li>An unknown term in Specific Character Set falls back to reading the bytes as ISO 8859-1, which keeps them
 *       exactly (the term itself is kept, so writing restores the same bytes).</li>
 * </ul>
 */
public final class DicomReader {
    private static final long UNDEFINED = 0xFFFFFFFFL;
    /** Largest unknown implicit-VR value that is tried as a sequence (see readUnknownSequence). */
    private static final long MAX_SNIFFED_SEQUENCE = 16 << 20;
    /** Largest value loaded into a byte array (a Java array limit); larger ones must stay in a file as BulkData. */
    private static final long MAX_LOADED_VALUE = Integer.MAX_VALUE - 8;

    /** Reader settings. */
    public record Options(int bulkDataThreshold, int maxDepth, long maxInflatedBytes) {
        /** 64 KiB bulk threshold, 64 nested sequence levels, 1 GiB inflated. */
        public static final Options DEFAULT = new Options(64 * 1024, 64, 1L << 30);
    }

    private final DicomInput in;
    private final Options options;
    private final Path file;
    private boolean explicitVR;
    private boolean bigEndian;
    /** Tag of the element read last, so the dataset loop sees a new Specific Character Set. */
    private int lastTag;

    private DicomReader(DicomInput in, Options options) {
        this.in = in;
        this.options = options;
        this.file = in.file();
    }

    /** Reads a Part 10 file or bare dataset; bulk values stay in the file. */
    public static DicomFile read(Path path) throws IOException {
        return read(path, Options.DEFAULT);
    }

    public static DicomFile read(Path path, Options options) throws IOException {
        try (DicomInput in = DicomInput.of(path)) {
            return new DicomReader(in, options).readFile();
        }
    }

    /** Reads a Part 10 file or bare dataset from a stream; everything is loaded. The stream is not closed. */
    public static DicomFile read(InputStream stream) throws IOException {
        return read(stream, Options.DEFAULT);
    }

    public static DicomFile read(InputStream stream, Options options) throws IOException {
        return new DicomReader(DicomInput.of(stream), options).readFile();
    }

    /**
     * Reads a dataset without preamble or file meta in a known transfer syntax, to the end of the stream (as in a
     * DIMSE message's data set). Deflated syntaxes are inflated here.
     */
    public static Attributes readDataset(InputStream stream, TransferSyntax ts) throws IOException {
        DicomReader r = new DicomReader(DicomInput.of(stream), Options.DEFAULT);
        return r.readBody(ts);
    }

    // ---- file structure ---------------------------------------------------------------------------------

    private DicomFile readFile() throws IOException {
        try {
            Attributes meta = new Attributes();
            boolean hasMeta = false;
            if (in.request(132) && isDicm(in.buf, in.pos + 128)) {
                in.skip(132);
                hasMeta = true;
            } else if (in.request(4) && isDicm(in.buf, in.pos)) {
                in.skip(4);
                hasMeta = true;
            } else if (in.request(2) && u16le(in.buf, in.pos) == 0x0002) {
                hasMeta = true; // meta group without preamble
            }
            TransferSyntax ts = null;
            if (hasMeta) {
                readMeta(meta);
                String uid = meta.getString(Tag.TransferSyntaxUID);
                if (uid != null) {
                    ts = TransferSyntax.lookup(uid.trim()).orElseThrow(() -> new DicomException(
                            "unknown transfer syntax " + DicomException.quote(uid.trim()) + " in (0002,0010)"));
                }
            }
            if (ts == null) {
                ts = detect(hasMeta);
            } else if (ts.equals(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN)
                    || ts.equals(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN)) {
                ts = checkDeclaredEncoding(ts);
            }
            Attributes ds = readBody(ts);
            return new DicomFile(meta, ds, ts);
        } catch (EOFException e) {
            throw new DicomException("unexpected end of input at offset " + in.position());
        }
    }

    private static boolean isDicm(byte[] b, int i) {
        return b[i] == 'D' && b[i + 1] == 'I' && b[i + 2] == 'C' && b[i + 3] == 'M';
    }

    /** File meta elements: Explicit VR Little Endian, as long as the group is 0002. */
    private void readMeta(Attributes meta) throws IOException {
        explicitVR = true;
        bigEndian = false;
        while (in.request(2) && u16le(in.buf, in.pos) == 0x0002) {
            readElement(meta, -1, 0, SpecificCharacterSet.DEFAULT, true);
        }
    }

    /** Guesses the encoding of a dataset that has no transfer syntax from the header of its first element. */
    private TransferSyntax detect(boolean afterMeta) throws IOException {
        if (!in.request(8)) {
            if (afterMeta && in.atEnd()) {
                return TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN;
            }
            throw new DicomException("not a DICOM file: " + (afterMeta ? "dataset" : "input")
                    + " too short at offset " + in.position());
        }
        byte[] b = in.buf;
        int p = in.pos;
        int groupLE = u16le(b, p);
        int groupBE = u16be(b, p);
        boolean vrCode = VR.ofCode(u16be(b, p + 4)) != null;
        if (vrCode && plausibleGroup(groupLE)) {
            return TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN;
        }
        if (vrCode && plausibleGroup(groupBE)) {
            return TransferSyntax.EXPLICIT_VR_BIG_ENDIAN;
        }
        if (plausibleGroup(groupLE) || afterMeta) {
            return TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN; // after a meta group it is DICOM: the default TS
        }
        throw new DicomException("not a DICOM file: no DICM prefix and no recognisable data element at offset "
                + in.position());
    }

    /**
     * Some writers declare one little-endian syntax in the meta group and encode the other; as dcmtk does, the first
     * element's header decides when it is unambiguous (a VR code with a short length that fits, or none at all).
     */
    private TransferSyntax checkDeclaredEncoding(TransferSyntax declared) throws IOException {
        if (!in.request(8)) {
            return declared;
        }
        byte[] b = in.buf;
        int p = in.pos;
        VR vr = VR.ofCode(u16be(b, p + 4));
        boolean looksExplicit = vr != null && !vr.hasLongHeader() && u16le(b, p + 6) <= Math.max(0, in.remaining());
        boolean looksImplicit = vr == null && u16le(b, p + 2) != 0xFFFF;
        if (declared.explicitVR() && looksImplicit) {
            return TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN;
        }
        // an implicit length whose low bytes spell a VR would leave an explicit length of 0 here
        if (!declared.explicitVR() && looksExplicit && plausibleGroup(u16le(b, p)) && u16le(b, p + 6) != 0) {
            return TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN;
        }
        return declared;
    }

    /** A first group that a bare dataset plausibly starts with (0001 to 00FF): text and images fail this. */
    private static boolean plausibleGroup(int g) {
        return g >= 0x0001 && g <= 0x00FF;
    }

    private Attributes readBody(TransferSyntax ts) throws IOException {
        Attributes ds = new Attributes();
        explicitVR = ts.explicitVR();
        bigEndian = ts.bigEndian();
        if (!ts.deflated()) {
            readDataset(ds, -1, 0, SpecificCharacterSet.DEFAULT);
            return ds;
        }
        // PS3.5 A.5 says raw deflate; some writers wrap it in a zlib header, which is recognised and accepted
        boolean zlib = in.request(2) && isZlibHeader(in.buf[in.pos] & 0xFF, in.buf[in.pos + 1] & 0xFF);
        Inflater inflater = new Inflater(!zlib);
        InputStream raw = in.rest();
        try {
            InputStream inflated = new CappedStream(new InflaterInputStream(raw, inflater, 64 * 1024),
                    options.maxInflatedBytes());
            DicomReader body = new DicomReader(DicomInput.of(inflated), options);
            body.explicitVR = true;
            body.bigEndian = false;
            try {
                body.readDataset(ds, -1, 0, SpecificCharacterSet.DEFAULT);
            } catch (EOFException e) {
                throw new DicomException("unexpected end of deflated dataset at inflated offset "
                        + body.in.position());
            }
            return ds;
        } catch (ZipException e) {
            throw new DicomException("corrupt deflated dataset: " + e.getMessage());
        } finally {
            inflater.end();
        }
    }

    private static boolean isZlibHeader(int b0, int b1) {
        return (b0 & 0x0F) == 8 && (b0 >> 4) <= 7 && ((b0 << 8) | b1) % 31 == 0;
    }

    // ---- datasets, elements, values ---------------------------------------------------------------------

    /**
     * Reads elements into {@code ds} until {@code end} (absolute offset) or, with end -1, until an item delimiter
     * (depth > 0) or the end of the input (depth 0).
     */
    private void readDataset(Attributes ds, long end, int depth, SpecificCharacterSet cs) throws IOException {
        SpecificCharacterSet current = cs;
        while (true) {
            long pos = in.position();
            if (end >= 0) {
                if (pos >= end) {
                    if (pos > end) {
                        throw new DicomException("element overruns the item that ends at offset " + end);
                    }
                    return;
                }
            } else if (depth == 0 && (in.atEnd() || zeroPaddingToTheEnd())) {
                return;
            }
            if (!readElement(ds, end, depth, current, false)) {
                return; // item delimiter
            }
            if (lastTag == Tag.SpecificCharacterSet) {
                current = charsetOf(ds, cs);
            }
        }
    }

    /**
     * Some writers pad files with zero bytes after the last element; a top-level header of zeros followed by nothing
     * but zeros ends the dataset (dcmtk reads it as an empty (0000,0000) element and warns).
     */
    private boolean zeroPaddingToTheEnd() throws IOException {
        if (!in.request(8) || u16le(in.buf, in.pos) != 0 || u16le(in.buf, in.pos + 2) != 0
                || u16le(in.buf, in.pos + 4) != 0 || u16le(in.buf, in.pos + 6) != 0) {
            return false;
        }
        long at = in.position();
        while (in.request(1)) {
            for (int i = in.pos; i < in.lim; i++) {
                if (in.buf[i] != 0) {
                    throw new DicomException("zero bytes at offset " + at + " followed by data at offset "
                            + (in.position() + i - in.pos));
                }
            }
            in.pos = in.lim;
        }
        return true;
    }

    private static SpecificCharacterSet charsetOf(Attributes ds, SpecificCharacterSet inherited) {
        if (!ds.contains(Tag.SpecificCharacterSet)) {
            return inherited;
        }
        try {
            return SpecificCharacterSet.of(ds.getStrings(Tag.SpecificCharacterSet));
        } catch (DicomException e) {
            return SpecificCharacterSet.DEFAULT;
        }
    }

    /** Reads one element; returns false when it was the item delimiter that ends an undefined-length item. */
    private boolean readElement(Attributes ds, long end, int depth, SpecificCharacterSet cs, boolean meta)
            throws IOException {
        long at = in.position();
        in.require(8, "element header");
        byte[] b = in.buf;
        int p = in.pos;
        int tag = readTag(b, p);
        VR vr;
        long len;
        if ((tag >>> 16) == 0xFFFE) {
            len = u32(b, p + 4);
            in.pos += 8;
            if (tag == Tag.ItemDelimitationItem && depth > 0 && end < 0) {
                return false;
            }
            throw new DicomException("unexpected " + Tag.toString(tag) + " at offset " + at
                    + (depth == 0 ? " at the top level" : " inside an item"));
        }
        if (explicitVR) {
            int code = u16be(b, p + 4);
            vr = VR.ofCode(code);
            boolean longForm;
            if (vr == null) {
                if (!isUpper(code >> 8) || !isUpper(code & 0xFF)) {
                    throw new DicomException(String.format("invalid VR code 0x%04X for %s at offset %d", code,
                            Tag.toString(tag), at));
                }
                vr = VR.UN;
                longForm = true;
            } else {
                longForm = vr.hasLongHeader();
            }
            if (longForm) {
                in.require(12, "element header");
                b = in.buf;
                p = in.pos;
                len = u32(b, p + 8);
                in.pos += 12;
            } else {
                len = u16(b, p + 6);
                in.pos += 8;
            }
        } else {
            len = u32(b, p + 4);
            in.pos += 8;
            vr = implicitVR(tag, ds);
        }
        lastTag = tag;
        readValue(ds, tag, vr, len, end, depth, cs, meta);
        return true;
    }

    private static boolean isUpper(int c) {
        return c >= 'A' && c <= 'Z';
    }

    private VR implicitVR(int tag, Attributes ds) {
        if (Tag.isPrivate(tag)) {
            return Tag.isPrivateCreator(tag) ? VR.LO : VR.UN;
        }
        VR vr = ElementDictionary.vrOf(tag);
        String ambiguity = ElementDictionary.ambiguousVR(tag);
        if (ambiguity == null) {
            return vr;
        }
        if (ambiguity.equals("US or SS")) {
            if (tag == Tag.LUTDescriptor || (tag >= 0x00281100 && tag <= 0x00281113)) {
                return VR.US;
            }
            return inherited(ds, Tag.PixelRepresentation) == 1 ? VR.SS : VR.US;
        }
        return VR.OW; // PS3.5 A.1 c: pixel data, overlay data and the other "OB or OW" are OW in implicit VR
    }

    private static int inherited(Attributes ds, int tag) {
        for (Attributes a = ds; a != null; a = a.parent()) {
            if (a.contains(tag)) {
                return a.getInt(tag, -1);
            }
        }
        return -1;
    }

    private void readValue(Attributes ds, int tag, VR vr, long len, long end, int depth, SpecificCharacterSet cs,
            boolean meta) throws IOException {
        long at = in.position();
        if (len == UNDEFINED) {
            if (vr == VR.SQ) {
                readSequence(ds, tag, -1, depth, cs);
            } else if (vr == VR.UN) {
                // CP-246: an undefined-length UN is a sequence in Implicit VR Little Endian
                boolean e = explicitVR;
                boolean be = bigEndian;
                explicitVR = false;
                bigEndian = false;
                try {
                    readSequence(ds, tag, -1, depth, cs);
                } finally {
                    explicitVR = e;
                    bigEndian = be;
                }
            } else if (vr == VR.OB || vr == VR.OW) {
                readFragments(ds, tag, vr, end);
            } else {
                throw new DicomException(Tag.toString(tag) + " " + vr + " has undefined length at offset " + at);
            }
            return;
        }
        long avail = available(end);
        if (vr == VR.SQ) {
            readSequence(ds, tag, at + Math.min(len, avail), depth, cs); // clamped like items, see readSequence
            return;
        }
        if (len > avail) {
            throw new DicomException(Tag.toString(tag) + " declares " + len + " bytes but only " + avail
                    + " remain at offset " + at);
        }
        if (Tag.isGroupLength(tag) && !meta) {
            in.skip(len);
            return;
        }
        if (len == 0) {
            ds.setValue(tag, vr, null);
            return;
        }
        if (vr == VR.UN && !explicitVR && len >= 8 && len <= MAX_SNIFFED_SEQUENCE && in.request(4)
                && readTag(in.buf, in.pos) == Tag.Item) {
            readUnknownSequence(ds, tag, len, depth, cs);
            return;
        }
        VR.Kind kind = vr.kind();
        if (kind == VR.Kind.BULK && file != null
                && (len >= options.bulkDataThreshold() || isPixelData(tag) && depth == 0)) {
            ds.setValue(tag, vr, new BulkData(file, at, len, bigEndian && Values.swapUnit(tag, vr, ds) > 1));
            in.skip(len);
            return;
        }
        if (len > MAX_LOADED_VALUE) {
            throw new DicomException(Tag.toString(tag) + " declares " + len + " bytes at offset " + at
                    + ", more than a value held in memory can have");
        }
        int n = (int) len;
        if (vr.isStringLike()) {
            byte[] bytes;
            int off;
            if (n <= in.buf.length) {
                in.require(n, Tag.toString(tag) + " value");
                bytes = in.buf;
                off = in.pos;
                in.pos += n;
            } else {
                bytes = in.readBytes(len, Tag.toString(tag));
                off = 0;
            }
            int stop = off + n;
            while (stop > off && (bytes[stop - 1] == ' ' || bytes[stop - 1] == 0)) {
                stop--;
            }
            if (stop == off) {
                ds.setValue(tag, vr, null);
                return;
            }
            String s = kind == VR.Kind.STRING ? new String(bytes, off, stop - off, StandardCharsets.ISO_8859_1)
                    : cs.decode(bytes, off, stop - off, vr);
            ds.setValue(tag, vr, s);
            return;
        }
        byte[] bytes = in.readBytes(len, Tag.toString(tag));
        if (bigEndian) {
            Values.swap(bytes, Values.swapUnit(tag, vr, ds));
        }
        ds.setValue(tag, vr, bytes);
    }

    /**
     * An unknown (private) element in implicit VR whose value starts with an item tag is a sequence with defined
     * length, as writers are told to encode them (CP-246); it is parsed from the loaded value and, if that fails,
     * kept as UN bytes.
     */
    private void readUnknownSequence(Attributes ds, int tag, long len, int depth, SpecificCharacterSet cs)
            throws IOException {
        byte[] value = in.readBytes(len, Tag.toString(tag));
        DicomReader sub = new DicomReader(DicomInput.of(new java.io.ByteArrayInputStream(value)), options);
        sub.explicitVR = false;
        sub.bigEndian = bigEndian;
        try {
            sub.readSequence(ds, tag, len, depth, cs);
        } catch (DicomException | EOFException e) {
            ds.setValue(tag, VR.UN, value);
        }
    }

    /** Bytes the current value may use: up to the enclosing item's end and the end of the input, when known. */
    private long available(long end) {
        long rem = in.remaining();
        long toEnd = end >= 0 ? end - in.position() : Long.MAX_VALUE;
        return rem < 0 ? toEnd : Math.min(rem, toEnd);
    }

    private static boolean isPixelData(int tag) {
        return tag == Tag.PixelData || tag == Tag.FloatPixelData || tag == Tag.DoubleFloatPixelData;
    }

    private void readSequence(Attributes ds, int tag, long seqEnd, int depth, SpecificCharacterSet cs)
            throws IOException {
        if (depth >= options.maxDepth()) {
            throw new DicomException("sequences nested deeper than " + options.maxDepth() + " levels at "
                    + Tag.toString(tag) + ", offset " + in.position());
        }
        Sequence seq = ds.newSequence(tag);
        while (true) {
            long at = in.position();
            if (seqEnd >= 0 && at >= seqEnd) {
                if (at > seqEnd) {
                    throw new DicomException("item overruns sequence " + Tag.toString(tag) + " ending at offset "
                            + seqEnd);
                }
                return;
            }
            in.require(8, "item header in " + Tag.toString(tag));
            int itemTag = readTag(in.buf, in.pos);
            long itemLen = u32(in.buf, in.pos + 4);
            in.pos += 8;
            if (itemTag == Tag.SequenceDelimitationItem && seqEnd < 0) {
                return;
            }
            if (itemTag != Tag.Item) {
                throw new DicomException("expected an item in sequence " + Tag.toString(tag) + " at offset " + at
                        + " but found " + Tag.toString(itemTag));
            }
            Attributes item = seq.addItem();
            if (itemLen == UNDEFINED) {
                readDataset(item, -1, depth + 1, cs);
            } else {
                // An item longer than what is left of its sequence or input is read to that end, as dcmtk does
                // (seen in DICOMDIRs edited after writing); its elements are still checked one by one.
                long avail = available(seqEnd);
                readDataset(item, in.position() + Math.min(itemLen, avail), depth + 1, cs);
            }
        }
    }

    private void readFragments(Attributes ds, int tag, VR vr, long end) throws IOException {
        Fragments frags = new Fragments();
        while (true) {
            long at = in.position();
            in.require(8, "item header in encapsulated " + Tag.toString(tag));
            int itemTag = readTag(in.buf, in.pos);
            long len = u32(in.buf, in.pos + 4);
            in.pos += 8;
            if (itemTag == Tag.SequenceDelimitationItem) {
                break;
            }
            if (itemTag != Tag.Item || len == UNDEFINED) {
                throw new DicomException("expected a fragment item in " + Tag.toString(tag) + " at offset " + at
                        + " but found " + Tag.toString(itemTag) + (len == UNDEFINED ? " of undefined length" : ""));
            }
            long avail = available(end);
            if (len > avail) {
                throw new DicomException("fragment of " + Tag.toString(tag) + " declares " + len
                        + " bytes but only " + avail + " remain at offset " + at);
            }
            boolean first = frags.items().isEmpty();
            if (file != null && (!first || len >= options.bulkDataThreshold())) {
                frags.add(new BulkData(file, in.position(), len, false));
                in.skip(len);
            } else {
                frags.add(in.readBytes(len, "fragment of " + Tag.toString(tag)));
            }
        }
        ds.setValue(tag, vr, frags);
    }

    // ---- primitive decoding ----------------------------------------------------------------------------

    private int readTag(byte[] b, int p) {
        return bigEndian ? (u16be(b, p) << 16) | u16be(b, p + 2) : (u16le(b, p) << 16) | u16le(b, p + 2);
    }

    private int u16(byte[] b, int p) {
        return bigEndian ? u16be(b, p) : u16le(b, p);
    }

    private long u32(byte[] b, int p) {
        return bigEndian
                ? ((long) (b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF)
                : ((long) (b[p + 3] & 0xFF) << 24) | ((b[p + 2] & 0xFF) << 16) | ((b[p + 1] & 0xFF) << 8)
                        | (b[p] & 0xFF);
    }

    static int u16le(byte[] b, int p) {
        return (b[p] & 0xFF) | ((b[p + 1] & 0xFF) << 8);
    }

    static int u16be(byte[] b, int p) {
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }

    /** Fails once more than {@code cap} bytes have been inflated (a deflate bomb is an error, not an OOM). */
    private static final class CappedStream extends FilterInputStream {
        private final long cap;
        private long count;

        CappedStream(InputStream in, long cap) {
            super(in);
            this.cap = cap;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            count += n;
            if (count > cap) {
                throw new DicomException("deflated dataset inflates to more than " + cap + " bytes");
            }
        }
    }
}
