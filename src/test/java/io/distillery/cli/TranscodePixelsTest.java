package io.distillery.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.dicom.DicomFile;
import io.distillery.dicom.Fragments;
import io.distillery.dicom.Tag;
import io.distillery.dicom.TransferSyntax;
import io.distillery.testsupport.SharedData;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code dicom transcode} through the pixel codecs: decompression, and RLE compression checked by dcmtk. */
class TranscodePixelsTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "pydicom/MR_small_RLE.dcm, pydicom/MR_small.dcm",
        "cornerstone/CTImage.dcm_JPEGLSLosslessTransferSyntax_1.2.840.10008.1.2.4.80.dcm, cornerstone/CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm",
        "cornerstone/CTImage.dcm_JPEGProcess14SV1TransferSyntax_1.2.840.10008.1.2.4.70.dcm, cornerstone/CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm",
    })
    void losslessFilesDecompressToTheOriginalPixels(String compressed, String original) throws Exception {
        Path out = tmp.resolve("native.dcm");
        assertEquals(0, DistilleryCommand.execute("dicom", "transcode", "--ts", "1.2.840.10008.1.2.1", "--out",
                out.toString(), SharedData.dicomCorpus().resolve(compressed).toString()));
        DicomFile result = DicomFile.read(out);
        assertEquals(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, result.transferSyntax());
        assertArrayEquals(DicomFile.read(SharedData.dicomCorpus().resolve(original)).dataset().getBytes(Tag.PixelData),
                result.dataset().getBytes(Tag.PixelData));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"pydicom/MR_small.dcm", "pydicom-data/SC_rgb.dcm", "pydicom-data/SC_rgb_2frame.dcm"})
    void rleOutputIsDecodedByDcmtkToTheSamePixels(String file) throws Exception {
        Path src = SharedData.dicomCorpus().resolve(file);
        Path rle = tmp.resolve("rle.dcm");
        assertEquals(0, DistilleryCommand.execute("dicom", "transcode", "--ts", "1.2.840.10008.1.2.5", "--out",
                rle.toString(), src.toString()));
        DicomFile written = DicomFile.read(rle);
        assertEquals(TransferSyntax.RLE_LOSSLESS, written.transferSyntax());
        Fragments fragments = written.dataset().getFragments(Tag.PixelData);
        assertEquals(written.dataset().getInt(Tag.NumberOfFrames, 1), fragments.fragmentCount());
        Path back = tmp.resolve("back.dcm");
        Process p = new ProcessBuilder("dcmdrle", rle.toString(), back.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "dcmdrle: " + log);
        assertArrayEquals(DicomFile.read(src).dataset().getBytes(Tag.PixelData),
                DicomFile.read(back).dataset().getBytes(Tag.PixelData), "dcmtk decodes our RLE to the original");
    }
}
