package io.distillery.dicom.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.dicom.DicomException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RleCodecTest {
    private final RleCodec rle = Codecs.rle();

    @TempDir
    Path temp;

    static Stream<String> rleCorpusFiles() {
        List<String> files = Corpus.filesWithTransferSyntax(Corpus.RLE::equals);
        assertTrue(files.size() >= 14, "RLE corpus files found: " + files.size());
        return files.stream();
    }

    @ParameterizedTest
    @MethodSource("rleCorpusFiles")
    void decodesLikeDcmdrle(String relative) throws Exception {
        ImageFile file = ImageFile.read(Corpus.file(relative));
        ImageFile reference = Dcmtk.decompress("dcmdrle", Corpus.file(relative), temp);
        byte[][] decoded = Corpus.decodeAll(file);
        assertEquals(reference.frames, decoded.length);
        for (int i = 0; i < decoded.length; i++) {
            assertArrayEquals(reference.nativeFrame(i), decoded[i], relative + " frame " + i);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "cornerstone/CTImage.dcm_RLELosslessTransferSyntax_1.2.840.10008.1.2.5.dcm,"
                + "cornerstone/CTImage.dcm_LittleEndianImplicitTransferSyntax_1.2.840.10008.1.2.dcm",
        "dicomparser/multi-frame/CT0012.not_fragmented_bot_rle.dcm,dicomparser/multi-frame/CT0012.explicit_little_endian.dcm",
        "dicomparser/multi-frame/CT0012.not_fragmented_no_bot_rle.dcm,dicomparser/multi-frame/CT0012.explicit_little_endian.dcm",
        "pydicom/MR_small_RLE.dcm,pydicom/MR_small.dcm",
        "pydicom-data/emri_small_RLE.dcm,pydicom-data/emri_small.dcm",
        "pydicom/SC_rgb_rle.dcm,pydicom-data/SC_rgb.dcm",
        "pydicom/SC_rgb_rle_2frame.dcm,pydicom-data/SC_rgb_2frame.dcm",
        "pydicom/SC_rgb_rle_16bit.dcm,pydicom-data/SC_rgb_16bit.dcm",
        "pydicom/rtdose_rle.dcm,pydicom/rtdose.dcm",
    })
    void decodeEqualsUncompressedOriginal(String compressed, String original) throws Exception {
        ImageFile file = ImageFile.read(Corpus.file(compressed));
        ImageFile reference = ImageFile.read(Corpus.file(original));
        byte[][] decoded = Corpus.decodeAll(file);
        assertEquals(reference.frames, decoded.length);
        for (int i = 0; i < decoded.length; i++) {
            assertArrayEquals(reference.nativeFrame(i), decoded[i], compressed + " frame " + i);
        }
    }

    /** Our encoder's frames, spliced into the corpus file in place of its own, decode in dcmtk to the same pixels. */
    @ParameterizedTest
    @MethodSource("rleCorpusFiles")
    void reencodedFramesRoundTripAndDecodeInDcmdrle(String relative) throws Exception {
        ImageFile file = ImageFile.read(Corpus.file(relative));
        byte[][] decoded = Corpus.decodeAll(file);
        byte[][] encoded = new byte[decoded.length][];
        for (int i = 0; i < decoded.length; i++) {
            encoded[i] = rle.encode(decoded[i], file.descriptor());
            assertEquals(0, encoded[i].length % 2, "RLE frames have even length");
            assertArrayEquals(decoded[i], rle.decode(encoded[i], file.descriptor()).data(), "own round trip");
        }
        Path spliced = temp.resolve("ours.dcm");
        Files.write(spliced, file.withEncapsulatedFrames(encoded));
        ImageFile dcmtk = Dcmtk.decompress("dcmdrle", spliced, temp);
        for (int i = 0; i < decoded.length; i++) {
            assertArrayEquals(decoded[i], dcmtk.nativeFrame(i), relative + " frame " + i + " decoded by dcmdrle");
        }
    }

    /** dcmcrle's output of uncompressed corpus files decodes to the original pixels. */
    @ParameterizedTest
    @ValueSource(strings = {"pydicom/MR_small.dcm", "pydicom-data/SC_rgb.dcm", "pydicom-data/SC_rgb_16bit.dcm",
        "pydicom/rtdose.dcm", "pydicom/SC_rgb_small_odd.dcm", "pydicom/CT_small.dcm"})
    void decodesDcmcrleOutput(String relative) throws Exception {
        ImageFile original = ImageFile.read(Corpus.file(relative));
        Path compressed = temp.resolve("dcmcrle.dcm");
        Dcmtk.run("dcmcrle", Corpus.file(relative).toString(), compressed.toString());
        ImageFile file = ImageFile.read(compressed);
        assertEquals(Corpus.RLE, file.transferSyntax);
        byte[][] decoded = Corpus.decodeAll(file);
        for (int i = 0; i < decoded.length; i++) {
            assertArrayEquals(original.nativeFrame(i), decoded[i], relative + " frame " + i);
        }
    }

    @Test
    void encodesColourByPlaneInput() {
        ImageDescriptor byPlane = new ImageDescriptor(2, 3, 3, 8, 8, 0, "RGB", 1, 1);
        byte[] planes = {1, 2, 3, 4, 5, 6, 11, 12, 13, 14, 15, 16, 21, 22, 23, 24, 25, 26};
        byte[] encoded = rle.encode(planes, byPlane);
        byte[] decoded = rle.decode(encoded, byPlane).data();
        assertArrayEquals(new byte[] {1, 11, 21, 2, 12, 22, 3, 13, 23, 4, 14, 24, 5, 15, 25, 6, 16, 26}, decoded);
    }

    @Test
    void packsLongRunsAndLiteralsWithinRowsOf300() {
        ImageDescriptor image = new ImageDescriptor(3, 300, 1, 16, 16, 0, "MONOCHROME2", 0, 1);
        byte[] pixels = new byte[300 * 3 * 2];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i < 400 ? 7 : i % 7 == 0 ? i : i / 3);
        }
        byte[] encoded = rle.encode(pixels, image);
        assertTrue(encoded.length < pixels.length + 64 + 40);
        assertArrayEquals(pixels, rle.decode(encoded, image).data());
    }

    @Test
    void rejectsCorruptFrames() throws Exception {
        ImageFile file = ImageFile.read(Corpus.file("pydicom/MR_small_RLE.dcm"));
        byte[] frame = file.compressedFrames().get(0);
        ImageDescriptor image = file.descriptor();
        assertThrows(DicomException.class, () -> rle.decode(Arrays.copyOf(frame, 40), image));
        assertThrows(DicomException.class, () -> rle.decode(Arrays.copyOf(frame, frame.length / 2), image));
        byte[] wrongCount = frame.clone();
        wrongCount[0] = 3;
        DicomException e = assertThrows(DicomException.class, () -> rle.decode(wrongCount, image));
        assertTrue(e.getMessage().contains("segments"), e.getMessage());
        byte[] badOffset = frame.clone();
        badOffset[8] = (byte) 0xFF;
        badOffset[9] = (byte) 0xFF;
        assertThrows(DicomException.class, () -> rle.decode(badOffset, image));
        assertThrows(DicomException.class,
                () -> rle.decode(frame, new ImageDescriptor(64, 64, 1, 12, 12, 0, "MONOCHROME2", 0, 1)));
    }
}
