package io.distillery.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.testsupport.SharedData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reader behaviour on corpus files that differ only in encoding, and on small hand-made datasets. */
class DicomReaderTest {
    @TempDir
    Path tmp;

    private static DicomFile corpus(String rel) throws IOException {
        return DicomFile.read(SharedData.dicomCorpus().resolve(rel));
    }

    // ---- the same instance in different encodings reads to the same normal form --------------------------

    @Test
    void implicitVRResolvesDictionaryAndAmbiguousVRsLikeTheExplicitFile() throws IOException {
        Attributes explicit = corpus("pydicom/MR_small.dcm").dataset();
        Attributes implicit = corpus("pydicom/MR_small_implicit.dcm").dataset();
        explicit.remove(0xFFFCFFFC); // Data Set Trailing Padding, only in the explicit file
        assertNull(DatasetEquality.describeDifference(explicit, implicit));
        assertEquals(VR.OW, implicit.getVR(Tag.PixelData));
        assertEquals(1, implicit.getInt(Tag.PixelRepresentation, -1));
    }

    @Test
    void bigEndianValuesAreHeldLittleEndian() throws IOException {
        for (String[] pair : new String[][] {{"pydicom/MR_small.dcm", "pydicom/MR_small_expb.dcm"},
                {"pydicom/rtdose.dcm", "pydicom/rtdose_expb.dcm"}}) {
            Attributes le = corpus(pair[0]).dataset();
            Attributes be = corpus(pair[1]).dataset();
            assertArrayEquals(le.getBytes(Tag.PixelData), be.getBytes(Tag.PixelData), pair[1]);
            assertEquals(le.getInt(Tag.Rows, -1), be.getInt(Tag.Rows, -2));
            assertArrayEquals(le.getDoubles(Tag.PixelSpacing), be.getDoubles(Tag.PixelSpacing));
        }
        // BE pixel data stays in the file, marked for swapping
        BulkData bd = assertInstanceOf(BulkData.class, corpus("pydicom/MR_small_expb.dcm").dataset()
                .getValue(Tag.PixelData));
        assertTrue(bd.bigEndian());
    }

    @Test
    void deflatedDatasetReadsLikeTheExplicitOne() throws IOException {
        String base = "cornerstone/CTImage.dcm_";
        Attributes explicit = corpus(base + "LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm").dataset();
        Attributes deflated = corpus(base + "DeflatedExplicitVRLittleEndianTransferSyntax_1.2.840.10008.1.2.1.99.dcm")
                .dataset();
        assertArrayEquals(explicit.getBytes(Tag.PixelData), deflated.getBytes(Tag.PixelData));
        assertEquals(explicit.getString(Tag.SOPInstanceUID), deflated.getString(Tag.SOPInstanceUID));
    }

    @Test
    void encapsulatedPixelDataKeepsOffsetTableAndFragments() throws IOException {
        Fragments noBot = corpus("dicomparser/multi-frame/CT0012.fragmented_no_bot_jpeg_ls.80.dcm").dataset()
                .getFragments(Tag.PixelData);
        assertEquals(0, noBot.basicOffsetTable().length);
        assertTrue(noBot.fragmentCount() > 2, "fragmented: more fragments than frames");
        Fragments bot = corpus("dicomparser/multi-frame/CT0012.not_fragmented_bot_jpeg_ls.80.dcm").dataset()
                .getFragments(Tag.PixelData);
        assertEquals(2, bot.fragmentCount());
        assertArrayEquals(new int[] {0, (int) Fragments.lengthOf(bot.items().get(1)) + 8},
                Values.toInts(VR.UL, bot.basicOffsetTable()));
        // fragments read from a file stay there; from a stream they are loaded, with the same bytes
        assertInstanceOf(BulkData.class, bot.items().get(1));
        byte[] file = Files.readAllBytes(SharedData.dicomCorpus()
                .resolve("dicomparser/multi-frame/CT0012.not_fragmented_bot_jpeg_ls.80.dcm"));
        Fragments loaded = DicomFile.read(new ByteArrayInputStream(file)).dataset().getFragments(Tag.PixelData);
        assertArrayEquals(bot.fragment(1), (byte[]) loaded.items().get(2));
    }

    @Test
    void bareDatasetsAreDetected() throws IOException {
        assertEquals(TransferSyntax.EXPLICIT_VR_BIG_ENDIAN, corpus("pydicom/ExplVR_BigEndNoMeta.dcm").transferSyntax());
        assertEquals(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, corpus("pydicom/ExplVR_LitEndNoMeta.dcm")
                .transferSyntax());
        DicomFile rtstruct = corpus("pydicom/rtstruct.dcm");
        assertTrue(rtstruct.fileMeta().isEmpty());
        assertTrue(rtstruct.dataset().contains(Tag.SOPInstanceUID));
    }

