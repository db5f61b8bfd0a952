package io.distillery.dicom.codec;

import static io.distillery.dicom.codec.ReferenceTools.corpus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.distillery.dicom.DicomException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Deterministic fuzzing: corpus frames mutated with a fixed seed. The only exception allowed out of a decoder is
 * DicomException with a one-line message, every case must finish quickly, and a decoded frame has exactly the
 * size the dataset describes.
 */
class JpegLsJ2kFuzzTest {
    private static final long SEED = 20261127L;
    /** Generous for a shared 2-core machine; a correct case takes milliseconds, a hang takes forever. */
    private static final long MAX_CASE_MILLIS = 5_000;

    @Test
    void mutatedJpegLsFramesFailCleanly() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> fuzz(new JpegLsDecoder(), List.of(
                "pydicom/MR_small_jpeg_ls_lossless.dcm", "pydicom/JPEGLSNearLossless_08.dcm",
                "pydicom/SC_rgb_jls_lossy_line.dcm", "pydicom/SC_rgb_jls_lossy_sample.dcm",
                "pydicom-data/JLSL_16_15_1_1F.dcm"), 400));
    }

    @Test
    void mutatedJpeg2000FramesFailCleanly() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> fuzz(new Jpeg2000Decoder(), List.of(
                "pydicom/MR_small_jp2klossless.dcm", "pydicom/SC_rgb_gdcm_KY.dcm"), 250));
    }

    private static void fuzz(FrameDecoder decoder, List<String> files, int casesPerFile) throws Exception {
        Random random = new Random(SEED);
        int failures = 0;
        int cases = 0;
        long slowest = 0;
        for (String file : files) {
            ImageFile dicom = ImageFile.read(corpus(file));
            ImageDescriptor image = dicom.descriptor();
            byte[] original = dicom.compressedFrames().get(0);
            // Warm up first: class loading and JIT make the very first JJ2000 decode take seconds.
            decoder.decode(original, image);
            for (int i = 0; i < casesPerFile; i++) {
                byte[] mutated = mutate(original, random);
                long start = System.nanoTime();
                try {
                    DecodedFrame frame = decoder.decode(mutated, image);
                    assertEquals(image.nativeFrameLength(), frame.data().length, "decoded frame size");
                } catch (DicomException e) {
                    failures++;
                    String message = e.getMessage();
                    assertTrue(message != null && !message.isBlank() && !message.contains("\n"),
                            "one-line message: " + message);
                } catch (Throwable t) {
                    fail(file + " case " + i + ": " + t + " escaped instead of DicomException", t);
                }
                long millis = (System.nanoTime() - start) / 1_000_000;
                slowest = Math.max(slowest, millis);
                assertTrue(millis < MAX_CASE_MILLIS, file + " case " + i + " took " + millis + " ms");
                cases++;
            }
        }
        System.out.printf("%s: %d mutated frames, %d rejected with DicomException, slowest %d ms%n",
                decoder.getClass().getSimpleName(), cases, failures, slowest);
        assertTrue(failures > cases / 4, "the mutations must actually break streams: " + failures);
    }

    /** One of several mutations, biased towards the headers where parsers are most fragile. */
    private static byte[] mutate(byte[] in, Random r) {
        byte[] b = in.clone();
        switch (r.nextInt(6)) {
            case 0 -> {
                for (int k = 1 + r.nextInt(8); k > 0; k--) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
            }
            case 1 -> {
                for (int k = 1 + r.nextInt(4); k > 0; k--) {
                    b[r.nextInt(Math.min(b.length, 200))] = (byte) r.nextInt(256);
                }
            }
            case 2 -> b = Arrays.copyOf(b, r.nextInt(b.length));
            case 3 -> {
                int at = r.nextInt(b.length);
                byte[] extra = new byte[1 + r.nextInt(64)];
                r.nextBytes(extra);
                byte[] out = new byte[b.length + extra.length];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(extra, 0, out, at, extra.length);
                System.arraycopy(b, at, out, at + extra.length, b.length - at);
                b = out;
            }
            case 4 -> {
                int from = r.nextInt(b.length);
                Arrays.fill(b, from, Math.min(b.length, from + 1 + r.nextInt(256)), (byte) (r.nextBoolean() ? 0 : 0xFF));
            }
            default -> {
                int p = r.nextInt(b.length);
                b[p] ^= (byte) (1 << r.nextInt(8));
            }
        }
        return b;
    }
}
