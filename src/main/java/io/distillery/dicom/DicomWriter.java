package io.distillery.dicom;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Writes Part 10 files (preamble, "DICM", File Meta Information with its group length) and bare datasets in any
 * uncompressed transfer syntax, Deflated Explicit VR Little Endian, or an encapsulated syntax when the pixel data
 * already is {@link Fragments}.
 *
 * <p>Sequences and items are written with undefined length by default (no need to size nested data before writing
 * it; dcmtk and every reader accept it); {@link Options#definedLengths()} switches to explicit lengths. Values are
 * padded to even length with NUL for UI and binary VRs and a space for the other strings; text is encoded with the
 * dataset's (or enclosing dataset's) Specific Character Set. {@link BulkData} values are copied from their file in
 * chunks, swapped on the way when the byte order changes. Group length elements other than (0002,0000) are not
 * written (they are retired).
 */
public final class DicomWriter {
    private static final int UNDEFINED = 0xFFFFFFFF;
    private static final byte[] NO_BYTES = new byte[0];

    /** Writer settings. */
    public record Options(boolean definedLengths, int deflateLevel) {
        public static final Options DEFAULT = new Options(false, Deflater.DEFAULT_COMPRESSION);
    }

    private final Sink out;
    private final boolean explicitVR;
    private final boolean bigEndian;
    private final Options options;

    private DicomWriter(OutputStream os, boolean explicitVR, boolean bigEndian, Options options) {
        this.out = new Sink(os, bigEndian);
        this.explicitVR = explicitVR;
        this.bigEndian = bigEndian;
        this.options = options;
    }

    /** Writes {@code dataset} as a Part 10 file in {@code ts}, with meta information made by {@link #fileMeta}. */
    public static void write(Path path, Attributes fileMeta, Attributes dataset, TransferSyntax ts) throws IOException {
        write(path, fileMeta, dataset, ts, Options.DEFAULT);
    }

    public static void write(Path path, Attributes fileMeta, Attributes dataset, TransferSyntax ts, Options options)
            throws IOException {
        try (OutputStream os = Files.newOutputStream(path)) {
            write(os, fileMeta, dataset, ts, options);
        }
    }

    /** Writes a Part 10 stream; {@code fileMeta} may be null or come from the source file (its UIDs are refreshed). */
    public static void write(OutputStream os, Attributes fileMeta, Attributes dataset, TransferSyntax ts,
            Options options) throws IOException {
        checkPixelEncoding(dataset, ts);
        Attributes meta = fileMeta(fileMeta, dataset, ts);
        os.write(new byte[128]);
        os.write(new byte[] {'D', 'I', 'C', 'M'});
        DicomWriter metaWriter = new DicomWriter(os, true, false, options);
        metaWriter.writeMeta(meta);
        metaWriter.out.flush();
        writeDataset(os, dataset, ts, options);
    }

    /** Writes a dataset without preamble or meta information (a DIMSE data set or a bare file). */
    public static void writeDataset(OutputStream os, Attributes dataset, TransferSyntax ts) throws IOException {
        writeDataset(os, dataset, ts, Options.DEFAULT);
    }

    public static void writeDataset(OutputStream os, Attributes dataset, TransferSyntax ts, Options options)
            throws IOException {
        checkPixelEncoding(dataset, ts);
        if (ts.deflated()) {
            Deflater deflater = new Deflater(options.deflateLevel(), true);
            try {
                CountingStream counted = new CountingStream(os);
                DeflaterOutputStream dos = new DeflaterOutputStream(counted, deflater, 64 * 1024);
                DicomWriter w = new DicomWriter(dos, true, false, options);
                w.writeItemContent(dataset, SpecificCharacterSet.DEFAULT);
                w.out.flush();
                dos.finish();
                if ((counted.count & 1) != 0) {
                    os.write(0); // keep the file even-length, as dcmtk does after a deflated stream
                }
            } finally {
                deflater.end();
            }
            return;
        }
        DicomWriter w = new DicomWriter(os, ts.explicitVR(), ts.bigEndian(), options);
        w.writeItemContent(dataset, SpecificCharacterSet.DEFAULT);
        w.out.flush();
    }

