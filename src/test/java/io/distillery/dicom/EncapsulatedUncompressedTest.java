package io.distillery.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.distillery.dicom.codec.PixelTranscoder;
import io.distillery.testsupport.SharedData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Encapsulated Uncompressed Explicit VR Little Endian (1.2.840.10008.1.2.1.98) built from corpus images: written as
 * Part 10, read back, decoded frame by frame to the same pixels, and unwrapped to the original bytes. The
 * encapsulation is checked independently by pydicom (Debian's 2.3.1, which predates this syntax and so reads it
 * with its generic explicit little-endian and encapsulation code); neither it nor dcmtk 3.6.7 decodes the syntax.
 */
class EncapsulatedUncompressedTest {
    private static final TransferSyntax EUC = TransferSyntax.ENCAPSULATED_UNCOMPRESSED_EXPLICIT_VR_LITTLE_ENDIAN;
    private static final String PYDICOM_CHECK = """
            import sys, pydicom
            from pydicom.encaps import generate_pixel_data_frame
            ours, source, frames, frame_bytes = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
            ds = pydicom.dcmread(ours)
            assert ds.file_meta.TransferSyntaxUID == "1.2.840.10008.1.2.1.98", ds.file_meta.TransferSyntaxUID
            got = list(generate_pixel_data_frame(ds.PixelData, frames))
            native = pydicom.dcmread(source).PixelData
            assert len(got) == frames, len(got)
            for i, f in enumerate(got):
                assert len(f) % 2 == 0, "odd fragment"
                assert f[:frame_bytes] == native[i * frame_bytes:(i + 1) * frame_bytes], "frame %d differs" % i
            print("ok", len(got))
            """;

    @TempDir
    Path tmp;

    @Test
    void theRegistryKnowsTheSyntax() {
        TransferSyntax ts = TransferSyntax.of("1.2.840.10008.1.2.1.98");
        assertEquals("Encapsulated Uncompressed Explicit VR Little Endian", ts.name());
        assertTrue(ts.encapsulated() && ts.explicitVR());
        assertFalse(ts.lossy() || ts.bigEndian() || ts.deflated() || ts.retired());
    }

