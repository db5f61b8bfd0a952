package io.distillery.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Decoding checked against two independent decoders on the corpus's character-set files: pydicom (Python codecs,
 * the only one here that handles ISO 2022 IR 87, since Debian's dcmtk uses glibc iconv which lacks it) and dcmtk's
 * {@code dcmdump +U8} wherever dcmtk can convert. Normalisations: surrounding spaces are ignored and trailing '='
 * of a PN (an empty last component group, which pydicom drops) too; elements we hold as UN are left out of the
 * pydicom comparison, since pydicom assigns them VRs from its private dictionary.
 */
class SpecificCharacterSetTest {
    private static final String PYTHON = "/usr/bin/python3"; // Debian's python3, where python3-pydicom installs
    private static final Pattern DCMDUMP_TEXT = Pattern.compile(
            "^\\s*\\(([0-9a-f]{4}),([0-9a-f]{4})\\) (PN|LO|SH|UC|LT|ST|UT) \\[(.*)\\]\\s+#\\s*\\d+, \\d+ .*$");

    static Stream<CorpusIndex> charsetFiles() {
        return CorpusIndex.all().stream().filter(r -> r.category().equals("charset"));
    }

    @ParameterizedTest
    @MethodSource("charsetFiles")
    void decodesLikePydicom(CorpusIndex row) throws Exception {
        Path script = Path.of(SpecificCharacterSetTest.class.getResource("pydicom_strings.py").toURI());
        Dcmtk.Run py = Dcmtk.run(PYTHON, script.toString(), row.file().toString());
        assertEquals(0, py.exitCode(), py.output());
        String json = py.output().substring(py.output().indexOf('['));
        Map<String, String> expected = new LinkedHashMap<>();
        for (JsonNode pair : new ObjectMapper().readTree(json)) {
            expected.put(pair.get(0).asText(), normalise(pair.get(1).asText()));
        }
        Map<String, String> actual = new LinkedHashMap<>();
        Attributes ds = DicomFile.read(row.file()).dataset();
        collect(ds, "", actual);
        // pydicom gives UN elements a VR from its private dictionary; we keep them UN (bytes), as dcmtk does
        ds.forEach((tag, vr, value) -> {
            if (vr == VR.UN) {
                expected.remove(Tag.toString(tag));
            }
        });
        assertFalse(expected.isEmpty());
        assertEquals(expected, actual);
    }

    @ParameterizedTest
    @MethodSource("charsetFiles")
    void decodesLikeDcmtkWhereDcmtkCan(CorpusIndex row) throws Exception {
        Dcmtk.Run dump = Dcmtk.run("dcmdump", "+U8", "+L", row.file().toString());
        boolean converted = dump.diagnostics().stream().noneMatch(l -> l.contains("DcmSpecificCharacterSet")
                || l.contains("conversion"));
        List<String> expected = new ArrayList<>();
        boolean inMeta = true;
        for (String line : dump.output().split("\n")) {
            if (line.startsWith("# Dicom-Data-Set")) {
                inMeta = false;
            }
            Matcher m = DCMDUMP_TEXT.matcher(line);
            if (!inMeta && m.matches()) {
                expected.add(m.group(1).toUpperCase() + "," + m.group(2).toUpperCase() + "=" + normalise(m.group(4)));
            }
        }
        Map<String, String> ours = new LinkedHashMap<>();
        collect(DicomFile.read(row.file()).dataset(), "", ours);
        List<String> actual = new ArrayList<>();
        ours.forEach((path, v) -> {
            String tag = path.substring(path.length() - 10, path.length() - 1).replace("(", "");
            if (v.chars().noneMatch(c -> c < 0x20)) {
                actual.add(tag + "=" + v);
            }
        });
        expected.removeIf(e -> e.chars().anyMatch(c -> c < 0x20));
        Collections.sort(expected);
        Collections.sort(actual);
        if (converted) {
            assertEquals(expected, actual);
        } else {
            // dcmtk left the bytes unconverted: at least the ASCII-only values must agree
            List<String> asciiExpected = expected.stream().filter(s -> s.chars().allMatch(c -> c < 0x80)).toList();
            assertTrue(actual.containsAll(asciiExpected), () -> asciiExpected + " not all in " + actual);
        }
    }

