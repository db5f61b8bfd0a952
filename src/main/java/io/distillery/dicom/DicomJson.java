package io.distillery.dicom;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The DICOM JSON Model of PS3.18 Annex F: writer and reader.
 *
 * <p>Writing follows the standard and, where it leaves a choice, dcmtk's {@code dcm2json}:
 * <ul>
 *   <li>keys "GGGGEEEE", each with "vr" and, when the element has a value, "Value", "InlineBinary" or
 *       "BulkDataURI"; an empty element has only "vr";</li>
 *   <li>IS and DS are JSON numbers; a value that is already a valid JSON number is written as it was stored
 *       ("5.0" stays 5.0, like dcm2json), one that is a valid decimal in another spelling ("+5", ".5", "007") is
 *       written in canonical form, and one that is not a number at all is kept as a JSON string rather than lost;</li>
 *   <li>an empty value inside a multi-valued element is JSON null (F.2.5);</li>
 *   <li>PN values are objects with "Alphabetic", "Ideographic", "Phonetic" (only the groups present);</li>
 *   <li>AT values are "GGGGEEEE" strings; FL/FD NaN and infinities are the strings "NaN", "Infinity",
 *       "-Infinity"; SV/UV beyond 2^53 are decimal strings (a JSON number would lose digits);</li>
 *   <li>OB, OD, OF, OL, OV, OW, UN and encapsulated pixel data: "InlineBinary" (base64, little-endian) when the
 *       value is at most {@code inlineLimit} bytes, else a "BulkDataURI" when the value lies in a file; a value over
 *       the limit that exists only in memory (e.g. from a deflated file) is inlined, since there is nothing to
 *       refer to;</li>
 *   <li>encapsulated pixel data: the value field as encoded in Part 10 (Basic Offset Table item, fragment items,
 *       Sequence Delimitation Item), as pydicom writes it;</li>
 *   <li>private creators and private elements are written like any other element.</li>
 * </ul>
 *
 * <p>The BulkDataURI form is {@code file:///absolute/path?offset=N&length=M}: the value's bytes as stored in that
 * file, starting N bytes into it (dcm4che's form). For a file in Explicit VR Big Endian the bytes are big-endian as
 * stored, with {@code &endian=big} appended. The reader resolves this form back into a {@link BulkData}.
 */
public final class DicomJson {
    /** Default largest value written inline: 64 KiB. */
    public static final int DEFAULT_INLINE_LIMIT = 64 * 1024;

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    private static final long MAX_SAFE_INTEGER = 1L << 53;

    private final int inlineLimit;
    private final boolean pretty;

    /**
     * @param inlineLimit largest bulk value (bytes) written as InlineBinary; larger values held in a file become
     *     a BulkDataURI
     * @param pretty indent the output
     */
    public DicomJson(int inlineLimit, boolean pretty) {
        if (inlineLimit < 0) {
            throw new IllegalArgumentException("inline limit must be >= 0");
        }
        this.inlineLimit = inlineLimit;
        this.pretty = pretty;
    }

    public DicomJson() {
        this(DEFAULT_INLINE_LIMIT, true);
    }

    /** Writes one JSON object holding the elements of {@code meta} (may be null) followed by {@code dataset}. */
    public void write(Attributes meta, Attributes dataset, OutputStream out) {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            if (pretty) {
                g.setPrettyPrinter(new DefaultPrettyPrinter());
            }
            g.writeStartObject();
            if (meta != null) {
                writeElements(g, meta);
            }
            writeElements(g, dataset);
            g.writeEndObject();
            if (pretty) {
                g.writeRaw('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The dataset as a DICOM JSON string. */
    public String toJson(Attributes dataset) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(null, dataset, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private void writeElements(JsonGenerator g, Attributes ds) throws IOException {
        for (int tag : ds.tags()) {
            g.writeFieldName(Tag.toHex(tag));
            writeElement(g, tag, ds.getVR(tag), ds.getValue(tag));
        }
    }

    private void writeElement(JsonGenerator g, int tag, VR vr, Object value) throws IOException {
        g.writeStartObject();
        g.writeStringField("vr", vr.name());
        if (value instanceof Sequence seq) {
            if (!seq.isEmpty()) {
                g.writeArrayFieldStart("Value");
                for (Attributes item : seq) {
                    g.writeStartObject();
                    writeElements(g, item);
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
        } else if (value instanceof Fragments frags) {
            writeFragments(g, frags);
        } else if (value instanceof String s) {
            if (!s.isEmpty()) {
                writeStrings(g, vr, s);
            }
        } else if (value instanceof byte[] || value instanceof BulkData) {
            if (vr.kind() == VR.Kind.BINARY) {
                byte[] b = bytesOf(vr, value);
                if (b.length > 0) {
                    writeNumbers(g, vr, b);
                }
            } else {
                writeBulk(g, vr, value);
            }
        } else if (value != null) {
            throw new IllegalArgumentException(Tag.toString(tag) + ": unexpected value type " + value.getClass());
        }
        g.writeEndObject();
    }

    private static void writeStrings(JsonGenerator g, VR vr, String s) throws IOException {
        String[] values = vr.kind() == VR.Kind.TEXT ? new String[] {s} : s.split("\\\\", -1);
        g.writeArrayFieldStart("Value");
        for (String raw : values) {
            String v = trimInsignificant(vr, raw);
            if (v.isEmpty()) {
                g.writeNull();
            } else if (vr == VR.PN) {
                writePersonName(g, v);
            } else if (vr == VR.IS || vr == VR.DS) {
                writeDecimal(g, v, raw);
            } else {
                g.writeString(v);
            }
        }
        g.writeEndArray();
    }

    /**
     * Drops the spaces PS3.5 6.2 calls insignificant, per value: leading and trailing for AE, CS, DS, IS, LO and SH,
     * trailing for the other string VRs (dcm2json does the same).
     */
    private static String trimInsignificant(VR vr, String v) {
        int end = v.length();
        while (end > 0 && v.charAt(end - 1) == ' ') {
            end--;
        }
        int start = 0;
        boolean leading = switch (vr) {
            case AE, CS, DS, IS, LO, SH -> true;
            default -> false;
        };
        while (leading && start < end && v.charAt(start) == ' ') {
            start++;
        }
        return v.substring(start, end);
    }

    private static void writePersonName(JsonGenerator g, String v) throws IOException {
        String[] groups = v.split("=", -1);
        String[] names = {"Alphabetic", "Ideographic", "Phonetic"};
        g.writeStartObject();
        for (int i = 0; i < Math.min(3, groups.length); i++) {
            if (!groups[i].isEmpty()) {
                g.writeStringField(names[i], groups[i]);
            }
        }
        g.writeEndObject();
    }

    private static void writeDecimal(JsonGenerator g, String v, String raw) throws IOException {
        if (JSON_NUMBER.matcher(v).matches()) {
            g.writeNumber(v);
        } else {
            try {
                g.writeNumber(new BigDecimal(v).toString());
            } catch (NumberFormatException e) {
                g.writeString(raw); // not a number: keep the text rather than drop the value
            }
        }
    }

    private static void writeNumbers(JsonGenerator g, VR vr, byte[] b) throws IOException {
        ByteBuffer bb = Attributes.le(b);
        int w = vr.bytesPerValue();
        g.writeArrayFieldStart("Value");
        for (int off = 0; off + w <= b.length; off += w) {
            switch (vr) {
                case US -> g.writeNumber(bb.getShort(off) & 0xFFFF);
                case SS -> g.writeNumber(bb.getShort(off));
                case UL -> g.writeNumber(bb.getInt(off) & 0xFFFFFFFFL);
                case SL -> g.writeNumber(bb.getInt(off));
                case AT -> g.writeString(Tag.toHex(((bb.getShort(off) & 0xFFFF) << 16) | (bb.getShort(off + 2) & 0xFFFF)));
                case FL -> writeFloating(g, bb.getFloat(off), true);
                case FD -> writeFloating(g, bb.getDouble(off), false);
                case SV -> {
                    long l = bb.getLong(off);
                    if (Math.abs(l) <= MAX_SAFE_INTEGER) {
                        g.writeNumber(l);
                    } else {
                        g.writeString(Long.toString(l));
                    }
                }
                case UV -> {
                    long l = bb.getLong(off);
                    if (l >= 0 && l <= MAX_SAFE_INTEGER) {
                        g.writeNumber(l);
                    } else {
                        g.writeString(Long.toUnsignedString(l));
                    }
                }
                default -> throw new IllegalStateException("not a binary number VR: " + vr);
            }
        }
        g.writeEndArray();
    }

    private static void writeFloating(JsonGenerator g, double d, boolean single) throws IOException {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            g.writeString(Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
        } else if (single) {
            g.writeNumber(Float.toString((float) d)); // shortest text that reads back as the same float
        } else {
            g.writeNumber(d);
        }
    }

    private void writeBulk(JsonGenerator g, VR vr, Object value) throws IOException {
        if (value instanceof BulkData bd && bd.length() > inlineLimit) {
            g.writeStringField("BulkDataURI", bulkDataUri(bd.file(), bd.offset(), bd.length(), bd.bigEndian()));
            return;
        }
        byte[] b = bytesOf(vr, value);
        if (b.length > 0) {
            g.writeStringField("InlineBinary", Base64.getEncoder().encodeToString(b));
        }
    }

    private void writeFragments(JsonGenerator g, Fragments frags) throws IOException {
        long total = 8; // sequence delimitation item
        for (Object item : frags.items()) {
            total += 8 + Fragments.lengthOf(item);
        }
        if (total > inlineLimit) {
            BulkData span = contiguousSpan(frags);
            if (span != null) {
                g.writeStringField("BulkDataURI", bulkDataUri(span.file(), span.offset(), span.length(), false));
                return;
            }
        }
        g.writeStringField("InlineBinary", Base64.getEncoder().encodeToString(encapsulatedValue(frags)));
    }

    /** The encapsulated value field as in Part 10: items with (FFFE,E000) headers, then (FFFE,E0DD). */
    public static byte[] encapsulatedValue(Fragments frags) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object item : frags.items()) {
            byte[] b = Fragments.bytesOf(item);
            writeItemHeader(out, Tag.Item, b.length);
            out.write(b, 0, b.length);
        }
        writeItemHeader(out, Tag.SequenceDelimitationItem, 0);
        return out.toByteArray();
    }

    private static void writeItemHeader(ByteArrayOutputStream out, int tag, int length) {
        byte[] h = new byte[8];
        Attributes.le(h).putShort((short) (tag >>> 16)).putShort((short) tag).putInt(length);
        out.write(h, 0, 8);
    }

    /**
     * The file span of the whole encapsulated value when every item is a reference into one file and the items are
     * back to back (as a Part 10 reader finds them), else null.
     */
    private static BulkData contiguousSpan(Fragments frags) {
        Path file = null;
        long start = -1;
        long next = -1;
        for (Object item : frags.items()) {
            if (!(item instanceof BulkData bd) || (file != null && !file.equals(bd.file()))) {
                return null;
            }
            if (file == null) {
                file = bd.file();
                start = bd.offset() - 8;
            } else if (bd.offset() - 8 != next) {
                return null;
            }
            next = bd.offset() + bd.length();
        }
        return file == null ? null : new BulkData(file, start, next + 8 - start, false);
    }

    private static String bulkDataUri(Path file, long offset, long length, boolean bigEndian) {
        return file.toAbsolutePath().toUri() + "?offset=" + offset + "&length=" + length
                + (bigEndian ? "&endian=big" : "");
    }

    private static byte[] bytesOf(VR vr, Object value) {
        if (value instanceof byte[] b) {
            return b;
        }
        BulkData bd = (BulkData) value;
        byte[] b = bd.bytes();
        if (bd.bigEndian()) {
            Values.swap(b, vr == VR.AT ? 2 : vr.bytesPerValue());
        }
        return b;
    }

    // ---- reading ------------------------------------------------------------------------------------------

    /**
     * Reads a DICOM JSON object (or the first object of a JSON array, as QIDO-RS returns) into a dataset.
     * InlineBinary is decoded; a BulkDataURI in this class's file form becomes a {@link BulkData}; any other URI is
     * an error, since there is no way here to fetch it. Encapsulated Pixel Data comes back as its encoded value
     * bytes (item headers included): only the caller knows the transfer syntax that makes them fragments.
     *
     * @throws DicomException when the JSON is not a valid DICOM JSON Model object
     */
    public static Attributes read(InputStream in) {
        try (JsonParser p = FACTORY.createParser(in)) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_ARRAY) {
                t = p.nextToken();
            }
            if (t != JsonToken.START_OBJECT) {
                throw new DicomException("DICOM JSON: expected an object at " + p.currentLocation());
            }
            Attributes ds = new Attributes();
            readObject(p, ds);
            return ds;
        } catch (IOException e) {
            throw new DicomException("DICOM JSON: " + e.getMessage(), e);
        }
    }

    /** Reads a DICOM JSON string. */
    public static Attributes read(String json) {
        return read(new java.io.ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static void readObject(JsonParser p, Attributes ds) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            int tag;
            try {
                if (key.length() != 8) {
                    throw new NumberFormatException();
                }
                tag = (int) Long.parseLong(key, 16);
            } catch (NumberFormatException e) {
                throw new DicomException("DICOM JSON: key \"" + key + "\" is not GGGGEEEE");
            }
            expect(p, JsonToken.START_OBJECT, key);
            readElement(p, ds, tag, key);
        }
    }

    private static void readElement(JsonParser p, Attributes ds, int tag, String key) throws IOException {
        VR vr = null;
        List<Object> values = null;
        byte[] inline = null;
        String uri = null;
        List<Attributes> items = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "vr" -> {
                    try {
                        vr = VR.valueOf(p.getText());
                    } catch (IllegalArgumentException e) {
                        throw new DicomException("DICOM JSON: " + key + ": unknown vr \"" + p.getText() + "\"");
                    }
                }
                case "Value" -> {
                    if (t != JsonToken.START_ARRAY) {
                        throw new DicomException("DICOM JSON: " + key + ": Value is not an array");
                    }
                    values = new ArrayList<>();
                    items = new ArrayList<>();
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                        if (t == JsonToken.START_OBJECT && vr == VR.SQ) {
                            Attributes item = new Attributes();
                            readObject(p, item);
                            items.add(item);
                        } else if (t == JsonToken.START_OBJECT) {
                            values.add(readPersonName(p, key));
                        } else if (t == JsonToken.VALUE_NULL) {
                            values.add("");
                        } else if (t.isScalarValue()) {
                            values.add(t.isNumeric() ? p.getDecimalValue() : p.getText());
                        } else {
                            throw new DicomException("DICOM JSON: " + key + ": unexpected " + t + " in Value");
                        }
                    }
                }
                case "InlineBinary" -> {
                    try {
                        inline = Base64.getDecoder().decode(p.getText());
                    } catch (IllegalArgumentException e) {
                        throw new DicomException("DICOM JSON: " + key + ": InlineBinary is not base64");
                    }
                }
                case "BulkDataURI" -> uri = p.getText();
                default -> p.skipChildren(); // e.g. "Keyword" written by some tools
            }
        }
        if (vr == null) {
            throw new DicomException("DICOM JSON: " + key + ": missing vr");
        }
        if (vr == VR.SQ) {
            Sequence seq = ds.newSequence(tag);
            if (items != null) {
                items.forEach(seq::add);
            }
        } else if (inline != null) {
            ds.setValue(tag, vr, inline);
        } else if (uri != null) {
            ds.setValue(tag, vr, parseBulkDataUri(uri, key));
        } else if (values == null || values.isEmpty()) {
            ds.setValue(tag, vr, null);
        } else if (vr.isStringLike()) {
            List<String> s = new ArrayList<>();
            for (Object v : values) {
                s.add(v instanceof BigDecimal d ? d.toString() : (String) v);
            }
            ds.setValue(tag, vr, String.join("\\", s));
        } else if (vr.kind() == VR.Kind.BINARY) {
            ds.setValue(tag, vr, binaryValues(vr, values, key));
        } else {
            throw new DicomException("DICOM JSON: " + key + ": vr " + vr + " needs InlineBinary or BulkDataURI");
        }
    }

    private static String readPersonName(JsonParser p, String key) throws IOException {
        String[] groups = {"", "", ""};
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            int i = switch (name) {
                case "Alphabetic" -> 0;
                case "Ideographic" -> 1;
                case "Phonetic" -> 2;
                default -> throw new DicomException("DICOM JSON: " + key + ": unknown PN group " + name);
            };
            groups[i] = p.getText();
        }
        String pn = groups[0] + "=" + groups[1] + "=" + groups[2];
        return pn.replaceAll("=+$", "");
    }

    private static byte[] binaryValues(VR vr, List<Object> values, String key) {
        ByteBuffer bb = Attributes.le(new byte[values.size() * vr.bytesPerValue()]);
        for (Object v : values) {
            try {
                if (vr == VR.AT) {
                    int t = (int) Long.parseLong((String) v, 16);
                    bb.putShort((short) (t >>> 16)).putShort((short) t);
                    continue;
                }
                BigDecimal d = v instanceof BigDecimal bd ? bd : "".equals(v) ? BigDecimal.ZERO : null;
                switch (vr) {
                    case US, SS -> bb.putShort((short) d.intValueExact());
                    case UL, SL -> bb.putInt((int) d.longValueExact());
                    case SV -> bb.putLong(d != null ? d.longValueExact() : Long.parseLong((String) v));
                    case UV -> bb.putLong(d != null ? d.toBigIntegerExact().longValue() : Long.parseUnsignedLong((String) v));
                    case FL -> bb.putFloat(d != null ? d.floatValue() : Float.parseFloat((String) v));
                    case FD -> bb.putDouble(d != null ? d.doubleValue() : Double.parseDouble((String) v));
                    default -> throw new DicomException("DICOM JSON: " + key + ": unexpected vr " + vr);
                }
            } catch (ArithmeticException | NumberFormatException | ClassCastException | NullPointerException e) {
                throw new DicomException("DICOM JSON: " + key + ": value " + v + " is not valid for " + vr);
            }
        }
        return bb.array();
    }

    private static BulkData parseBulkDataUri(String uri, String key) {
        try {
            URI u = new URI(uri);
            if (!"file".equals(u.getScheme()) || u.getRawQuery() == null) {
                throw new DicomException("DICOM JSON: " + key + ": cannot resolve BulkDataURI " + uri);
            }
            long offset = -1;
            long length = -1;
            boolean big = false;
            for (String kv : u.getRawQuery().split("&")) {
                String[] p = kv.split("=", 2);
                switch (p[0]) {
                    case "offset" -> offset = Long.parseLong(p[1]);
                    case "length" -> length = Long.parseLong(p[1]);
                    case "endian" -> big = "big".equals(p[1]);
                    default -> {
                    }
                }
            }
            if (offset < 0 || length < 0) {
                throw new DicomException("DICOM JSON: " + key + ": BulkDataURI without offset and length: " + uri);
            }
            URI path = new URI(u.getScheme(), u.getAuthority(), u.getPath(), null, null);
            return new BulkData(Path.of(path), offset, length, big);
        } catch (java.net.URISyntaxException | NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new DicomException("DICOM JSON: " + key + ": bad BulkDataURI " + uri);
        }
    }

    private static void expect(JsonParser p, JsonToken want, String key) throws IOException {
        if (p.nextToken() != want) {
            throw new DicomException("DICOM JSON: " + key + ": expected " + want + " at " + p.currentLocation());
        }
    }
}
