package io.distillery.dicom;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Specific Character Set (0008,0005) per PS3.3 C.12.1.1.2 and PS3.5 6.1: turns the bytes of LO, PN, SH, UC, LT, ST
 * and UT values into Java strings and back.
 *
 * <p>Without code extensions the single term names one Java charset (the default repertoire is read as ISO 8859-1 so
 * that stray 8-bit bytes survive a round trip). With ISO 2022 code extensions the bytes are split at escape
 * sequences into runs, each decoded with the set designated to G0 (bytes below 0x80) or G1 (bytes from 0x80); the
 * sets of value 1 become active again at the start of each value and at the delimiters listed in PS3.5 6.1.2.5.3.
 * Two-byte JIS X 0208/0212 runs are shifted into EUC-JP, KS X 1001 into EUC-KR and GB 2312 into EUC-CN, which Java
 * decodes natively.
 */
public final class SpecificCharacterSet {
    private static final byte ESC = 0x1B;

    /** A code element that ISO 2022 can designate to G0 or G1. */
    private enum Element {
        ASCII(true, 1, "(B", StandardCharsets.US_ASCII),
        JIS_X0201_ROMAN(true, 1, "(J", Charset.forName("JIS_X0201")),
        JIS_X0201_KATAKANA(false, 1, ")I", Charset.forName("JIS_X0201")),
        JIS_X0208(true, 2, "$B", Charset.forName("EUC-JP")),
        JIS_X0212(true, 2, "$(D", Charset.forName("EUC-JP")),
        KS_X1001(false, 2, "$)C", Charset.forName("EUC-KR")),
        GB2312(false, 2, "$)A", Charset.forName("GB2312")),
        LATIN1(false, 1, "-A", StandardCharsets.ISO_8859_1),
        LATIN2(false, 1, "-B", Charset.forName("ISO-8859-2")),
        LATIN3(false, 1, "-C", Charset.forName("ISO-8859-3")),
        LATIN4(false, 1, "-D", Charset.forName("ISO-8859-4")),
        CYRILLIC(false, 1, "-L", Charset.forName("ISO-8859-5")),
        ARABIC(false, 1, "-G", Charset.forName("ISO-8859-6")),
        GREEK(false, 1, "-F", Charset.forName("ISO-8859-7")),
        HEBREW(false, 1, "-H", Charset.forName("ISO-8859-8")),
        LATIN5(false, 1, "-M", Charset.forName("ISO-8859-9")),
        THAI(false, 1, "-T", Charset.forName("TIS-620")),
        LATIN9(false, 1, "-b", Charset.forName("ISO-8859-15"));

        final boolean g0;
        final int width;
        final byte[] escape;
        final Charset charset;

        Element(boolean g0, int width, String escape, Charset charset) {
            this.g0 = g0;
            this.width = width;
            byte[] e = new byte[escape.length() + 1];
            e[0] = ESC;
            for (int i = 0; i < escape.length(); i++) {
                e[i + 1] = (byte) escape.charAt(i);
            }
            this.escape = e;
            this.charset = charset;
        }
    }

    /** One defined term: its G0 and G1 elements when used with code extensions, or a plain charset. */
    private record Term(String name, Element g0, Element g1, Charset plain) {
    }

    public static final SpecificCharacterSet DEFAULT =
            new SpecificCharacterSet(new String[0], StandardCharsets.ISO_8859_1, null);

    private final String[] terms;
    /** The charset when no code extensions are used, else null. */
    private final Charset plain;
    /** The ISO 2022 terms, value 1 first; null without code extensions. */
    private final Term[] extensions;

    private SpecificCharacterSet(String[] terms, Charset plain, Term[] extensions) {
        this.terms = terms;
        this.plain = plain;
        this.extensions = extensions;
    }