    private static void collect(Attributes ds, String prefix, Map<String, String> out) {
        ds.forEach((tag, vr, value) -> {
            String path = prefix + Tag.toString(tag);
            if (value instanceof Sequence s) {
                for (int i = 0; i < s.size(); i++) {
                    collect(s.get(i), path + "[" + i + "]", out);
                }
            } else if (vr.usesSpecificCharacterSet() && value instanceof String str) {
                out.put(path, normalise(str));
            }
        });
    }

    private static String normalise(String s) {
        String t = s.strip();
        while (t.endsWith("=")) {
            t = t.substring(0, t.length() - 1);
        }
        return t;
    }

    // ---- encoding: the bytes other implementations wrote must come back exactly -----------------------------

    @Test
    void japaneseIso2022RoundTripsToTheBytesOfTheStandardExample() {
        // PS3.5 Annex H.3.2 / dclunie chrH32: ISO 2022 IR 13 (katakana) + ISO 2022 IR 87 (kanji, hiragana)
        byte[] bytes = "\u00d4\u00cf\u00c0\u00de^\u00c0\u00db\u00b3=\u001b$B;3ED\u001b(J^\u001b$BB@O:\u001b(J=\u001b$B$d$^$@\u001b(J^\u001b$B$?$m$&\u001b(J"
                .getBytes(StandardCharsets.ISO_8859_1);
        SpecificCharacterSet cs = SpecificCharacterSet.of("ISO 2022 IR 13", "ISO 2022 IR 87");
        String decoded = cs.decode(bytes, VR.PN);
        assertEquals("ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう", decoded);
        assertArrayEquals(bytes, cs.encode(decoded, VR.PN));
    }

    @Test
    void japaneseWithAsciiFirstValue() {
        byte[] bytes = "Yamada^Tarou=\u001b$B;3ED\u001b(B^\u001b$BB@O:\u001b(B=\u001b$B$d$^$@\u001b(B^\u001b$B$?$m$&\u001b(B"
                .getBytes(StandardCharsets.ISO_8859_1);
        SpecificCharacterSet cs = SpecificCharacterSet.of("", "ISO 2022 IR 87");
        String decoded = cs.decode(bytes, VR.PN);
        assertEquals("Yamada^Tarou=山田^太郎=やまだ^たろう", decoded);
        assertArrayEquals(bytes, cs.encode(decoded, VR.PN));
    }

    @Test
    void koreanIso2022() {
        byte[] bytes = "Hong^Gildong=\u001b$)C\u00fb\u00f3^\u001b$)C\u00d1\u00ce\u00d4\u00d7=\u001b$)C\u00c8\u00ab^\u001b$)C\u00b1\u00e6\u00b5\u00bf"
                .getBytes(StandardCharsets.ISO_8859_1);
        SpecificCharacterSet cs = SpecificCharacterSet.of("", "ISO 2022 IR 149");
        assertEquals("Hong^Gildong=洪^吉洞=홍^길동", cs.decode(bytes, VR.PN));
        // our encoder designates G1 once per component group; it must decode to the same text
        assertEquals("Hong^Gildong=洪^吉洞=홍^길동", cs.decode(cs.encode("Hong^Gildong=洪^吉洞=홍^길동", VR.PN), VR.PN));
    }

    @Test
    void singleByteAndUtf8() {
        assertEquals("Buc^Jérôme", SpecificCharacterSet.of("ISO_IR 100")
                .decode("Buc^J\u00e9r\u00f4me".getBytes(StandardCharsets.ISO_8859_1), VR.PN));
        assertArrayEquals("Wang^XiaoDong=王^小東=".getBytes(StandardCharsets.UTF_8),
                SpecificCharacterSet.of("ISO_IR 192").encode("Wang^XiaoDong=王^小東=", VR.PN));
        assertEquals("Ωμέγα", SpecificCharacterSet.of("ISO_IR 126").decode(
                SpecificCharacterSet.of("ISO_IR 126").encode("Ωμέγα", VR.LO), VR.LO));
    }

    @Test
    void unencodableTextIsAClearError() {
        DicomException e = assertThrows(DicomException.class,
                () -> SpecificCharacterSet.of("ISO_IR 100").encode("山田", VR.PN));
        assertTrue(e.getMessage().contains("ISO_IR 192"), e.getMessage());
        assertThrows(DicomException.class, () -> SpecificCharacterSet.of("ISO_IR 999"));
    }
}
