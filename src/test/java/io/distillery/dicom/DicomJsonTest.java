package io.distillery.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DICOM JSON Model writer and reader on hand-built datasets, one rule of PS3.18 Annex F per test. */
class DicomJsonTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode json(Attributes ds, int inlineLimit) throws Exception {
        return MAPPER.readTree(new DicomJson(inlineLimit, false).toJson(ds));
    }

    @Test
    void stringsNumbersAndEmptyValues() throws Exception {
        Attributes ds = new Attributes();
        ds.setString(Tag.ImageType, VR.CS, "ORIGINAL", "", "AXIAL");
        ds.setString(Tag.AccessionNumber, VR.SH);
        ds.setString(Tag.SeriesNumber, VR.IS, "007");
        ds.setString(Tag.PixelSpacing, VR.DS, "5.0", " .5 ");
        ds.setString(Tag.PatientWeight, VR.DS, "not-a-number");
        ds.setInt(Tag.Rows, VR.US, 65535);
        ds.setInt(Tag.PixelPaddingValue, VR.SS, -2000);
        ds.setBytes(0x00091001, VR.UL, Values.fromInts(VR.UL, -1));
        ds.setDouble(Tag.RescaleSlope, VR.FD, 1.5);
        ds.setDouble(0x00271041, VR.FL, -77.2040634);
        ds.setDouble(0x00271042, VR.FL, Double.NaN);
        ds.setInt(0x00209165, VR.AT, 0x00280010, 0x7FE00010);
        ds.setBytes(0x00091002, VR.SV, Values.fromInts(VR.SV, -3));
        ds.setString(Tag.DerivationDescription, VR.ST, "a\\b");

        JsonNode j = json(ds, 1024);
        assertEquals("[\"ORIGINAL\",null,\"AXIAL\"]", j.get("00080008").get("Value").toString());
        assertEquals("{\"vr\":\"SH\"}", j.get("00080050").toString(), "empty value: vr only");
        assertEquals("[7]", j.get("00200011").get("Value").toString(), "IS canonical when not valid JSON");
        assertEquals("[5.0,0.5]", j.get("00280030").get("Value").toString(), "DS stays as stored when valid");
        assertEquals("[\"not-a-number\"]", j.get("00101030").get("Value").toString(), "invalid DS is kept as text");
        assertEquals(65535, j.get("00280010").get("Value").get(0).asInt());
        assertEquals(-2000, j.get("00280120").get("Value").get(0).asInt());
        assertEquals(4294967295L, j.get("00091001").get("Value").get(0).asLong(), "UL is unsigned");
        assertEquals(1.5, j.get("00281053").get("Value").get(0).asDouble());
        assertEquals((float) -77.2040634, (float) j.get("00271041").get("Value").get(0).asDouble());
        assertEquals("NaN", j.get("00271042").get("Value").get(0).asText());
        assertEquals("[\"00280010\",\"7FE00010\"]", j.get("00209165").get("Value").toString());
        assertEquals(-3, j.get("00091002").get("Value").get(0).asLong());
        assertEquals("[\"a\\\\b\"]", j.get("00082111").get("Value").toString(), "ST is one value, backslash kept");
    }

    @Test
    void personNameGroups() throws Exception {
        Attributes ds = new Attributes();
        ds.setString(Tag.PatientName, VR.PN, "Yamada^Tarou=山田^太郎=やまだ^たろう", "Doe^John");
        ds.setString(Tag.ReferringPhysicianName, VR.PN, "=山田");
        JsonNode j = json(ds, 0);
        JsonNode v = j.get("00100010").get("Value");
        assertEquals("Yamada^Tarou", v.get(0).get("Alphabetic").asText());
        assertEquals("山田^太郎", v.get(0).get("Ideographic").asText());
        assertEquals("やまだ^たろう", v.get(0).get("Phonetic").asText());
        assertEquals("{\"Alphabetic\":\"Doe^John\"}", v.get(1).toString());
        assertEquals("{\"Ideographic\":\"山田\"}", j.get("00080090").get("Value").get(0).toString());
    }

    @Test
    void sequencesPrivateElementsAndTheirRoundTrip() throws Exception {
        Attributes ds = new Attributes();
        ds.setString(0x00290010, VR.LO, "ACME 1.0");
        ds.setBytes(0x00291001, VR.OB, new byte[] {1, 2, 3});
        Sequence seq = ds.newSequence(0x00101002);
        seq.addItem().setString(Tag.PatientID, VR.LO, "A");
        seq.addItem();
        ds.newSequence(0x00081140);
        ds.setString(Tag.PatientName, VR.PN, "Yamada^Tarou=山田^太郎");
        ds.setString(0x00180050, VR.DS, "1.25");

        String text = new DicomJson().toJson(ds);
        JsonNode j = MAPPER.readTree(text);
        assertEquals("ACME 1.0", j.get("00290010").get("Value").get(0).asText());
        assertEquals("AQID", j.get("00291001").get("InlineBinary").asText());
        assertEquals("[{\"00100020\":{\"vr\":\"LO\",\"Value\":[\"A\"]}},{}]", j.get("00101002").get("Value").toString());
        assertEquals("{\"vr\":\"SQ\"}", j.get("00081140").toString());

        Attributes back = DicomJson.read(text);
        assertEquals(text, new DicomJson().toJson(back), "read then write gives the same JSON");
        assertEquals("A", back.getSequence(0x00101002).get(0).getString(Tag.PatientID));
        assertArrayEquals(new byte[] {1, 2, 3}, back.getBytes(0x00291001));
        assertEquals("Yamada^Tarou=山田^太郎", back.getString(Tag.PatientName));
    }

    @Test
    void bulkValuesInlineUpToTheLimitElseUri(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("values.bin");
        byte[] content = new byte[300];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) i;
        }
        Files.write(file, content);
        Attributes ds = new Attributes();
        ds.setValue(0x00420011, VR.OB, new BulkData(file, 100, 200, false));
        ds.setValue(0x00431028, VR.OB, new BulkData(file, 0, 16, false));

        JsonNode j = json(ds, 16);
        String uri = j.get("00420011").get("BulkDataURI").asText();
        assertEquals(file.toUri() + "?offset=100&length=200", uri);
        assertFalse(j.get("00431028").has("BulkDataURI"));
        assertArrayEquals(java.util.Arrays.copyOfRange(content, 0, 16),
                Base64.getDecoder().decode(j.get("00431028").get("InlineBinary").asText()));

        Attributes back = DicomJson.read(new DicomJson(16, false).toJson(ds));
        BulkData bd = assertInstanceOf(BulkData.class, back.getValue(0x00420011));
        assertArrayEquals(java.util.Arrays.copyOfRange(content, 100, 300), bd.bytes());
    }

    @Test
    void encapsulatedPixelDataIsTheItemEncodedValue() throws Exception {
        Attributes ds = new Attributes();
        Fragments f = new Fragments();
        f.add(new byte[0]);
        f.add(new byte[] {(byte) 0xFF, (byte) 0xD8});
        ds.setValue(Tag.PixelData, VR.OB, f);
        byte[] value = Base64.getDecoder().decode(json(ds, 1 << 20).get("7FE00010").get("InlineBinary").asText());
        byte[] expected = {(byte) 0xFE, (byte) 0xFF, 0, (byte) 0xE0, 0, 0, 0, 0,
            (byte) 0xFE, (byte) 0xFF, 0, (byte) 0xE0, 2, 0, 0, 0, (byte) 0xFF, (byte) 0xD8,
            (byte) 0xFE, (byte) 0xFF, (byte) 0xDD, (byte) 0xE0, 0, 0, 0, 0};
        assertArrayEquals(expected, value);
    }

    @Test
    void readerRejectsMalformedJsonWithDicomException() {
        assertThrows(DicomException.class, () -> DicomJson.read("[1]"));
        assertThrows(DicomException.class, () -> DicomJson.read("{\"0010\":{\"vr\":\"PN\"}}"));
        assertThrows(DicomException.class, () -> DicomJson.read("{\"00100010\":{\"vr\":\"XX\"}}"));
        assertThrows(DicomException.class, () -> DicomJson.read("{\"00280010\":{\"vr\":\"US\",\"Value\":[\"x\"]}}"));
        assertThrows(DicomException.class, () -> DicomJson.read("{\"00100010\":"));
        assertTrue(DicomJson.read("[{}]").isEmpty());
    }
}
