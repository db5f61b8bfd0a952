package io.distillery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.dicom.DatasetEquality;
import io.distillery.dicom.DicomFile;
import io.distillery.dicom.TransferSyntax;
import io.distillery.testsupport.SharedData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code dicom transcode} in-process, with dcmtk's dcmconv as the independent transcoder to agree with. */
class TranscodeCommandTest {
    @TempDir
    Path tmp;

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        picocli.CommandLine cl = new picocli.CommandLine(new DistilleryCommand());
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private static Path corpus(String rel) {
        return SharedData.dicomCorpus().resolve(rel);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2", "1.2.840.10008.1.2.1.99"})
    void transcodesLikeDcmconv(String uid) throws Exception {
        Path src = corpus("pydicom/MR_small_bigendian.dcm");
        Path ours = tmp.resolve("ours.dcm");
        assertEquals(0, run("dicom", "transcode", "--ts", uid, "--out", ours.toString(), src.toString()), err::toString);
        DicomFile out = DicomFile.read(ours);
        assertEquals(uid, out.transferSyntax().uid());
        assertEquals(uid, out.fileMeta().getString(io.distillery.dicom.Tag.TransferSyntaxUID));

        String flag = switch (uid) {
            case "1.2.840.10008.1.2" -> "+ti";
            case "1.2.840.10008.1.2.1" -> "+te";
            case "1.2.840.10008.1.2.2" -> "+tb";
            default -> "+td";
        };
        Path theirs = tmp.resolve("theirs.dcm");
        Process p = new ProcessBuilder("dcmconv", flag, src.toString(), theirs.toString()).inheritIO().start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        assertNull(DatasetEquality.describeDifference(DicomFile.read(theirs).dataset(), out.dataset()));
    }

    @Test
    void wrapsAndUnwrapsEncapsulatedUncompressed() throws Exception {
        Path src = corpus("pydicom-data/emri_small.dcm");
        Path wrapped = tmp.resolve("euc.dcm");
        Path back = tmp.resolve("back.dcm");
        assertEquals(0, run("dicom", "transcode", "--ts", "1.2.840.10008.1.2.1.98", "--out", wrapped.toString(),
                src.toString()), err::toString);
        DicomFile euc = DicomFile.read(wrapped);
        assertEquals("1.2.840.10008.1.2.1.98", euc.transferSyntax().uid());
        assertEquals(10, euc.dataset().getFragments(io.distillery.dicom.Tag.PixelData).fragmentCount());
        assertEquals(0, run("dicom", "transcode", "--ts", "1.2.840.10008.1.2.1", "--out", back.toString(),
                wrapped.toString()), err::toString);
        assertNull(DatasetEquality.describeDifference(DicomFile.read(src).dataset(), DicomFile.read(back).dataset()));
    }

    @Test
    void compressionWeCannotWriteIsAClearOneLineError() {
        Path src = corpus("pydicom/MR_small.dcm");
        Path out = tmp.resolve("x.dcm");
        int rc = run("dicom", "transcode", "--ts", "1.2.840.10008.1.2.4.80", "--out", out.toString(), src.toString());
        assertEquals(1, rc);
        String msg = err.toString().strip();
        assertFalse(msg.contains("\n"), msg);
        assertTrue(msg.contains("JPEG-LS Lossless") && msg.contains("Explicit VR Little Endian"), msg);
        assertFalse(Files.exists(out));
    }

    @Test
    void malformedAndMissingInputsFailWithOneLineNamingTheFile() {
        Path out = tmp.resolve("x.dcm");
        Path truncated = corpus("pydicom/MR_truncated.dcm");
        assertEquals(1, run("dicom", "transcode", "--ts", "1.2.840.10008.1.2", "--out", out.toString(),
                truncated.toString()));
        String msg = err.toString().strip();
        assertTrue(msg.startsWith(truncated.toString() + ": ") && msg.contains("(7FE0,0010)"), msg);
        assertFalse(msg.contains("\n"), msg);
        assertFalse(Files.exists(out));

        err.getBuffer().setLength(0);
        assertEquals(1, run("dicom", "transcode", "--ts", "1.2.840.10008.1.2", "--out", out.toString(),
                tmp.resolve("missing.dcm").toString()));
        assertTrue(err.toString().strip().endsWith("missing.dcm: no such file"), err.toString());

        err.getBuffer().setLength(0);
        assertEquals(1, run("dicom", "transcode", "--ts", "1.2.3.4", "--out", out.toString(), truncated.toString()));
        assertTrue(err.toString().contains("unknown transfer syntax \"1.2.3.4\""), err.toString());
    }
}
