package io.distillery.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.deid.DeidConfig;
import io.distillery.deid.Deidentifier;
import io.distillery.dicom.Attributes;
import io.distillery.dicom.DicomFile;
import io.distillery.dicom.Tag;
import io.distillery.dicom.TransferSyntax;
import io.distillery.dicom.VR;
import io.distillery.imaging.NormalizeOptions;
import io.distillery.labels.CsvManifestRule;
import io.distillery.labels.Labeller;
import io.distillery.npy.Npy;
import io.distillery.npy.NpyArray;
import io.distillery.store.JdbcSampleStore;
import io.distillery.store.Sample;
import io.distillery.testsupport.SharedData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo cohort through label, de-identify, decode, normalise and store. */
class IngestPipelineTest {
    private static final Path SAMPLES = Paths.get("dicom-samples");

    @TempDir
    Path tmp;

    private IngestPipeline pipeline(JdbcSampleStore store) throws Exception {
        Labeller labeller = new Labeller(List.of(CsvManifestRule.load(SAMPLES.resolve("labels.csv"),
                CsvManifestRule.Key.ACCESSION_NUMBER, "accession_number", "label")));
        Deidentifier deid = new Deidentifier(DeidConfig.of("ingest-test-secret-0123456789".getBytes(StandardCharsets.UTF_8), Set.of()));
        return new IngestPipeline(labeller, deid, NormalizeOptions.of(28, 28), store, tmp.resolve("quarantine"),
                tmp.resolve("parked"), "test");
    }

    @Test
    void everySampleIsStoredOnceWithItsLabelAndLooksLikeItsSource() throws Exception {
        Map<String, NpyArray> mnist = Npy.readNpz(SharedData.data("medmnist/pneumoniamnist.npz"));
        byte[] source = mnist.get("train_images").data();
        Map<String, Integer> sourceIndex = new HashMap<>();
        for (String line : Files.readAllLines(SAMPLES.resolve("labels.csv")).subList(1, 301)) {
            String[] f = line.split(",");
            sourceIndex.put(f[0], Integer.parseInt(f[2]));
        }
        try (JdbcSampleStore store = JdbcSampleStore.embedded(tmp.resolve("db"))) {
            IngestPipeline p = pipeline(store);
            List<Path> files;
            try (Stream<Path> s = Files.list(SAMPLES)) {
                files = s.filter(f -> f.toString().endsWith(".dcm")).sorted().toList();
            }
            assertEquals(300, files.size());
            double worstCorrelation = 1;
            for (Path f : files) {
                IngestPipeline.Outcome o = p.ingest(f, Map.of());
                assertEquals(IngestPipeline.Status.STORED, o.status(), f + ": " + o.reason());
                assertTrue(o.key().startsWith("2.25."), "the sample key is the pseudonymous SOP Instance UID");
                // Same image as the PneumoniaMNIST source: enlarged to 64 and averaged back to 28 by the pipeline.
                String accession = DicomFile.read(f).dataset().getString(Tag.AccessionNumber);
                Sample sample = store.get(o.key()).orElseThrow();
                worstCorrelation = Math.min(worstCorrelation,
                        correlation(sample.pixels(), source, sourceIndex.get(accession) * 28 * 28));
            }
            assertTrue(worstCorrelation > 0.97, "normalised samples match their source images: r=" + worstCorrelation);
            assertEquals(Map.of("normal", 150L, "pneumonia", 150L), store.countsByLabel());
            assertEquals(IngestPipeline.Status.DUPLICATE, p.ingest(files.get(0), Map.of()).status());
            assertEquals(300, store.count());
        }
    }

    @Test
    void unlabelledInstancesAreParkedAndBurnedInAnnotationIsQuarantined() throws Exception {
        DicomFile f = DicomFile.read(SAMPLES.resolve("IM0001.dcm"));
        Attributes unknown = f.dataset().deepCopy();
        unknown.setString(Tag.AccessionNumber, VR.SH, "NOT-IN-MANIFEST");
        unknown.setString(Tag.SOPInstanceUID, VR.UI, "2.25.1111");
        Path unlabelled = tmp.resolve("unlabelled.dcm");
        new DicomFile(null, unknown, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN).write(unlabelled,
                TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        Attributes burned = f.dataset().deepCopy();
        burned.setString(Tag.BurnedInAnnotation, VR.CS, "YES");
        burned.setString(Tag.SOPInstanceUID, VR.UI, "2.25.2222");
        Path burnedFile = tmp.resolve("burned.dcm");
        new DicomFile(null, burned, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN).write(burnedFile,
                TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        try (JdbcSampleStore store = JdbcSampleStore.embedded(tmp.resolve("db"))) {
            IngestPipeline p = pipeline(store);
            IngestPipeline.Outcome parked = p.ingest(unlabelled, Map.of());
            assertEquals(IngestPipeline.Status.PARKED, parked.status());
            assertEquals(1, store.parkedCount());
            assertTrue(Files.exists(Path.of(store.parked().get(0).filePath())), "the parked file can be found");
            IngestPipeline.Outcome q = p.ingest(burnedFile, Map.of());
            assertEquals(IngestPipeline.Status.QUARANTINED, q.status());
            assertTrue(Files.exists(tmp.resolve("quarantine").resolve(q.key() + ".dcm")));
            assertTrue(Files.readString(tmp.resolve("quarantine").resolve(q.key() + ".reason.txt"))
                    .contains("Burned"), "the reason names the burned-in annotation");
            assertEquals(0, store.count(), "neither became a sample");
        }
    }

    private static double correlation(float[] a, byte[] source, int offset) {
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < a.length; i++) {
            ma += a[i];
            mb += source[offset + i] & 0xFF;
        }
        ma /= a.length;
        mb /= a.length;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < a.length; i++) {
            double x = a[i] - ma;
            double y = (source[offset + i] & 0xFF) - mb;
            sab += x * y;
            saa += x * x;
            sbb += y * y;
        }
        return sab / Math.sqrt(saa * sbb);
    }
}
