package io.distillery.imaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.dicom.DicomFile;
import io.distillery.dicom.PixelData;
import io.distillery.dicom.codec.DecodedFrame;
import io.distillery.testsupport.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The grey pipeline at native size against dcmtk's renderer: {@code dcmj2pnm +opw} writes the displayed values as
 * a 16-bit PGM after the Modality LUT, the VOI transformation chosen by its options and MONOCHROME1 inversion.
 * dcmtk's output is quantised to 16 bits; seen here: at most 1.5e-5 (one 16-bit step) on CT/MR, 3.5e-4 on the MONOCHROME1 CR; the bound is 1e-3.
 */
class DcmtkRenderingTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "pydicom/MR_small.dcm | +Wi 1 | DATASET | 0 | 0",
        "cornerstone/CTImage.dcm_LittleEndianImplicitTransferSyntax_1.2.840.10008.1.2.dcm | +Ww 40 400 | EXPLICIT | 40 | 400",
        "cornerstone/CTImage.dcm_LittleEndianImplicitTransferSyntax_1.2.840.10008.1.2.dcm | +Wi 1 | DATASET | 0 | 0",
        "pydicom/dicomdirtests/77654033/CR1/6154 | +Wi 1 | DATASET | 0 | 0",
        "pydicom-data/vlut_04.dcm | +Wl 1 | DATASET | 0 | 0",
        "pydicom-data/mlut_18.dcm | +Wm | MIN_MAX | 0 | 0",
    })
    void matchesDcmj2pnm(String file, String dcmtkOptions, String voi, double center, double width) throws Exception {
        Path src = SharedData.dicomCorpus().resolve(file);
        DicomFile f = DicomFile.read(src);
        PixelData px = PixelData.of(f.dataset(), f.transferSyntax());
        int rows = px.image().rows();
        int cols = px.image().columns();
        NormalizeOptions o = NormalizeOptions.of(rows, cols).withAspect(NormalizeOptions.Aspect.STRETCH);
        o = voi.equals("EXPLICIT") ? o.withWindow(center, width) : o.withVoi(NormalizeOptions.Voi.valueOf(voi));
        DecodedFrame frame = px.frame(0);
        float[] ours = Normalizer.normalize(f.dataset(), px.image(), frame.photometricInterpretation(), 0,
                frame.data(), px.isFloat(), o).pixels();
        double[] ref = dcmj2pnm(src, dcmtkOptions.split(" "));
        assertEquals(ref.length, ours.length);
        double worst = 0;
        for (int i = 0; i < ours.length; i++) {
            worst = Math.max(worst, Math.abs(ours[i] - ref[i]));
        }
        System.out.printf("%s %s: max |ours - dcmtk| = %.6f%n", file, dcmtkOptions, worst);
        assertTrue(worst <= 1e-3, file + " " + dcmtkOptions + ": max |ours - dcmtk| = " + worst);
    }

    private double[] dcmj2pnm(Path src, String... options) throws Exception {
        Path out = tmp.resolve("out.pgm");
        List<String> cmd = new ArrayList<>(List.of("dcmj2pnm", "+opw"));
        cmd.addAll(List.of(options));
        cmd.addAll(List.of(src.toString(), out.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "dcmj2pnm failed: " + log);
        List<String> tokens = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            int hash = line.indexOf('#');
            String data = hash >= 0 ? line.substring(0, hash) : line;
            for (String t : data.trim().split("\\s+")) {
                if (!t.isEmpty()) {
                    tokens.add(t);
                }
            }
        }
        assertEquals("P2", tokens.get(0));
        int w = Integer.parseInt(tokens.get(1));
        int h = Integer.parseInt(tokens.get(2));
        double max = Double.parseDouble(tokens.get(3));
        double[] v = new double[w * h];
        for (int i = 0; i < v.length; i++) {
            v[i] = Double.parseDouble(tokens.get(4 + i)) / max;
        }
        return v;
    }
}
