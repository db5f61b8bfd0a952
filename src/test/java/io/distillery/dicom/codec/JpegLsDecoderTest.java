package io.distillery.dicom.codec;

import static io.distillery.dicom.codec.ReferenceTools.corpus;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

class JpegLsDecoderTest {
    /** dcmtk 3.6.7 rejects this 7-bit file ("Invalid compressed image data"); gdcm's CharLS is the reference. */
    private static final String SEVEN_BIT = "pydicom-data/JLSL_08_07_0_1F.dcm";

    private final JpegLsDecoder decoder = new JpegLsDecoder();

    @TempDir
    Path tmp;

    static Stream<String> jpegLsCorpus() throws Exception {
        List<String> files = ReferenceTools.corpusFiles("1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81");
        assertTrue(files.size() >= 20, "corpus index lists the JPEG-LS files");
        return files.stream().filter(f -> !f.equals(SEVEN_BIT));
    }

    @ParameterizedTest
    @MethodSource("jpegLsCorpus")
    void decodesExactlyAsDcmdjpls(String file) throws Exception {
        Path path = corpus(file);
        byte[] ours = ReferenceTools.decodeAll(decoder, ImageFile.read(path));
        assertArrayEquals(ReferenceTools.dcmdjpls(path, tmp), ours);
    }

    @Test
    void decodesSevenBitFileExactlyAsGdcm() throws Exception {
        Path path = corpus(SEVEN_BIT);
        byte[] ours = ReferenceTools.decodeAll(decoder, ImageFile.read(path));
        assertArrayEquals(ReferenceTools.gdcmRaw(path, tmp), ours);
    }

    @ParameterizedTest
    @CsvSource({
        "dicomparser/single-frame/CT1_UNC.fragmented_bot_jpeg_ls.80.dcm, dicomparser/single-frame/CT1_UNC.explicit_little_endian.dcm",
        "dicomparser/single-frame/CT1_UNC.not_fragmented_bot_jpeg_ls.80.dcm, dicomparser/single-frame/CT1_UNC.explicit_little_endian.dcm",
        "dicomparser/single-frame/CT1_UNC.not_fragmented_no_bot_jpeg_ls.80.dcm, dicomparser/single-frame/CT1_UNC.explicit_little_endian.dcm",
        "dicomparser/multi-frame/CT0012.not_fragmented_bot_jpeg_ls.80.dcm, dicomparser/multi-frame/CT0012.explicit_little_endian.dcm",
        "dicomparser/multi-frame/CT0012.not_fragmented_no_bot_jpeg_ls.80.dcm, dicomparser/multi-frame/CT0012.explicit_little_endian.dcm",
        "dicomparser/multi-frame/CT0012.fragmented_no_bot_jpeg_ls.80.dcm, dicomparser/multi-frame/CT0012.explicit_little_endian.dcm",
        "pydicom/MR_small_jpeg_ls_lossless.dcm, pydicom/MR_small.dcm",
        "pydicom-data/emri_small_jpeg_ls_lossless.dcm, pydicom-data/emri_small.dcm",
        "cornerstone/CTImage.dcm_JPEGLSLosslessTransferSyntax_1.2.840.10008.1.2.4.80.dcm, cornerstone/CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm",
    })
    void losslessMatchesUncompressedOriginal(String compressed, String original) throws Exception {
        byte[] ours = ReferenceTools.decodeAll(decoder, ImageFile.read(corpus(compressed)));
        assertArrayEquals(ImageFile.read(corpus(original)).nativePixelData(), ours);
    }