    /**
     * The File Meta Information for writing {@code dataset} in {@code ts}: elements of {@code source} (if any) are
     * kept, the SOP class/instance UIDs come from the dataset, and version, transfer syntax and implementation
     * elements are set by this toolkit.
     */
    public static Attributes fileMeta(Attributes source, Attributes dataset, TransferSyntax ts) {
        Attributes meta = new Attributes();
        if (source != null) {
            source.forEach((tag, vr, value) -> {
                if (Tag.group(tag) == 0x0002 && tag != Tag.FileMetaInformationGroupLength) {
                    meta.setValue(tag, vr, value);
                }
            });
        }
        meta.setBytes(Tag.FileMetaInformationVersion, VR.OB, new byte[] {0, 1});
        String cuid = dataset.getString(Tag.SOPClassUID, meta.getString(Tag.MediaStorageSOPClassUID));
        String iuid = dataset.getString(Tag.SOPInstanceUID, meta.getString(Tag.MediaStorageSOPInstanceUID));
        if (cuid != null) {
            meta.setString(Tag.MediaStorageSOPClassUID, VR.UI, cuid);
        }
        if (iuid != null) {
            meta.setString(Tag.MediaStorageSOPInstanceUID, VR.UI, iuid);
        }
        meta.setString(Tag.TransferSyntaxUID, VR.UI, ts.uid());
        meta.setString(Tag.ImplementationClassUID, VR.UI, Implementation.CLASS_UID);
        meta.setString(Tag.ImplementationVersionName, VR.SH, Implementation.VERSION_NAME);
        return meta;
    }

    private static void checkPixelEncoding(Attributes dataset, TransferSyntax ts) {
        Object pixels = dataset.getValue(Tag.PixelData);
        if (pixels instanceof Fragments && !ts.encapsulated()) {
            throw new DicomException("pixel data is encapsulated (compressed); it must be decoded before writing "
                    + ts);
        }
        if (pixels != null && !(pixels instanceof Fragments) && ts.encapsulated()) {
            throw new DicomException("pixel data is native; it must be encoded before writing " + ts);
        }
    }

