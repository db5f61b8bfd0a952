package io.distillery.dicom.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Lossless JPEG with restart intervals: no tool here writes them, so a minimal test encoder does, and dcmtk's
 * dcmdjpeg is the judge: its decode of the spliced file must equal the original pixels, and so must ours.
 */
class LosslessRestartTest {
    @TempDir
    Path temp;

    @ParameterizedTest(name = "predictor {0}, restart every {1} samples")
    @CsvSource({"1, 64", "1, 128", "7, 64", "4, 192", "6, 4096"})
    void restartIntervalsDecodeLikeDcmdjpeg(int predictor, int restartInterval) throws Exception {
        ImageFile original = ImageFile.read(Corpus.file("pydicom/MR_small.dcm"));
        Path template = temp.resolve("template.dcm");
        Dcmtk.run("dcmcjpeg", "+el", Corpus.file("pydicom/MR_small.dcm").toString(), template.toString());
        ImageFile jpegFile = ImageFile.read(template);

        byte[] pixels = original.nativeFrame(0);
        int[] samples = new int[pixels.length / 2];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = pixels[2 * i] & 0xFF | (pixels[2 * i + 1] & 0xFF) << 8;
        }
        byte[] frame = encodeLossless(samples, original.columns, original.rows, predictor, restartInterval);

        DecodedFrame ours = new JpegDecoder().decode(frame, jpegFile.descriptor());
        assertArrayEquals(pixels, ours.data(), "our decode");
        Path spliced = temp.resolve("restart.dcm");
        Files.write(spliced, jpegFile.withEncapsulatedFrames(new byte[][] {frame}));
        ImageFile dcmtk = Dcmtk.decompress("dcmdjpeg", spliced, temp);
        assertArrayEquals(pixels, dcmtk.nativeFrame(0), "dcmdjpeg's decode of the test encoder's output");
    }

    /** 16-bit single-component lossless JPEG (SOF3) with one fixed Huffman table and a DRI marker. */
    private static byte[] encodeLossless(int[] s, int width, int height, int predictor, int restartInterval) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD8});
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xC3, 0, 11, 16, (byte) (height >> 8), (byte) height,
            (byte) (width >> 8), (byte) width, 1, 1, 0x11, 0});
        // DHT: 17 categories (0-16), all with 5-bit codes 00000..10000
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xC4, 0, 3 + 16 + 17, 0x00});
        for (int length = 1; length <= 16; length++) {
            out.write(length == 5 ? 17 : 0);
        }
        for (int category = 0; category <= 16; category++) {
            out.write(category);
        }
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xDD, 0, 4, (byte) (restartInterval >> 8),
            (byte) restartInterval});
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xDA, 0, 8, 1, 1, 0x00, (byte) predictor, 0, 0});
        BitWriter bits = new BitWriter(out);
        int restarts = 0;
        int sinceRestart = 0;
        boolean firstLine = true;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (sinceRestart == restartInterval) {
                    bits.flush();
                    out.writeBytes(new byte[] {(byte) 0xFF, (byte) (0xD0 + (restarts++ & 7))});
                    sinceRestart = 0;
                    firstLine = true;
                }
                boolean firstSample = sinceRestart == 0;
                sinceRestart++;
                int i = y * width + x;
                int prediction;
                if (firstSample) {
                    prediction = 1 << 15;
                } else if (firstLine) {
                    prediction = s[i - 1];
                } else if (x == 0) {
                    prediction = s[i - width];
                } else {
                    int ra = s[i - 1];
                    int rb = s[i - width];
                    int rc = s[i - width - 1];
                    prediction = switch (predictor) {
                        case 1 -> ra;
                        case 2 -> rb;
                        case 3 -> rc;
                        case 4 -> ra + rb - rc;
                        case 5 -> ra + ((rb - rc) >> 1);
                        case 6 -> rb + ((ra - rc) >> 1);
                        default -> (ra + rb) >> 1;
                    };
                }
                int diff = (s[i] - prediction) & 0xFFFF;
                if (diff > 32768) {
                    diff -= 65536;
                }
                int category = diff == 0 ? 0 : 32 - Integer.numberOfLeadingZeros(Math.abs(diff));
                bits.write(category, 5);
                if (category > 0 && category < 16) {
                    bits.write(diff < 0 ? diff + (1 << category) - 1 : diff, category);
                }
            }
            firstLine = false; // intervals here are whole rows, so a restart always begins a first line
        }
        bits.flush();
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD9});
        return out.toByteArray();
    }

    private static final class BitWriter {
        private final ByteArrayOutputStream out;
        private int buffer;
        private int count;

        BitWriter(ByteArrayOutputStream out) {
            this.out = out;
        }

        void write(int value, int n) {
            for (int b = n - 1; b >= 0; b--) {
                buffer = buffer << 1 | (value >> b & 1);
                if (++count == 8) {
                    emit();
                }
            }
        }

        /** Pads with one bits to a byte boundary, as T.81 requires before a marker. */
        void flush() {
            while (count != 0) {
                write(1, 1);
            }
        }

        private void emit() {
            out.write(buffer);
            if ((buffer & 0xFF) == 0xFF) {
                out.write(0);
            }
            buffer = 0;
            count = 0;
        }
    }
}
