package io.distillery.dicom.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.dicom.DicomException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Restart intervals and arithmetic coding, which neither the corpus nor dcmcjpeg produce, made with
 * libjpeg-turbo's cjpeg (Debian libjpeg-turbo-progs) from a corpus image and checked against its djpeg.
 */
class LibjpegTurboVariantsTest {
    @TempDir
    Path temp;

    @ParameterizedTest
    @ValueSource(strings = {"-restart 1", "-restart 5B -sample 2x2", "-progressive -restart 2",
        "-grayscale -restart 7B", "-progressive -sample 2x1 -restart 1B", "-grayscale -progressive -restart 3"})
    void decodesLikeDjpeg(String options) throws Exception {
        boolean gray = options.contains("-grayscale");
        byte[] jpeg = cjpeg(options);
        byte[] expected = djpeg(jpeg);
        ImageDescriptor image = new ImageDescriptor(100, 100, gray ? 1 : 3, 8, 8, 0,
                gray ? "MONOCHROME2" : "YBR_FULL", 0, 1);
        DecodedFrame decoded = new JpegDecoder().decode(jpeg, image);
        assertTrue(indexOf(jpeg, (byte) 0xFF, (byte) 0xDD) > 0, "the JPEG has a DRI marker");
        assertArrayEquals(expected, decoded.data());
        assertEquals(gray ? "MONOCHROME2" : "RGB", decoded.photometricInterpretation());
    }

    @Test
    void arithmeticCodingFailsNamingIt() throws Exception {
        byte[] jpeg = cjpeg("-arithmetic");
        ImageDescriptor image = new ImageDescriptor(100, 100, 3, 8, 8, 0, "YBR_FULL", 0, 1);
        DicomException e = assertThrows(DicomException.class, () -> new JpegDecoder().decode(jpeg, image));
        assertTrue(e.getMessage().contains("arithmetic coding"), e.getMessage());
    }

    private byte[] cjpeg(String options) throws Exception {
        ImageFile source = ImageFile.read(Corpus.file("pydicom-data/SC_rgb.dcm"));
        Path ppm = temp.resolve("in.ppm");
        ByteArrayOutputStream pnm = new ByteArrayOutputStream();
        pnm.writeBytes("P6\n100 100\n255\n".getBytes(StandardCharsets.US_ASCII));
        pnm.writeBytes(source.nativeFrame(0));
        Files.write(ppm, pnm.toByteArray());
        Path jpeg = temp.resolve("out.jpg");
        List<String> command = new ArrayList<>(List.of("cjpeg"));
        command.addAll(List.of(options.split(" ")));
        command.addAll(List.of("-outfile", jpeg.toString(), ppm.toString()));
        run(command);
        return Files.readAllBytes(jpeg);
    }

    private byte[] djpeg(byte[] jpeg) throws Exception {
        Path in = temp.resolve("ref.jpg");
        Path out = temp.resolve("ref.pnm");
        Files.write(in, jpeg);
        run(List.of("djpeg", "-pnm", "-outfile", out.toString(), in.toString()));
        byte[] pnm = Files.readAllBytes(out);
        int pos = 0;
        for (int tokens = 0; tokens < 4; tokens++) { // magic, width, height, maxval, each followed by whitespace
            while (!Character.isWhitespace(pnm[pos])) {
                pos++;
            }
            pos++;
        }
        return Arrays.copyOfRange(pnm, pos, pnm.length);
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException(command.get(0)
                    + " not found: install Debian's libjpeg-turbo-progs (apt-get install -y libjpeg-turbo-progs)", e);
        }
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(command + " failed: " + new String(output, StandardCharsets.UTF_8));
        }
    }

    private static int indexOf(byte[] data, byte a, byte b) {
        for (int i = 0; i + 1 < data.length; i++) {
            if (data[i] == a && data[i + 1] == b) {
                return i;
            }
        }
        return -1;
    }
}
