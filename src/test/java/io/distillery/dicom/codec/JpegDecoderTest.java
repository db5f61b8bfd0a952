package io.distillery.dicom.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.dicom.DicomException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class JpegDecoderTest {
    /** Lossy tolerance vs dcmtk: the IDCT, upsampling and colour arithmetic are libjpeg's, so 0 is expected. */
    private static final long LOSSY_TOLERANCE = 1;

    @TempDir
    Path temp;

    static Stream<String> jpegCorpusFiles() {
        List<String> files = Corpus.filesWithTransferSyntax(Corpus::isJpeg).stream()
                .filter(f -> !f.equals("pydicom/UN_sequence.dcm")) // no Pixel Data
                .toList();
        assertTrue(files.size() >= 25, "JPEG corpus files found: " + files.size());
        return files.stream();
    }

    @ParameterizedTest
    @MethodSource("jpegCorpusFiles")
    void decodesLikeDcmdjpeg(String relative) throws Exception {
        ImageFile file = ImageFile.read(Corpus.file(relative));
        ImageFile reference = Dcmtk.decompress("dcmdjpeg", Corpus.file(relative), temp);
        FrameDecoder decoder = Codecs.requireDecoder(file.transferSyntax);
        List<byte[]> frames = file.compressedFrames();
        assertEquals(reference.frames, frames.size());
        boolean lossless = file.transferSyntax.endsWith(".57") || file.transferSyntax.endsWith(".70");
        long max = 0;
        for (int i = 0; i < frames.size(); i++) {
            DecodedFrame decoded = decoder.decode(frames.get(i), file.descriptor());
            assertEquals(reference.photometric, decoded.photometricInterpretation());
            byte[] expected = reference.nativeFrame(i);
            assertFalse(isConstant(expected), "reference frame is blank, comparison would prove nothing");
            max = Math.max(max, Corpus.maxAbsDiff(decoded.data(), expected, file.bitsAllocated));
        }
        System.out.printf("jpeg vs dcmdjpeg: %s (%s, %d frame(s)) max abs diff %d%n", relative,
                file.transferSyntax, frames.size(), max);
        assertTrue(max <= (lossless ? 0 : LOSSY_TOLERANCE), relative + ": max abs diff " + max);
    }

    /** Lossless decodes equal the uncompressed originals the corpus files were made from (no dcmtk involved). */
    @ParameterizedTest
    @CsvSource({
        "cornerstone/CTImage.dcm_JPEGProcess14TransferSyntax_1.2.840.10008.1.2.4.57.dcm,"
                + "cornerstone/CTImage.dcm_LittleEndianImplicitTransferSyntax_1.2.840.10008.1.2.dcm",
        "cornerstone/CTImage.dcm_JPEGProcess14SV1TransferSyntax_1.2.840.10008.1.2.4.70.dcm,"
                + "cornerstone/CTImage.dcm_LittleEndianImplicitTransferSyntax_1.2.840.10008.1.2.dcm",
        "dicomparser/multi-frame/CT0012.fragmented_no_bot_jpeg_lossless.57.dcm,"
                + "dicomparser/multi-frame/CT0012.explicit_little_endian.dcm",
        "dicomparser/multi-frame/CT0012.fragmented_no_bot_jpeg_lossless.70.dcm,"
                + "dicomparser/multi-frame/CT0012.explicit_little_endian.dcm",
        "pydicom/SC_rgb_jpeg_gdcm.dcm,pydicom-data/SC_rgb.dcm",
    })
    void losslessEqualsUncompressedOriginal(String compressed, String original) throws Exception {
        ImageFile file = ImageFile.read(Corpus.file(compressed));
        ImageFile reference = ImageFile.read(Corpus.file(original));
        byte[][] decoded = Corpus.decodeAll(file);
        assertEquals(reference.frames, decoded.length);
        for (int i = 0; i < decoded.length; i++) {
            assertArrayEquals(reference.nativeFrame(i), decoded[i], compressed + " frame " + i);
        }
    }

    @Test
    void ybrIsConvertedToRgbAndReportedSo() throws Exception {
        ImageFile file = ImageFile.read(Corpus.file("pydicom/SC_rgb_dcmtk_+eb+cy+s2.dcm"));
        assertEquals("YBR_FULL_422", file.photometric);
        DecodedFrame frame = Codecs.requireDecoder(file.transferSyntax)
                .decode(file.compressedFrames().get(0), file.descriptor());
        assertEquals("RGB", frame.photometricInterpretation());
        // the lossy YBR_FULL_422 copy stays close to the RGB original it was made from
        ImageFile original = ImageFile.read(Corpus.file("pydicom-data/SC_rgb.dcm"));
        long max = Corpus.maxAbsDiff(frame.data(), original.nativeFrame(0), 8);
        assertTrue(max < 40, "max diff to the RGB original " + max);
    }

    @Test
    void rgbWithoutColourTransformIsNotConverted() throws Exception {
        ImageFile file = ImageFile.read(Corpus.file("pydicom/SC_rgb_dcmtk_+eb+cr.dcm"));
        DecodedFrame frame = Codecs.requireDecoder(file.transferSyntax)
                .decode(file.compressedFrames().get(0), file.descriptor());
        assertEquals("RGB", frame.photometricInterpretation());
        ImageFile original = ImageFile.read(Corpus.file("pydicom-data/SC_rgb.dcm"));
        long max = Corpus.maxAbsDiff(frame.data(), original.nativeFrame(0), 8);
        assertTrue(max < 40, "max diff to the RGB original " + max);
    }

    @Test
    void arithmeticCodingIsRejectedByName() {
        byte[] sof9 = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xC9, 0, 11, 8, 0, 1, 0, 1, 1, 1, 0x11, 0};
        DicomException e = assertThrows(DicomException.class,
                () -> new JpegDecoder().decode(sof9, descriptor(1, 1, 1, 8)));
        assertTrue(e.getMessage().contains("arithmetic"), e.getMessage());
    }

    @Test
    void mismatchedDimensionsAreRejectedBeforeAllocating() throws Exception {
        ImageFile file = ImageFile.read(Corpus.file("pylibjpeg-data/JPEGBaseline_1s_1f_u_08_08.dcm"));
        byte[] frame = file.compressedFrames().get(0);
        DicomException e = assertThrows(DicomException.class,
                () -> new JpegDecoder().decode(frame, descriptor(50, 100, 1, 8)));
        assertTrue(e.getMessage().contains("100x100"), e.getMessage());
    }

    @Test
    void hugeDeclaredFramesAreRejectedWithoutAllocating() {
        // SOF0 declaring 65535x65535 with a dataset that agrees: refused before any buffer is sized
        byte[] sof = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xC0, 0, 11, 8, (byte) 0xFF, (byte) 0xFF,
            (byte) 0xFF, (byte) 0xFF, 1, 1, 0x11, 0};
        DicomException e = assertThrows(DicomException.class,
                () -> new JpegDecoder().decode(sof, descriptor(65535, 65535, 1, 8)));
        assertTrue(e.getMessage().contains("limit"), e.getMessage());
    }

    @Test
    void frameWithoutComponentsIsRejected() {
        byte[] sof = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xC0, 0, 8, 8, 0, 1, 0, 1, 0};
        assertThrows(DicomException.class, () -> new JpegDecoder().decode(sof, descriptor(1, 1, 0, 8)));
    }

    @Test
    void truncatedFrameIsRejected() throws Exception {
        ImageFile file = ImageFile.read(Corpus.file("pylibjpeg-data/JPEGBaseline_1s_1f_u_08_08.dcm"));
        byte[] frame = file.compressedFrames().get(0);
        byte[] truncated = Arrays.copyOf(frame, frame.length / 2);
        DicomException e = assertThrows(DicomException.class,
                () -> new JpegDecoder().decode(truncated, file.descriptor()));
        assertNotNull(e.getMessage());
    }

    private static ImageDescriptor descriptor(int rows, int columns, int samples, int bits) {
        return new ImageDescriptor(rows, columns, samples, bits, bits, 0, samples == 1 ? "MONOCHROME2" : "RGB", 0, 1);
    }

    private static boolean isConstant(byte[] data) {
        for (byte b : data) {
            if (b != data[0]) {
                return false;
            }
        }
        return true;
    }
}
