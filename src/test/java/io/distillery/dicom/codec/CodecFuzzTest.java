package io.distillery.dicom.codec;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.distillery.dicom.DicomException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Deterministic mutation fuzzing of real corpus frames: whatever the damage, a decoder either returns a frame or
 * throws DicomException; nothing else escapes, and no case takes long (no hangs, no runaway loops).
 */
class CodecFuzzTest {
    private static final long CASE_LIMIT_NANOS = 5_000_000_000L;

    @ParameterizedTest
    @CsvSource({
        "pylibjpeg-data/JPEGBaseline_1s_1f_u_08_08.dcm, 600",
        "pydicom/SC_rgb_dcmtk_+eb+cy+s2.dcm, 600",
        "pydicom/SC_rgb_small_odd_jpeg.dcm, 400",
        "pydicom/SC_rgb_jpeg_gdcm.dcm, 500",
        "cornerstone/CTImage.dcm_JPEGProcess10_12TransferSyntax_1.2.840.10008.1.2.4.55.dcm, 60",
        "cornerstone/CTImage.dcm_JPEGProcess14SV1TransferSyntax_1.2.840.10008.1.2.4.70.dcm, 40",
        "pydicom/MR_small_RLE.dcm, 600",
        "pydicom/SC_rgb_rle_16bit.dcm, 400",
    })
    void mutatedFramesOnlyFailWithDicomException(String relative, int cases) throws Exception {
        ImageFile file = ImageFile.read(Corpus.file(relative));
        byte[] original = file.compressedFrames().get(0);
        ImageDescriptor image = file.descriptor();
        FrameDecoder decoder = Codecs.requireDecoder(file.transferSyntax);
        Random random = new Random(relative.hashCode());
        int rejected = 0;
        for (int n = 0; n < cases; n++) {
            byte[] mutated = mutate(original, random);
            long start = System.nanoTime();
            try {
                decoder.decode(mutated, image);
            } catch (DicomException expected) {
                rejected++;
            } catch (Throwable t) {
                throw new AssertionError(relative + " case " + n + ": " + t, t);
            }
            long elapsed = System.nanoTime() - start;
            if (elapsed > CASE_LIMIT_NANOS) {
                fail(relative + " case " + n + " took " + elapsed / 1_000_000 + " ms");
            }
        }
        System.out.printf("fuzz %s: %d cases, %d rejected with DicomException%n", relative, cases, rejected);
        assertTrue(rejected > 0, "no mutation was rejected: the mutations are too weak to test anything");
    }

    /** Byte overwrites (biased towards the headers), truncation, or a deleted or duplicated span. */
    private static byte[] mutate(byte[] data, Random random) {
        byte[] out = data.clone();
        switch (random.nextInt(4)) {
            case 0 -> {
                int edits = 1 + random.nextInt(8);
                for (int i = 0; i < edits; i++) {
                    int limit = random.nextBoolean() ? Math.min(out.length, 700) : out.length;
                    out[random.nextInt(limit)] = (byte) random.nextInt(256);
                }
            }
            case 1 -> out = Arrays.copyOf(out, random.nextInt(out.length));
            case 2 -> {
                int from = random.nextInt(out.length);
                int to = Math.min(out.length, from + 1 + random.nextInt(64));
                byte[] shorter = new byte[out.length - (to - from)];
                System.arraycopy(out, 0, shorter, 0, from);
                System.arraycopy(out, to, shorter, from, out.length - to);
                out = shorter;
            }
            default -> {
                int from = random.nextInt(out.length);
                int length = Math.min(out.length - from, 1 + random.nextInt(64));
                byte[] longer = new byte[out.length + length];
                System.arraycopy(out, 0, longer, 0, from + length);
                System.arraycopy(out, from, longer, from + length, out.length - from);
                out = longer;
            }
        }
        return out;
    }
}