    /**
     * The character set for the values of (0008,0005). Unknown terms are a DicomException, as decoding with a guess
     * would silently corrupt names.
     */
    public static SpecificCharacterSet of(String... values) {
        if (values == null || values.length == 0 || values.length == 1 && values[0].isBlank()) {
            return DEFAULT;
        }
        String[] t = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            t[i] = values[i].trim().toUpperCase(Locale.ROOT);
        }
        boolean extended = false;
        for (String s : t) {
            extended |= s.startsWith("ISO 2022");
        }
        if (!extended) {
            // several values without code extensions are not allowed; use the first one that is set
            String first = t[0].isEmpty() && t.length > 1 ? t[1] : t[0];
            return new SpecificCharacterSet(t, plainCharset(first), null);
        }
        Term[] terms = new Term[t.length];
        for (int i = 0; i < t.length; i++) {
            // value 1 may be empty: the default repertoire (ISO 2022 IR 6)
            terms[i] = extendedTerm(t[i].isEmpty() && i == 0 ? "ISO 2022 IR 6" : t[i]);
        }
        return new SpecificCharacterSet(t, null, terms);
    }

    private static Charset plainCharset(String term) {
        return switch (term) {
            case "", "ISO_IR 6", "ISO 2022 IR 6" -> StandardCharsets.ISO_8859_1;
            case "ISO_IR 100" -> StandardCharsets.ISO_8859_1;
            case "ISO_IR 101" -> Charset.forName("ISO-8859-2");
            case "ISO_IR 109" -> Charset.forName("ISO-8859-3");
            case "ISO_IR 110" -> Charset.forName("ISO-8859-4");
            case "ISO_IR 144" -> Charset.forName("ISO-8859-5");
            case "ISO_IR 127" -> Charset.forName("ISO-8859-6");
            case "ISO_IR 126" -> Charset.forName("ISO-8859-7");
            case "ISO_IR 138" -> Charset.forName("ISO-8859-8");
            case "ISO_IR 148" -> Charset.forName("ISO-8859-9");
            case "ISO_IR 203" -> Charset.forName("ISO-8859-15");
            case "ISO_IR 13" -> Charset.forName("JIS_X0201");
            case "ISO_IR 166" -> Charset.forName("TIS-620");
            case "ISO_IR 192" -> StandardCharsets.UTF_8;
            case "GB18030" -> Charset.forName("GB18030");
            case "GBK" -> Charset.forName("GBK");
            default -> throw new DicomException("unsupported Specific Character Set " + DicomException.quote(term));
        };
    }

    private static Term extendedTerm(String term) {
        return switch (term) {
            case "ISO 2022 IR 6" -> new Term(term, Element.ASCII, null, null);
            case "ISO 2022 IR 13" -> new Term(term, Element.JIS_X0201_ROMAN, Element.JIS_X0201_KATAKANA, null);
            case "ISO 2022 IR 87" -> new Term(term, Element.JIS_X0208, null, null);
            case "ISO 2022 IR 159" -> new Term(term, Element.JIS_X0212, null, null);
            case "ISO 2022 IR 149" -> new Term(term, Element.ASCII, Element.KS_X1001, null);
            case "ISO 2022 IR 58" -> new Term(term, Element.ASCII, Element.GB2312, null);
            case "ISO 2022 IR 100" -> new Term(term, Element.ASCII, Element.LATIN1, null);
            case "ISO 2022 IR 101" -> new Term(term, Element.ASCII, Element.LATIN2, null);
            case "ISO 2022 IR 109" -> new Term(term, Element.ASCII, Element.LATIN3, null);
            case "ISO 2022 IR 110" -> new Term(term, Element.ASCII, Element.LATIN4, null);
            case "ISO 2022 IR 144" -> new Term(term, Element.ASCII, Element.CYRILLIC, null);
            case "ISO 2022 IR 127" -> new Term(term, Element.ASCII, Element.ARABIC, null);
            case "ISO 2022 IR 126" -> new Term(term, Element.ASCII, Element.GREEK, null);
            case "ISO 2022 IR 138" -> new Term(term, Element.ASCII, Element.HEBREW, null);
            case "ISO 2022 IR 148" -> new Term(term, Element.ASCII, Element.LATIN5, null);
            case "ISO 2022 IR 166" -> new Term(term, Element.ASCII, Element.THAI, null);
            case "ISO 2022 IR 203" -> new Term(term, Element.ASCII, Element.LATIN9, null);
            default -> throw new DicomException("unsupported Specific Character Set " + DicomException.quote(term));
        };
    }

    /** The defined terms this set was made from (upper case, trimmed). */
    public String[] terms() {
        return terms.clone();
    }

    public boolean usesCodeExtensions() {
        return extensions != null;
    }

    /** Decodes a value of a string VR that uses the character set (see {@link VR#usesSpecificCharacterSet()}). */
    public String decode(byte[] b, int off, int len, VR vr) {
        if (extensions == null) {
            return new String(b, off, len, plain);
        }
        return decode2022(b, off, len, vr);
    }

    public String decode(byte[] b, VR vr) {
        return decode(b, 0, b.length, vr);
    }

    private String decode2022(byte[] b, int off, int len, VR vr) {
        Element initialG0 = extensions[0].g0 == null ? Element.ASCII : extensions[0].g0;
        Element initialG1 = extensions[0].g1;
        Element g0 = initialG0;
        Element g1 = initialG1;
        StringBuilder sb = new StringBuilder(len);
        ByteArrayOutputStream run = new ByteArrayOutputStream();
        Element runSet = null;
        int end = off + len;
        int i = off;
        while (i < end) {
            int c = b[i] & 0xFF;
            if (c == ESC) {
                Element e = matchEscape(b, i, end);
                if (e != null) {
                    if (e.g0) {
                        g0 = e;
                    } else {
                        g1 = e;
                    }
                    i += e.escape.length;
                    continue;
                }
            }
            if (c < 0x80) {
                if (g0.width == 2 && c >= 0x21 && c < 0x7F && i + 1 < end && (b[i + 1] & 0xFF) >= 0x21
                        && (b[i + 1] & 0xFF) < 0x7F) {
                    runSet = flushIfOther(sb, run, runSet, g0);
                    if (g0 == Element.JIS_X0212) {
                        run.write(0x8F);
                    }
                    run.write(c | 0x80);
                    run.write(b[i + 1] | 0x80);
                    i += 2;
                    continue;
                }
                if (g0.width == 1 && isResetDelimiter(c, vr)) {
                    g0 = initialG0;
                    g1 = initialG1;
                }
                Element single = g0 == Element.JIS_X0201_ROMAN && c != '\\' ? g0 : Element.ASCII;
                runSet = flushIfOther(sb, run, runSet, single);
                run.write(c);
                i++;
                continue;
            }
            // GR byte: the set in G1
            if (g1 == null) {
                runSet = flushIfOther(sb, run, runSet, Element.LATIN1);
                run.write(c);
                i++;
            } else if (g1.width == 2) {
                runSet = flushIfOther(sb, run, runSet, g1);
                run.write(c);
                if (i + 1 < end) {
                    run.write(b[i + 1]);
                }
                i += 2;
            } else if (g1 == Element.JIS_X0201_KATAKANA) {
                runSet = flushIfOther(sb, run, runSet, g1);
                run.write(c);
                i++;
            } else {
                runSet = flushIfOther(sb, run, runSet, g1);
                run.write(c);
                i++;
            }
        }
        flushIfOther(sb, run, runSet, null);
        return sb.toString();
    }

    private static Element flushIfOther(StringBuilder sb, ByteArrayOutputStream run, Element runSet, Element next) {
        if (runSet != next && run.size() > 0) {
            sb.append(new String(run.toByteArray(), runSet.charset));
            run.reset();
        }
        return next;
    }

    private static Element matchEscape(byte[] b, int i, int end) {
        for (Element e : Element.values()) {
            byte[] esc = e.escape;
            if (i + esc.length <= end && Arrays.equals(b, i, i + esc.length, esc, 0, esc.length)) {
                return e;
            }
        }
        return null;
    }

    /** PS3.5 6.1.2.5.3: value 1's sets are active again at these characters. */
    private static boolean isResetDelimiter(int c, VR vr) {
        return c == '\r' || c == '\n' || c == '\t' || c == '\f'
                || c == '\\' && vr.kind() == VR.Kind.TEXT_MULTI
                || (c == '^' || c == '=') && vr == VR.PN;
    }

    /** Encodes a value; a character the set cannot represent is a DicomException. */
    public byte[] encode(String s, VR vr) {
        if (extensions == null) {
            return encodePlain(s, plain);
        }
        return encode2022(s, vr);
    }

    private static byte[] encodePlain(String s, Charset cs) {
        CharsetEncoder enc = cs.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            ByteBuffer bb = enc.encode(CharBuffer.wrap(s));
            byte[] out = new byte[bb.remaining()];
            bb.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new DicomException("cannot encode " + DicomException.quote(s) + " in " + cs.name()
                    + "; set a Specific Character Set that covers it (e.g. ISO_IR 192)");
        }
    }

    private byte[] encode2022(String s, VR vr) {
        Element initialG0 = extensions[0].g0 == null ? Element.ASCII : extensions[0].g0;
        Element initialG1 = extensions[0].g1;
        Element g0 = initialG0;
        Element g1 = initialG1;
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() * 2);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            String ch = new String(Character.toChars(cp));
            i += ch.length();
            if (cp < 0x80 && (isResetDelimiter(cp, vr) || cp == '\\')) {
                if (g0 != initialG0) {
                    out.writeBytes(initialG0.escape);
                    g0 = initialG0;
                }
                if (g1 != initialG1 && initialG1 != null) {
                    out.writeBytes(initialG1.escape);
                }
                g1 = initialG1;
                out.write(cp);
                continue;
            }
            if (cp < 0x80 && (g0 == Element.ASCII || g0 == Element.JIS_X0201_ROMAN && cp != 0x5C && cp != 0x7E)) {
                out.write(cp);
                continue;
            }
            boolean done = false;
            for (Element e : candidates()) {
                byte[] coded = codeIn(e, ch);
                if (coded == null) {
                    continue;
                }
                if (e.g0 && g0 != e) {
                    out.writeBytes(e.escape);
                    g0 = e;
                } else if (!e.g0 && g1 != e) {
                    out.writeBytes(e.escape);
                    g1 = e;
                }
                out.writeBytes(coded);
                done = true;
                break;
            }
            if (!done) {
                throw new DicomException("cannot encode " + DicomException.quote(s) + " in Specific Character Set "
                        + String.join("\\", terms));
            }
        }
        if (g0 != initialG0) {
            out.writeBytes(initialG0.escape);
        }
        return out.toByteArray();
    }

    /** Elements reachable from the declared terms, in the order of the terms (ASCII always first). */
    private List<Element> candidates() {
        List<Element> list = new ArrayList<>();
        list.add(Element.ASCII);
        for (Term t : extensions) {
            for (Element e : new Element[] {t.g0, t.g1}) {
                if (e != null && !list.contains(e)) {
                    list.add(e);
                }
            }
        }
        return list;
    }

    /** The bytes of one character in element {@code e} as they appear after its escape, or null if not codable. */
    private static byte[] codeIn(Element e, String ch) {
        byte[] b;
        try {
            CharsetEncoder enc = e.charset.newEncoder().onUnmappableCharacter(CodingErrorAction.REPORT)
                    .onMalformedInput(CodingErrorAction.REPORT);
            ByteBuffer bb = enc.encode(CharBuffer.wrap(ch));
            b = new byte[bb.remaining()];
            bb.get(b);
        } catch (CharacterCodingException x) {
            return null;
        }
        switch (e) {
            case ASCII:
                return b.length == 1 && (b[0] & 0xFF) < 0x80 ? b : null;
            case JIS_X0201_ROMAN:
                return b.length == 1 && (b[0] & 0xFF) < 0x80 ? b : null;
            case JIS_X0201_KATAKANA:
                return b.length == 1 && (b[0] & 0xFF) >= 0xA1 && (b[0] & 0xFF) <= 0xDF ? b : null;
            case JIS_X0208:
                return b.length == 2 && (b[0] & 0xFF) >= 0xA1 && (b[0] & 0xFF) != 0x8E
                        ? new byte[] {(byte) (b[0] & 0x7F), (byte) (b[1] & 0x7F)} : null;
            case JIS_X0212:
                return b.length == 3 && (b[0] & 0xFF) == 0x8F
                        ? new byte[] {(byte) (b[1] & 0x7F), (byte) (b[2] & 0x7F)} : null;
            case KS_X1001:
            case GB2312:
                return b.length == 2 && (b[0] & 0xFF) >= 0xA1 ? b : null;
            default:
                return b.length == 1 && (b[0] & 0xFF) >= 0x80 ? b : null;
        }
    }

    @Override
    public String toString() {
        return terms.length == 0 ? "(default repertoire)" : String.join("\\", terms);
    }
}