    private void writeMeta(Attributes meta) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DicomWriter w = new DicomWriter(body, true, false, options);
        w.writeItemContent(meta, SpecificCharacterSet.DEFAULT);
        w.out.flush();
        out.header(Tag.FileMetaInformationGroupLength, VR.UL, 4, true);
        out.u32(body.size());
        out.flush();
        body.writeTo(out.os);
    }

    // ---- datasets -----------------------------------------------------------------------------------------

    private void writeItemContent(Attributes ds, SpecificCharacterSet inherited) throws IOException {
        SpecificCharacterSet cs = ds.contains(Tag.SpecificCharacterSet)
                ? charsetOf(ds.getStrings(Tag.SpecificCharacterSet)) : inherited;
        IOException[] failure = new IOException[1];
        ds.forEach((tag, vr, value) -> {
            if (failure[0] != null || Tag.isGroupLength(tag) && Tag.group(tag) != 0x0002) {
                return;
            }
            try {
                writeElement(ds, tag, vr, value, cs);
            } catch (IOException e) {
                failure[0] = e;
            }
        });
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    /** Unknown terms were read as ISO 8859-1 (see DicomReader); they are written back the same way. */
    static SpecificCharacterSet charsetOf(String[] terms) {
        try {
            return SpecificCharacterSet.of(terms);
        } catch (DicomException e) {
            return SpecificCharacterSet.DEFAULT;
        }
    }

    private void writeElement(Attributes ds, int tag, VR vr, Object value, SpecificCharacterSet cs)
            throws IOException {
        if (value instanceof Sequence seq) {
            writeSequence(tag, seq, cs);
            return;
        }
        if (value instanceof Fragments frags) {
            writeFragments(tag, vr, frags);
            return;
        }
        if (value instanceof BulkData bd) {
            long len = bd.length();
            long padded = len + (len & 1);
            VR wvr = fitVR(vr, padded);
            if (padded > 0xFFFFFFFEL) {
                throw new DicomException(Tag.toString(tag) + " value of " + len + " bytes is too long for DICOM");
            }
            out.header(tag, wvr, (int) padded, explicitVR);
            copyBulk(bd, Values.swapUnit(tag, vr, ds));
            if ((len & 1) != 0) {
                out.u8(0);
            }
            return;
        }
        byte[] bytes = encodeValue(tag, vr, value, cs, bigEndian ? Values.swapUnit(tag, vr, ds) : 1);
        VR wvr = fitVR(vr, bytes.length);
        out.header(tag, wvr, bytes.length, explicitVR);
        out.bytes(bytes, 0, bytes.length);
    }

    /** A value too long for a 16-bit explicit length is written as UN, as dcmtk does. */
    private VR fitVR(VR vr, long len) {
        return explicitVR && !vr.hasLongHeader() && len > 0xFFFF ? VR.UN : vr;
    }

    /**
     * The encoded, even-length bytes of a non-sequence value; {@code swapUnit} &gt; 1 converts to big-endian (see
     * {@link Values#swapUnit}).
     */
    static byte[] encodeValue(int tag, VR vr, Object value, SpecificCharacterSet cs, int swapUnit) {
        if (value == null) {
            return NO_BYTES;
        }
        byte[] b;
        if (value instanceof String s) {
            if (!vr.isStringLike()) {
                throw new DicomException(Tag.toString(tag) + " " + vr + " holds a string; expected bytes");
            }
            b = vr.usesSpecificCharacterSet() ? cs.encode(s, vr) : s.getBytes(StandardCharsets.ISO_8859_1);
            if ((b.length & 1) != 0) {
                byte[] p = new byte[b.length + 1];
                System.arraycopy(b, 0, p, 0, b.length);
                p[b.length] = (byte) vr.paddingByte();
                b = p;
            }
            return b;
        }
        if (value instanceof byte[] raw) {
            int unit = swapUnit;
            boolean swap = unit > 1;
            if (!swap && (raw.length & 1) == 0) {
                return raw;
            }
            b = new byte[raw.length + (raw.length & 1)];
            System.arraycopy(raw, 0, b, 0, raw.length);
            if (swap) {
                Values.swap(b, unit);
            }
            return b;
        }
        throw new DicomException(Tag.toString(tag) + " holds an unsupported value type " + value.getClass().getName());
    }

    /** Copies a value from its file; {@code unit} is its swap unit, applied when the byte orders differ. */
    private void copyBulk(BulkData bd, int unit) throws IOException {
        boolean swap = unit > 1 && bd.bigEndian() != bigEndian;
        out.flush();
        byte[] chunk = new byte[64 * 1024];
        long left = bd.length();
        try (InputStream in = bd.openStream()) {
            int carry = 0;
            while (left > 0) {
                int n = in.read(chunk, carry, (int) Math.min(chunk.length - carry, left));
                if (n < 0) {
                    throw new DicomException("bulk data in " + bd.file() + " at offset " + bd.offset()
                            + " ends early");
                }
                left -= n;
                int have = carry + n;
                int whole = swap ? have - have % unit : have;
                if (swap) {
                    swapRange(chunk, whole, unit); // complete units only; a partial unit waits for its rest
                }
                out.os.write(chunk, 0, whole);
                carry = have - whole;
                System.arraycopy(chunk, whole, chunk, 0, carry);
            }
            if (carry > 0) {
                out.os.write(chunk, 0, carry);
            }
        }
    }

    private static void swapRange(byte[] b, int len, int unit) {
        for (int i = 0; i + unit <= len; i += unit) {
            for (int j = 0; j < unit / 2; j++) {
                byte t = b[i + j];
                b[i + j] = b[i + unit - 1 - j];
                b[i + unit - 1 - j] = t;
            }
        }
    }

    private void writeSequence(int tag, Sequence seq, SpecificCharacterSet cs) throws IOException {
        // In implicit VR a reader knows a sequence only from the dictionary; private and unknown ones get a
        // defined length, else they would have to be read as UN sequences (CP-246).
        boolean knownSQ = explicitVR || ElementDictionary.vrOf(tag) == VR.SQ && !Tag.isPrivate(tag);
        if (!options.definedLengths() && knownSQ) {
            out.header(tag, VR.SQ, UNDEFINED, explicitVR);
            for (Attributes item : seq) {
                out.itemHeader(Tag.Item, UNDEFINED);
                writeItemContent(item, cs);
                out.itemHeader(Tag.ItemDelimitationItem, 0);
            }
            out.itemHeader(Tag.SequenceDelimitationItem, 0);
            return;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DicomWriter w = new DicomWriter(body, explicitVR, bigEndian, options);
        for (Attributes item : seq) {
            ByteArrayOutputStream itemBody = new ByteArrayOutputStream();
            DicomWriter iw = new DicomWriter(itemBody, explicitVR, bigEndian, options);
            iw.writeItemContent(item, cs);
            iw.out.flush();
            w.out.itemHeader(Tag.Item, itemBody.size());
            w.out.flush();
            itemBody.writeTo(body);
        }
        w.out.flush();
        out.header(tag, VR.SQ, body.size(), explicitVR);
        out.flush();
        body.writeTo(out.os);
    }

    private void writeFragments(int tag, VR vr, Fragments frags) throws IOException {
        out.header(tag, vr == VR.OW ? VR.OW : VR.OB, UNDEFINED, explicitVR);
        for (Object item : frags.items()) {
            long len = Fragments.lengthOf(item);
            out.itemHeader(Tag.Item, (int) (len + (len & 1)));
            if (item instanceof BulkData bd) {
                copyBulk(bd, 1);
            } else {
                byte[] b = (byte[]) item;
                out.bytes(b, 0, b.length);
            }
            if ((len & 1) != 0) {
                out.u8(0);
            }
        }
        out.itemHeader(Tag.SequenceDelimitationItem, 0);
    }

    /** Counts what the deflater writes; never closes the target. */
    private static final class CountingStream extends java.io.FilterOutputStream {
        long count;

        CountingStream(OutputStream os) {
            super(os);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    /** A small buffered writer of element headers in one byte order. */
    private static final class Sink {
        final OutputStream os;
        private final boolean bigEndian;
        private final byte[] buf = new byte[16 * 1024];
        private int n;

        Sink(OutputStream os, boolean bigEndian) {
            this.os = os;
            this.bigEndian = bigEndian;
        }

        void header(int tag, VR vr, int len, boolean explicit) throws IOException {
            tag(tag);
            if (!explicit) {
                u32(len);
            } else if (vr.hasLongHeader()) {
                u8(vr.code() >> 8);
                u8(vr.code() & 0xFF);
                u16(0);
                u32(len);
            } else {
                u8(vr.code() >> 8);
                u8(vr.code() & 0xFF);
                u16(len);
            }
        }

        void itemHeader(int tag, int len) throws IOException {
            tag(tag);
            u32(len);
        }

        void tag(int tag) throws IOException {
            u16(tag >>> 16);
            u16(tag & 0xFFFF);
        }

        void u8(int v) throws IOException {
            if (n == buf.length) {
                flush();
            }
            buf[n++] = (byte) v;
        }

        void u16(int v) throws IOException {
            if (bigEndian) {
                u8(v >> 8);
                u8(v);
            } else {
                u8(v);
                u8(v >> 8);
            }
        }

        void u32(int v) throws IOException {
            if (bigEndian) {
                u16(v >>> 16);
                u16(v & 0xFFFF);
            } else {
                u16(v & 0xFFFF);
                u16(v >>> 16);
            }
        }

        void bytes(byte[] b, int off, int len) throws IOException {
            if (len > buf.length - n) {
                flush();
                if (len > buf.length) {
                    os.write(b, off, len);
                    return;
                }
            }
            System.arraycopy(b, off, buf, n, len);
            n += len;
        }

        void flush() throws IOException {
            if (n > 0) {
                os.write(buf, 0, n);
                n = 0;
            }
        }
    }
}
