package io.distillery.dicom.codec;

import static io.distillery.dicom.codec.ReferenceTools.corpus;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.dicom.DicomException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class Jpeg2000DecoderTest {
    /** JJ2000 (jai-imageio-jpeg2000 1.4.0) decodes this lossless RCT stream wrongly; see Jpeg2000Decoder. */
    private static final String JJ2000_DEFECT = "pydicom/GDCMJ2K_TextGBR.dcm";
    /** Four codestream bytes (Rsiz and half of Xsiz) overwritten with a Sequence Delimiter tag. */
    private static final String CORRUPT_SIZ = "pydicom/JPEG2000-embedded-sequence-delimiter.dcm";
    /** Pixel Data shorter than its length: not decodable at the DICOM level, no frame to give the codec. */
    private static final String TRUNCATED_FILE = "pydicom-data/emri_small_jpeg_2k_lossless_too_short.dcm";
    /** gdcm (OpenJPEG) and JJ2000 round the irreversible 9/7 wavelet differently by at most one. */
    private static final int LOSSY_TOLERANCE = 1;

    private final Jpeg2000Decoder decoder = new Jpeg2000Decoder();

    @TempDir
    Path tmp;

    static Stream<String> losslessCorpus() throws Exception {
        return ReferenceTools.corpusFiles("1.2.840.10008.1.2.4.90").stream()
                .filter(f -> !f.equals(JJ2000_DEFECT) && !f.equals(TRUNCATED_FILE));
    }

    static Stream<String> lossyCorpus() throws Exception {
        return ReferenceTools.corpusFiles("1.2.840.10008.1.2.4.91").stream().filter(f -> !f.equals(CORRUPT_SIZ));
    }

    @ParameterizedTest
    @MethodSource("losslessCorpus")
    void losslessDecodesExactlyAsGdcm(String file) throws Exception {
        Path path = corpus(file);
        byte[] ours = ReferenceTools.decodeAll(decoder, ImageFile.read(path));
        assertArrayEquals(ReferenceTools.gdcmRaw(path, tmp), ours);
    }

    @ParameterizedTest
    @MethodSource("lossyCorpus")
    void lossyDecodesWithinRoundingOfGdcm(String file) throws Exception {
        Path path = corpus(file);
        ImageFile dicom = ImageFile.read(path);
        byte[] ours = ReferenceTools.decodeAll(decoder, dicom);
        double[] diff = ReferenceTools.absDiff(ReferenceTools.gdcmRaw(path, tmp), ours, dicom.descriptor());
        assertTrue(diff[0] <= LOSSY_TOLERANCE, file + ": max abs diff to gdcm " + diff[0]);
    }

    @ParameterizedTest
    @CsvSource({
        "cornerstone/CTImage.dcm_JPEG2000LosslessOnlyTransferSyntax_1.2.840.10008.1.2.4.90.dcm, cornerstone/CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm",
        "pydicom/MR_small_jp2klossless.dcm, pydicom/MR_small.dcm",
        "pydicom-data/emri_small_jpeg_2k_lossless.dcm, pydicom-data/emri_small.dcm",
    })
    void losslessMatchesUncompressedOriginal(String compressed, String original) throws Exception {
        byte[] ours = ReferenceTools.decodeAll(decoder, ImageFile.read(corpus(compressed)));
        assertArrayEquals(ImageFile.read(corpus(original)).nativePixelData(), ours);
    }

    @Test
    void lossyCtIsCloseToTheOriginal() throws Exception {
        ImageFile lossy = ImageFile.read(
                corpus("cornerstone/CTImage.dcm_JPEG2000TransferSyntax_1.2.840.10008.1.2.4.91.dcm"));
        byte[] original = ImageFile.read(
                corpus("cornerstone/CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm"))
                .nativePixelData();
        double[] diff = ReferenceTools.absDiff(original, ReferenceTools.decodeAll(decoder, lossy),
                lossy.descriptor());
        System.out.printf("CTImage .91 vs original: max abs diff %.0f, mean %.4f%n", diff[0], diff[1]);
        // Measured here: max 5, mean 0.57 (gdcm gives the same samples); a wrong decode is off by hundreds.
        assertTrue(diff[0] <= 8 && diff[1] < 1.0, "max " + diff[0] + " mean " + diff[1]);
    }

    @Test
    void colourTransformComesOutAsRgb() throws Exception {
        ImageFile rct = ImageFile.read(corpus(JJ2000_DEFECT));
        assertEquals("YBR_RCT", rct.descriptor().photometricInterpretation());
        DecodedFrame frame = decoder.decode(rct.compressedFrames().get(0), rct.descriptor());
        assertEquals("RGB", frame.photometricInterpretation());
    }

    /**
     * Documents a known JJ2000 defect rather than hiding it: on this lossless stream it returns wrong samples in
     * part of one tile, without any error. When a fixed library is adopted this test fails: then move the file
     * into the exact-match corpus test.
     */
    @Test
    void knownJj2000DefectOnGdcmTextGbrStillPresent() throws Exception {
        Path path = corpus(JJ2000_DEFECT);
        ImageFile dicom = ImageFile.read(path);
        byte[] ours = ReferenceTools.decodeAll(decoder, dicom);
        byte[] gdcm = ReferenceTools.gdcmRaw(path, tmp);
        double[] diff = ReferenceTools.absDiff(gdcm, ours, dicom.descriptor());
        System.out.printf("%s: JJ2000 vs gdcm max abs diff %.0f, mean %.4f%n", JJ2000_DEFECT, diff[0], diff[1]);
        assertFalse(Arrays.equals(gdcm, ours));
    }

    @Test
    void signednessMismatchPassesBitsThroughAndPixelRepresentationGoverns() throws Exception {
        ImageFile siz0 = ImageFile.read(corpus("pylibjpeg-data/TOSHIBA_J2K_SIZ0_PixRep1.dcm"));
        ImageFile siz1 = ImageFile.read(corpus("pylibjpeg-data/TOSHIBA_J2K_SIZ1_PixRep0.dcm"));
        int[] range0 = range(ReferenceTools.decodeAll(decoder, siz0), siz0.descriptor());
        int[] range1 = range(ReferenceTools.decodeAll(decoder, siz1), siz1.descriptor());
        // CT read as signed (Pixel Representation 1) shows air below zero, as gdcm and pydicom show it.
        assertTrue(range0[0] < 0, "signed CT has negative samples: " + Arrays.toString(range0));
        assertTrue(range1[0] >= 0, "unsigned CT has none: " + Arrays.toString(range1));
    }

    @Test
    void corruptSizMarkerIsAnError() throws Exception {
        ImageFile dicom = ImageFile.read(corpus(CORRUPT_SIZ));
        DicomException e = assertThrows(DicomException.class,
                () -> decoder.decode(dicom.compressedFrames().get(0), dicom.descriptor()));
        assertTrue(e.getMessage().contains("but the dataset says 256x1024"), e.getMessage());
    }

    @Test
    void truncatedCodestreamIsAnErrorNotZeroFilled() throws Exception {
        for (String file : List.of("pydicom/MR_small_jp2klossless.dcm", "pylibjpeg-data/ELSCINT1_JP2vsJ2K.dcm")) {
            ImageFile dicom = ImageFile.read(corpus(file));
            byte[] frame = dicom.compressedFrames().get(0);
            for (int cut : new int[] {0, 3, 30, 200, frame.length / 2, frame.length - 3}) {
                byte[] truncated = Arrays.copyOf(frame, cut);
                DicomException e = assertThrows(DicomException.class,
                        () -> decoder.decode(truncated, dicom.descriptor()), file + " cut at " + cut);
                assertTrue(e.getMessage().startsWith("JPEG 2000: ") && !e.getMessage().contains("\n"),
                        e.getMessage());
            }
        }
    }

    @Test
    void concurrentDecodesGiveTheSameResultAsSequentialOnes() throws Exception {
        List<String> files = List.of("pydicom/MR_small_jp2klossless.dcm", "pydicom/SC_rgb_gdcm_KY.dcm",
                "pydicom-data/emri_small_jpeg_2k_lossless.dcm", "pylibjpeg-data/ELSCINT1_JP2vsJ2K.dcm");
        List<ImageFile> dicoms = new ArrayList<>();
        List<byte[]> sequential = new ArrayList<>();
        for (String f : files) {
            ImageFile d = ImageFile.read(corpus(f));
            dicoms.add(d);
            sequential.add(ReferenceTools.decodeAll(decoder, d));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<byte[]>> results = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                for (ImageFile d : dicoms) {
                    results.add(pool.submit(() -> ReferenceTools.decodeAll(decoder, d)));
                }
            }
            for (int i = 0; i < results.size(); i++) {
                assertArrayEquals(sequential.get(i % files.size()), results.get(i).get(), files.get(i % files.size()));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static int[] range(byte[] data, ImageDescriptor image) {
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (int i = 0; i < data.length / 2; i++) {
            int v = ReferenceTools.sample(data, i, image);
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return new int[] {min, max};
    }
}