    // ---- hand-made datasets --------------------------------------------------------------------------------

    /** Explicit VR Little Endian element writer for building test inputs. */
    private static final class Ex {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Ex tag(int tag) {
            u16(tag >>> 16);
            u16(tag & 0xFFFF);
            return this;
        }

        Ex u16(int v) {
            out.write(v);
            out.write(v >> 8);
            return this;
        }

        Ex u32(long v) {
            u16((int) (v & 0xFFFF));
            u16((int) (v >>> 16));
            return this;
        }

        Ex vr(String vr) {
            out.writeBytes(vr.getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        Ex shortEl(int tag, String vr, String value) {
            byte[] b = value.getBytes(StandardCharsets.ISO_8859_1);
            tag(tag).vr(vr).u16(b.length);
            out.writeBytes(b);
            return this;
        }

        Ex longHeader(int tag, String vr, long len) {
            return tag(tag).vr(vr).u16(0).u32(len);
        }

        Ex raw(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    private static Ex dataset() {
        return new Ex().shortEl(Tag.SOPClassUID, "UI", "1.2.3.4 ".replace(' ', '\0'));
    }

    private static DicomException rejects(byte[] data) {
        return assertThrows(DicomException.class, () -> DicomFile.read(new ByteArrayInputStream(data)));
    }

    @Test
    void declaredLengthBeyondTheEndIsAnErrorNotAnAllocation() throws IOException {
        byte[] data = dataset().longHeader(Tag.PixelData, "OB", 0xFFFFFFF0L).raw(new byte[100]).bytes();
        DicomException fromStream = rejects(data);
        assertTrue(fromStream.getMessage().startsWith("(7FE0,0010) declares 4294967280 bytes"), fromStream.getMessage());
        Path file = tmp.resolve("lying.dcm");
        Files.write(file, data);
        DicomException fromFile = assertThrows(DicomException.class, () -> DicomFile.read(file));
        assertEquals("(7FE0,0010) declares 4294967280 bytes but only 100 remain at offset 28", fromFile.getMessage());
    }

    @Test
    void nestingIsLimited() {
        Ex ex = dataset();
        int depth = 200;
        for (int i = 0; i < depth; i++) {
            ex.longHeader(0x00081115, "SQ", 0xFFFFFFFFL).tag(Tag.Item).u32(0xFFFFFFFFL);
        }
        DicomException e = rejects(ex.bytes());
        assertTrue(e.getMessage().startsWith("sequences nested deeper than 64 levels"), e.getMessage());
    }

    @Test
    void unknownVRCodeIsReadAsUNWithTheLongLengthForm() throws IOException {
        byte[] data = dataset().longHeader(0x00091010, "ZZ", 4).raw(new byte[] {1, 2, 3, 4}).shortEl(Tag.PatientID,
                "LO", "ID").bytes();
        Attributes ds = DicomFile.read(new ByteArrayInputStream(data)).dataset();
        assertEquals(VR.UN, ds.getVR(0x00091010));
        assertArrayEquals(new byte[] {1, 2, 3, 4}, ds.getBytes(0x00091010));
        assertEquals("ID", ds.getString(Tag.PatientID));
    }

    @Test
    void invalidVRBytesAreAnErrorNamingTagAndOffset() {
        byte[] data = dataset().tag(Tag.PatientID).raw(new byte[] {1, 2, 0, 0}).bytes();
        assertEquals("invalid VR code 0x0102 for (0010,0020) at offset 16", rejects(data).getMessage());
    }

    @Test
    void undefinedLengthUNIsAnImplicitVRSequence() throws IOException {
        // CP-246: (0009,1010) UN, undefined length, one item in Implicit VR LE holding (0008,0100) "CODE"
        Ex ex = dataset().shortEl(0x00090010, "LO", "ACME").longHeader(0x00091010, "UN", 0xFFFFFFFFL);
        ex.tag(Tag.Item).u32(0xFFFFFFFFL).tag(Tag.CodeValue).u32(4).raw("CODE".getBytes(StandardCharsets.US_ASCII));
        ex.tag(Tag.ItemDelimitationItem).u32(0).tag(Tag.SequenceDelimitationItem).u32(0);
        ex.shortEl(Tag.PatientID, "LO", "ID");
        Attributes ds = DicomFile.read(new ByteArrayInputStream(ex.bytes())).dataset();
        assertEquals(VR.SQ, ds.getVR(0x00091010));
        assertEquals("CODE", ds.getNestedDataset(0x00091010).getString(Tag.CodeValue));
        assertEquals(VR.SH, ds.getNestedDataset(0x00091010).getVR(Tag.CodeValue));
        assertEquals("ID", ds.getString(Tag.PatientID));
    }

    @Test
    void textIsNotDicom() {
        DicomException e = rejects("This is a README, not an image.\n".repeat(10).getBytes(StandardCharsets.US_ASCII));
        assertTrue(e.getMessage().startsWith("not a DICOM file"), e.getMessage());
    }

    @Test
    void inflatingIsCapped() throws IOException {
        Attributes ds = new Attributes();
        ds.setString(Tag.SOPClassUID, VR.UI, "1.2.3");
        ds.setBytes(0x00091010, VR.OB, new byte[1 << 20]); // 1 MiB of zeros deflates to about 1 KiB
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DicomWriter.write(out, null, ds, TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, DicomWriter.Options.DEFAULT);
        DicomReader.Options small = new DicomReader.Options(64 * 1024, 64, 100_000);
        DicomException e = assertThrows(DicomException.class,
                () -> DicomReader.read(new ByteArrayInputStream(out.toByteArray()), small));
        assertEquals("deflated dataset inflates to more than 100000 bytes", e.getMessage());
        assertEquals(1 << 20, DicomReader.read(new ByteArrayInputStream(out.toByteArray())).dataset()
                .getBytes(0x00091010).length);
    }

    @Test
    void groupLengthsAreDroppedExceptInTheMetaGroup() throws IOException {
        DicomFile f = corpus("pydicom/dicomdirtests/DICOMDIR");
        assertTrue(f.fileMeta().contains(Tag.FileMetaInformationGroupLength));
        for (int tag : f.dataset().tags()) {
            assertTrue(!Tag.isGroupLength(tag), Tag.toString(tag));
        }
    }

    @Test
    void trailingZeroPaddingEndsTheDatasetButNotBeforeOtherData() throws IOException {
        byte[] data = dataset().shortEl(Tag.PatientID, "LO", "ID").raw(new byte[100]).bytes();
        assertEquals("ID", DicomFile.read(new ByteArrayInputStream(data)).dataset().getString(Tag.PatientID));
        byte[] junk = dataset().raw(new byte[16]).shortEl(Tag.PatientID, "LO", "ID").bytes();
        assertEquals("zero bytes at offset 16 followed by data at offset 32", rejects(junk).getMessage());
    }

    @Test
    void bareDatasetsRoundTripInEverySyntaxForTheNetworkLayer() throws IOException {
        Attributes ds = corpus("pydicom/charset_files/chrSQEncoding.dcm").dataset();
        for (TransferSyntax ts : new TransferSyntax[] {TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN,
                TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, TransferSyntax.EXPLICIT_VR_BIG_ENDIAN,
                TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            DicomWriter.writeDataset(out, ds, ts);
            Attributes back = DicomReader.readDataset(new ByteArrayInputStream(out.toByteArray()), ts);
            String diff = ts.explicitVR() ? DatasetEquality.describeDifference(ds, back)
                    : DatasetEquality.describeDifferenceAfterImplicitVR(ds, back);
            assertNull(diff, ts.toString());
        }
    }

    @Test
    void definedLengthSequencesAreReadBackAndAcceptedByDcmdump() throws Exception {
        DicomFile sr = corpus("pydicom/test-SR.dcm"); // deeply nested sequences
        DicomWriter.Options defined = new DicomWriter.Options(true, java.util.zip.Deflater.DEFAULT_COMPRESSION);
        for (TransferSyntax ts : new TransferSyntax[] {TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN,
                TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN}) {
            Path out = tmp.resolve("defined-" + ts.uid() + ".dcm");
            DicomWriter.write(out, sr.fileMeta(), sr.dataset(), ts, defined);
            DicomFile back = DicomFile.read(out);
            assertNull(ts.explicitVR() ? DatasetEquality.describeDifference(sr.dataset(), back.dataset())
                    : DatasetEquality.describeDifferenceAfterImplicitVR(sr.dataset(), back.dataset()));
            Dcmtk.Run dump = Dcmtk.run("dcmdump", "+L", out.toString());
            assertEquals(0, dump.exitCode(), dump.output());
            assertTrue(dump.diagnostics().isEmpty(), dump.diagnostics().toString());
            assertTrue(dump.output().contains("(Sequence with explicit length"), "dcmdump saw defined lengths");
        }
    }
}
