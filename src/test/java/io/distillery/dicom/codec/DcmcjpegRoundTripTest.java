package io.distillery.dicom.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Covers JPEG variants the corpus lacks by having dcmtk's dcmcjpeg make them from uncompressed corpus files:
 * every predictor, point transform, 12-bit extended, spectral selection and progressive in colour, 4:1:1
 * subsampling, and frames split over several fragments without an offset table. Our decode must equal dcmdjpeg's
 * and, when lossless without point transform, the original pixels.
 */
class DcmcjpegRoundTripTest {
    @TempDir
    Path temp;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = ';', value = {
        "pydicom/MR_small.dcm; +el +sv 1",
        "pydicom/MR_small.dcm; +el +sv 2",
        "pydicom/MR_small.dcm; +el +sv 3",
        "pydicom/MR_small.dcm; +el +sv 4",
        "pydicom/MR_small.dcm; +el +sv 5",
        "pydicom/MR_small.dcm; +el +sv 6",
        "pydicom/MR_small.dcm; +el +sv 7",
        "pydicom/CT_small.dcm; +el +sv 7 +pt 3",
        "pydicom-data/SC_rgb.dcm; +el +sv 4",
        "pydicom-data/SC_rgb.dcm; +e1 +pt 1",
        "pydicom-data/SC_rgb_16bit.dcm; +e1",
        "pydicom-data/emri_small.dcm; +e1 +fs 1 -ot",
        "pydicom/MR_small.dcm; +ee",
        "pydicom/CT_small.dcm; +es",
        "pydicom/CT_small.dcm; +ep",
        "pydicom-data/SC_rgb.dcm; +ep",
        "pydicom-data/SC_rgb.dcm; +es +n1",
        "pydicom-data/SC_rgb.dcm; +ee +np",
        "pydicom-data/SC_rgb.dcm; +eb +n2 +q 40",
        "pydicom/SC_rgb_small_odd.dcm; +eb",
        "pydicom-data/SC_rgb_2frame.dcm; +ep +fs 1 -ot",
        "pydicom/SC_ybr_full_422_uncompressed.dcm; +eb",
    })
    void decodesLikeDcmdjpeg(String source, String options) throws Exception {
        Path compressed = temp.resolve("dcmcjpeg.dcm");
        List<String> args = new ArrayList<>(List.of(options.split(" ")));
        args.add(Corpus.file(source).toString());
        args.add(compressed.toString());
        Dcmtk.run("dcmcjpeg", args.toArray(String[]::new));
        ImageFile file = ImageFile.read(compressed);
        ImageFile reference = Dcmtk.decompress("dcmdjpeg", compressed, temp);
        ImageFile original = ImageFile.read(Corpus.file(source));
        if (options.contains("-ot")) {
            assertEquals(0, file.basicOffsetTable.length);
            assertTrue(file.fragments.size() > file.frames, "frames are fragmented");
        }
        FrameDecoder decoder = Codecs.requireDecoder(file.transferSyntax);
        List<byte[]> frames = file.compressedFrames();
        assertEquals(original.frames, frames.size());
        boolean exact = (options.contains("+el") || options.contains("+e1")) && !options.contains("+pt");
        long max = 0;
        for (int i = 0; i < frames.size(); i++) {
            DecodedFrame decoded = decoder.decode(frames.get(i), file.descriptor());
            assertEquals(reference.photometric, decoded.photometricInterpretation());
            max = Math.max(max, Corpus.maxAbsDiff(decoded.data(), reference.nativeFrame(i), file.bitsAllocated));
            if (exact) {
                assertArrayEquals(original.nativeFrame(i), decoded.data(), "lossless frame " + i);
            }
        }
        System.out.printf("dcmcjpeg %s %s (%s): max abs diff vs dcmdjpeg %d%n", options, source, file.transferSyntax,
                max);
        assertEquals(0, max, "max abs diff vs dcmdjpeg");
    }
}
