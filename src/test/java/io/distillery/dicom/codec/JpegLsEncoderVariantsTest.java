package io.distillery.dicom.codec;

import static io.distillery.dicom.codec.ReferenceTools.corpus;
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
 * Streams the corpus does not have, made by dcmtk's JPEG-LS encoder (CharLS): custom preset parameters (LSE
 * marker), other NEAR values, every interleave mode, 8/12/16-bit. Each must decode exactly as dcmdjpls decodes
 * it, and lossless ones exactly to the original. dcmtk 3.6.7 cannot decode its own uninterleaved stream with
 * custom thresholds ("Invalid compressed image data"); that case is checked against the original only.
 */
class JpegLsEncoderVariantsTest {
    private final JpegLsDecoder decoder = new JpegLsDecoder();

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "pydicom-data/SC_rgb.dcm; +il; 0; true",
        "pydicom-data/SC_rgb.dcm; +is; 0; true",
        "pydicom-data/SC_rgb.dcm; +in; 0; true",
        "pydicom-data/SC_rgb.dcm; +is +en +md 3; 3; true",
        "pydicom-data/SC_rgb.dcm; +il +t1 5 +t2 11 +t3 40 +rs 32; 0; true",
        "pydicom-data/SC_rgb.dcm; +in +t1 5 +t2 11 +t3 40 +rs 32; 0; false",
        "pydicom-data/SC_rgb.dcm; +il +en +md 1 +t1 4 +t2 9 +t3 30 +rs 100; 1; true",
        "pydicom/MR_small.dcm; +t1 10 +t2 40 +t3 200 +rs 16; 0; true",
        "pydicom-data/emri_small.dcm; +en +md 7; 7; true",
        "pydicom-data/emri_small.dcm; +pc; 0; true",
        "pydicom-data/emri_small.dcm; +en +md 2 +t1 9 +t2 30 +t3 90 +rs 200; 2; true",
    })
    void decodesDcmtkEncodedVariants(String input, String options, int near, boolean dcmdjplsDecodes) throws Exception {
        Path original = corpus(input);
        Path encoded = tmp.resolve("encoded.dcm");
        List<String> cmd = new ArrayList<>(List.of("dcmcjpls"));
        cmd.addAll(List.of(options.trim().split(" +")));
        cmd.addAll(List.of(original.toString(), encoded.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + log);

        ImageFile file = ImageFile.read(encoded);
        byte[] first = file.compressedFrames().get(0);
        assertEquals(near, JpegLsDecoderTest.nearParameter(first), "NEAR in the stream");
        if (options.contains("+t1")) {
            assertTrue(hasPresetMarker(first), "custom thresholds are carried in an LSE marker");
        }
        byte[] ours = ReferenceTools.decodeAll(decoder, file);
        if (dcmdjplsDecodes) {
            assertArrayEquals(ReferenceTools.dcmdjpls(encoded, tmp), ours);
        }
        byte[] native_ = ImageFile.read(original).nativePixelData();
        double[] diff = ReferenceTools.absDiff(native_, ours, file.descriptor());
        assertTrue(diff[0] <= near, "max abs diff " + diff[0] + " exceeds NEAR " + near);
    }

    private static boolean hasPresetMarker(byte[] frame) {
        for (int i = 0; i + 1 < frame.length; i++) {
            if ((frame[i] & 0xFF) == 0xFF && (frame[i + 1] & 0xFF) == 0xF8) {
                return true;
            }
        }
        return false;
    }
}
