package io.distillery.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.dicom.DicomFile;
import io.distillery.dicom.PixelData;
import io.distillery.testsupport.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code dicom dump} and {@code dicom decode} run in-process: outputs, exit status and the one-line-per-failed-file
 * rule, and the .npy files checked against the NumPy format spec and, when python3 with numpy is installed, loaded
 * by numpy itself.
 */
class DumpDecodeCommandTest {
    private static final Pattern NPY_DICT = Pattern.compile(
            "\\{'descr': '([<|][uif][1248])', 'fortran_order': False, 'shape': \\(([0-9, ]+)\\), \\} *\n");

    record Result(int status, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter err = new StringWriter();
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            CommandLine cl = new CommandLine(new DistilleryCommand());
            cl.setErr(new PrintWriter(err, true));
            cl.setExecutionExceptionHandler(new ErrorHandler());
            status = cl.execute(args);
        } finally {
            System.setOut(saved);
        }
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString());
    }

    static Path corpus(String relative) {
        return SharedData.dicomCorpus().resolve(relative);
    }

    @Test
    void dumpPrintsJsonAndWritesFiles(@TempDir Path dir) throws Exception {
        Result printed = run("dicom", "dump", corpus("pydicom/CT_small.dcm").toString());
        assertEquals(0, printed.status(), printed.err());
        JsonNode json = new ObjectMapper().readTree(printed.out());
        assertEquals("CompressedSamples^CT1", json.get("00100010").get("Value").get(0).get("Alphabetic").asText());
        assertFalse(json.has("00020010"), "no file meta without --meta");
        assertTrue(json.get("7FE00010").has("InlineBinary"), "32 KiB pixel data is under the 64 KiB default");

        Result written = run("dicom", "dump", "--meta", "--inline-limit", "1024", "--out", dir.toString(),
                corpus("pydicom/CT_small.dcm").toString(), corpus("pydicom/charset_files/chrH31.dcm").toString());
        assertEquals(0, written.status(), written.err());
        JsonNode ct = new ObjectMapper().readTree(dir.resolve("CT_small.dcm.json").toFile());
        assertEquals("1.2.840.10008.1.2.1", ct.get("00020010").get("Value").get(0).asText());
        String uri = ct.get("7FE00010").get("BulkDataURI").asText();
        assertTrue(uri.startsWith(corpus("pydicom/CT_small.dcm").toUri() + "?offset="), uri);
        JsonNode jp = new ObjectMapper().readTree(dir.resolve("chrH31.dcm.json").toFile());
        // ISO 2022 IR 87 (the Japanese character sets of the seed paper's hospitals), as pydicom decodes it
        JsonNode name = jp.get("00100010").get("Value").get(0);
        assertEquals("Yamada^Tarou", name.get("Alphabetic").asText());
        assertEquals("山田^太郎", name.get("Ideographic").asText());
        assertEquals("やまだ^たろう", name.get("Phonetic").asText());
    }

    @Test
    void aMalformedFileAmongGoodOnesFailsWithOneLineAndTheGoodOnesAreWritten(@TempDir Path dir) throws Exception {
        Path good1 = corpus("pydicom/MR_small.dcm");
        Path bad = corpus("pydicom/rtplan_truncated.dcm");
        Path missing = dir.resolve("does-not-exist.dcm");
        Path good2 = corpus("pydicom/CT_small.dcm");
        for (String command : List.of("dump", "decode")) {
            Path out = dir.resolve(command);
            Result r = run("dicom", command, "--out", out.toString(), good1.toString(), bad.toString(),
                    missing.toString(), good2.toString());
            assertNotEquals(0, r.status(), command);
            List<String> lines = r.err().lines().toList();
            assertEquals(2, lines.size(), command + " stderr: " + r.err());
            assertTrue(lines.get(0).startsWith(bad + ": "), lines.get(0));
            assertTrue(lines.get(1).equals(missing + ": no such file"), lines.get(1));
            assertFalse(r.err().contains("\tat "), "no stack trace without --verbose");
            String ext = command.equals("dump") ? ".json" : ".npy";
            assertTrue(Files.size(out.resolve("MR_small.dcm" + ext)) > 0);
            assertTrue(Files.size(out.resolve("CT_small.dcm" + ext)) > 0);
            try (Stream<Path> files = Files.list(out)) {
                assertEquals(2, files.count(), "only the two good outputs, no partial file for the bad one");
            }
        }
        Result verbose = run("dicom", "decode", "--verbose", "--out", dir.resolve("v").toString(), bad.toString());
        assertEquals(1, verbose.status());
        assertTrue(verbose.err().contains("\tat "), "--verbose prints the stack trace");
    }

    @Test
    void decodeRefusesFilesWithoutPixelsOrDecoder(@TempDir Path dir) {
        Result r = run("dicom", "decode", "--out", dir.toString(), corpus("pydicom/rtplan.dcm").toString(),
                corpus("pydicom-data/HTJ2K_08_RGB.dcm").toString());
        assertEquals(1, r.status());
        List<String> lines = r.err().lines().toList();
        assertEquals(2, lines.size(), r.err());
        assertTrue(lines.get(0).contains("no Pixel Data"), lines.get(0));
        assertTrue(lines.get(1).contains("1.2.840.10008.1.2.4.203") && lines.get(1).contains("High-Throughput"),
                lines.get(1));
    }

    /** Corpus files covering every dtype and both shapes. */
    static final List<String> NPY_SAMPLES = List.of("pydicom/CT_small.dcm", "pydicom-data/emri_small.dcm",
            "pydicom/SC_rgb_rle_2frame.dcm", "pydicom/rtdose.dcm", "pydicom-data/liver_nonbyte_aligned.dcm",
            "pydicom-data/parametric_map_float.dcm", "pydicom-data/parametric_map_double_float.dcm",
            "pydicom-data/SC_rgb_16bit.dcm", "pydicom/SC_rgb_jpeg_dcmtk.dcm");

    @Test
    void npyFilesFollowTheFormatAndNumpyReadsThem(@TempDir Path dir) throws Exception {
        String[] args = Stream.concat(Stream.of("dicom", "decode", "--out", dir.toString()),
                NPY_SAMPLES.stream().map(s -> corpus(s).toString())).toArray(String[]::new);
        Result r = run(args);
        assertEquals(0, r.status(), r.err());
        StringBuilder expectations = new StringBuilder();
        for (String sample : NPY_SAMPLES) {
            Path npy = dir.resolve(Path.of(sample).getFileName() + ".npy");
            byte[] b = Files.readAllBytes(npy);
            assertArrayEquals(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}, Arrays.copyOf(b, 8));
            int headerLength = (b[8] & 0xFF) | (b[9] & 0xFF) << 8;
            assertEquals(0, (10 + headerLength) % 64, "data starts on a 64-byte boundary");
            String dict = new String(b, 10, headerLength, StandardCharsets.US_ASCII);
            Matcher m = NPY_DICT.matcher(dict);
            assertTrue(m.matches(), dict);
            long[] shape = Arrays.stream(m.group(2).split(", ")).mapToLong(Long::parseLong).toArray();
            long items = Arrays.stream(shape).reduce(1, (x, y) -> x * y);
            int itemSize = Integer.parseInt(m.group(1).substring(2));
            assertEquals(10 + headerLength + items * itemSize, b.length, sample + ": header, then exactly the data");

            DicomFile dicom = DicomFile.read(corpus(sample));
            PixelData pixels = PixelData.of(dicom.dataset(), dicom.transferSyntax());
            assertEquals(pixels.numpyDtype(), m.group(1));
            assertEquals(pixels.frames(), shape[0]);
            byte[] first = pixels.frame(0).data();
            assertArrayEquals(first, Arrays.copyOfRange(b, 10 + headerLength, 10 + headerLength + first.length));
            // what numpy must see: dtype, shape and the sum of frame 0, computed here from our own frame
            expectations.append(npy).append(' ').append(m.group(1)).append(' ')
                    .append(Arrays.toString(shape).replaceAll("[\\[\\] ]", "")).append(' ')
                    .append(sum(first, m.group(1))).append('\n');
        }
        if (!numpyAvailable()) {
            System.err.println("python3 with numpy not installed: the .npy files were checked against the format "
                    + "spec only (apt-get install -y python3-numpy for the independent check)");
            return;
        }
        Path script = dir.resolve("check.py");
        Files.writeString(script, String.join("\n",
                "import sys, numpy",
                "for line in open(sys.argv[1]):",
                "    path, dtype, shape, total = line.split()",
                "    a = numpy.load(path)",
                "    assert a.dtype == numpy.dtype(dtype), (path, a.dtype, dtype)",
                "    assert a.shape == tuple(int(x) for x in shape.split(',')), (path, a.shape, shape)",
                "    s = a[0].astype(numpy.float64).sum()",
                "    assert abs(s - float(total)) <= 1e-6 * max(1.0, abs(s)), (path, s, total)",
                "print('ok')", ""));
        Path list = dir.resolve("expect.txt");
        Files.writeString(list, expectations);
        Process p = new ProcessBuilder("python3", script.toString(), list.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python3 timed out");
        assertEquals(0, p.exitValue(), log);
        assertEquals("ok", log.trim());
    }

    private static double sum(byte[] frame, String dtype) {
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(frame).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        double s = 0;
        int size = Integer.parseInt(dtype.substring(2));
        for (int i = 0; i + size <= frame.length; i += size) {
            s += switch (dtype.substring(1)) {
                case "u1" -> bb.get(i) & 0xFF;
                case "i1" -> bb.get(i);
                case "u2" -> bb.getShort(i) & 0xFFFF;
                case "i2" -> bb.getShort(i);
                case "u4" -> bb.getInt(i) & 0xFFFFFFFFL;
                case "i4" -> bb.getInt(i);
                case "f4" -> bb.getFloat(i);
                default -> bb.getDouble(i);
            };
        }
        return s;
    }

    private static boolean numpyAvailable() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