    @ParameterizedTest
    @ValueSource(strings = {"pydicom/MR_small.dcm", "pydicom/SC_rgb_small_odd.dcm", "pydicom/rtdose.dcm",
            "pydicom-data/emri_small.dcm", "pydicom-data/SC_rgb_2frame.dcm", "pydicom-data/liver_nonbyte_aligned.dcm"})
    void corpusImageRoundTripsThroughTheSyntax(String name) throws Exception {
        Path source = SharedData.dicomCorpus().resolve(name);
        DicomFile original = DicomFile.read(source);
        Attributes encapsulated = PixelTranscoder.transcode(original.dataset(), original.transferSyntax(), EUC);
        Path written = tmp.resolve("euc.dcm");
        DicomWriter.write(written, DicomWriter.fileMeta(null, encapsulated, EUC), encapsulated, EUC);

        DicomFile back = DicomFile.read(written);
        assertEquals(EUC, back.transferSyntax());
        int frames = original.dataset().getInt(Tag.NumberOfFrames, 1);
        Fragments fragments = back.dataset().getFragments(Tag.PixelData);
        assertEquals(frames, fragments.fragmentCount(), "one fragment per frame");
        int frameBytes = EncapsulatedUncompressed.frameBytes(original.dataset());
        for (int i = 0; i < frames; i++) {
            assertEquals(frameBytes + (frameBytes & 1), fragments.fragment(i).length, "frame " + i + " padded to even");
        }

        PixelData expected = PixelData.of(original.dataset(), original.transferSyntax());
        PixelData actual = PixelData.of(back.dataset(), back.transferSyntax());
        for (int i = 0; i < frames; i++) {
            assertArrayEquals(expected.frame(i).data(), actual.frame(i).data(), "decoded frame " + i);
        }

        // Back to native: the stored bytes as they were (the native value may carry one byte of padding).
        Attributes unwrapped = PixelTranscoder.transcode(back.dataset(), EUC, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        byte[] was = original.dataset().getBytes(Tag.PixelData);
        byte[] now = unwrapped.getBytes(Tag.PixelData);
        int significant = original.dataset().getInt(Tag.BitsAllocated, 0) == 1
                ? (int) ((long) frames * frameBits(original.dataset()) / 8) : frames * frameBytes;
        assertArrayEquals(Arrays.copyOf(was, significant), Arrays.copyOf(now, significant));
        assertEquals(0, now.length % 2);

        boolean byteAlignedFrames = original.dataset().getInt(Tag.BitsAllocated, 0) != 1
                || frameBits(original.dataset()) % 8 == 0;
        if (byteAlignedFrames) {
            assertEquals("ok " + frames, pydicom(written, source, frames, frameBytes));
        }
    }

    @Test
    void aShortFrameIsAClearError() throws Exception {
        DicomFile original = DicomFile.read(SharedData.dicomCorpus().resolve("pydicom/MR_small.dcm"));
        Attributes encapsulated = PixelTranscoder.transcode(original.dataset(), original.transferSyntax(), EUC);
        Fragments truncated = new Fragments();
        truncated.add(new byte[0]);
        truncated.add(Arrays.copyOf(encapsulated.getFragments(Tag.PixelData).fragment(0), 100));
        encapsulated.setValue(Tag.PixelData, VR.OB, truncated);
        DicomException decode = assertThrows(DicomException.class, () -> PixelData.of(encapsulated, EUC).frame(0));
        assertTrue(decode.getMessage().contains("frame 1"), decode.getMessage());
        DicomException unwrap = assertThrows(DicomException.class, () -> EncapsulatedUncompressed.unwrap(encapsulated));
        assertTrue(unwrap.getMessage().contains("100 bytes"), unwrap.getMessage());
    }

    @Test
    void framesSplitOverSeveralFragmentsAreRefused() throws Exception {
        DicomFile original = DicomFile.read(SharedData.dicomCorpus().resolve("pydicom/MR_small.dcm"));
        Attributes encapsulated = PixelTranscoder.transcode(original.dataset(), original.transferSyntax(), EUC);
        byte[] frame = encapsulated.getFragments(Tag.PixelData).fragment(0);
        Fragments split = new Fragments();
        split.add(new byte[0]);
        split.add(Arrays.copyOf(frame, 4096));
        split.add(Arrays.copyOfRange(frame, 4096, frame.length));
        encapsulated.setValue(Tag.PixelData, VR.OB, split);
        DicomException e = assertThrows(DicomException.class, () -> EncapsulatedUncompressed.unwrap(encapsulated));
        assertTrue(e.getMessage().contains("one fragment per frame"), e.getMessage());
    }

    private static long frameBits(Attributes ds) {
        return (long) ds.getInt(Tag.Rows, 0) * ds.getInt(Tag.Columns, 0) * ds.getInt(Tag.SamplesPerPixel, 1);
    }

    /** Runs the independent check with Debian's python3-pydicom; the test is skipped where it is not installed. */
    private String pydicom(Path ours, Path source, int frames, int frameBytes) throws IOException, InterruptedException {
        Path python = Path.of("/usr/bin/python3");
        assumeTrue(Files.isExecutable(python), "python3 is not installed");
        Process probe = new ProcessBuilder(python.toString(), "-c", "import pydicom").redirectErrorStream(true).start();
        probe.getInputStream().readAllBytes();
        assumeTrue(probe.waitFor() == 0, "python3-pydicom is not installed");
        Path script = tmp.resolve("check.py");
        Files.writeString(script, PYDICOM_CHECK);
        Process p = new ProcessBuilder(python.toString(), script.toString(), ours.toString(), source.toString(),
                "" + frames, "" + frameBytes).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "pydicom did not finish");
        return out;
    }
}