    @Test
    void allInterleaveModesGiveTheSameRgbImage() throws Exception {
        ImageFile none = ImageFile.read(corpus("pydicom-data/JLSL_RGB_ILV0.dcm"));
        assertEquals(0, interleaveMode(none.compressedFrames().get(0)));
        byte[] ilv0 = ReferenceTools.decodeAll(decoder, none);
        for (int mode = 1; mode <= 2; mode++) {
            ImageFile file = ImageFile.read(corpus("pydicom-data/JLSL_RGB_ILV" + mode + ".dcm"));
            assertEquals(mode, interleaveMode(file.compressedFrames().get(0)));
            assertArrayEquals(ilv0, ReferenceTools.decodeAll(decoder, file), "ILV " + mode);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "cornerstone/CTImage.dcm_JPEGLSLossyTransferSyntax_1.2.840.10008.1.2.4.81.dcm, cornerstone/CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm",
        "dicomparser/multi-frame/CT0012.fragmented_no_bot_jpeg_ls.81.dcm, dicomparser/multi-frame/CT0012.explicit_little_endian.dcm",
        "pydicom/SC_rgb_jls_lossy_line.dcm, pydicom-data/SC_rgb.dcm",
        "pydicom/SC_rgb_jls_lossy_sample.dcm, pydicom-data/SC_rgb.dcm",
        "pydicom-data/JLSN_RGB_ILV0.dcm, pydicom-data/JLSL_RGB_ILV0.dcm",
    })
    void nearLosslessStaysWithinNear(String compressed, String original) throws Exception {
        ImageFile file = ImageFile.read(corpus(compressed));
        int near = nearParameter(file.compressedFrames().get(0));
        assertTrue(near > 0, "file is really near-lossless");
        ImageFile reference = ImageFile.read(corpus(original));
        byte[] expected = reference.nativePixelData() != null ? reference.nativePixelData()
                : ReferenceTools.decodeAll(decoder, reference);
        double[] diff = ReferenceTools.absDiff(expected, ReferenceTools.decodeAll(decoder, file), file.descriptor());
        assertTrue(diff[0] <= near, "max abs diff " + diff[0] + " exceeds NEAR " + near);
        assertTrue(diff[0] > 0, "lossy decode should not be identical");
    }

    @Test
    void truncatedStreamIsReportedNotPadded() throws Exception {
        ImageFile file = ImageFile.read(corpus("pydicom/MR_small_jpeg_ls_lossless.dcm"));
        byte[] frame = file.compressedFrames().get(0);
        for (int cut : new int[] {0, 1, 3, 20, frame.length / 2, frame.length - 40, frame.length - 2}) {
            byte[] truncated = Arrays.copyOf(frame, cut);
            DicomException e = assertThrows(DicomException.class, () -> decoder.decode(truncated, file.descriptor()),
                    "cut at " + cut);
            assertTrue(e.getMessage().startsWith("JPEG-LS: ") && !e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void dimensionMismatchWithDatasetIsAnError() throws Exception {
        ImageFile file = ImageFile.read(corpus("pydicom/MR_small_jpeg_ls_lossless.dcm"));
        ImageDescriptor d = file.descriptor();
        ImageDescriptor wrong = new ImageDescriptor(d.rows() * 2, d.columns(), 1, 16, 16, 1, "MONOCHROME2", 0, 1);
        DicomException e = assertThrows(DicomException.class,
                () -> decoder.decode(file.compressedFrames().get(0), wrong));
        assertTrue(e.getMessage().contains("64x64"), e.getMessage());
    }

    /** NEAR of the first scan header (T.87 C.2.3). */
    static int nearParameter(byte[] frame) {
        int sos = findMarker(frame, 0xDA);
        return frame[sos + 5 + 2 * (frame[sos + 4] & 0xFF)] & 0xFF;
    }

    static int interleaveMode(byte[] frame) {
        int sos = findMarker(frame, 0xDA);
        return frame[sos + 6 + 2 * (frame[sos + 4] & 0xFF)] & 0xFF;
    }

    private static int findMarker(byte[] frame, int marker) {
        for (int i = 0; i + 1 < frame.length; i++) {
            if ((frame[i] & 0xFF) == 0xFF && (frame[i + 1] & 0xFF) == marker) {
                return i;
            }
        }
        throw new AssertionError("no marker FF" + Integer.toHexString(marker));
    }
}
