package io.distillery.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.deid.DeidConfig;
import io.distillery.deid.DeidOption;
import io.distillery.deid.Deidentifier;
import io.distillery.dicom.DicomFile;
import io.distillery.dicom.Tag;
import io.distillery.imaging.NormalizeOptions;
import io.distillery.ingest.IngestPipeline;
import io.distillery.labels.CsvManifestRule;
import io.distillery.labels.Labeller;
import io.distillery.store.JdbcSampleStore;
import io.distillery.store.Sample;
import io.distillery.testsupport.FreePorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-route ingest options through real YAML routes: three dicom:scp listeners share one {@code ingest} bean (as the
 * gateway does) and are fed by dcmtk storescu. One route keeps the defaults, one sets its own grid, aspect and
 * de-identification options as exchange properties, one sets an invalid option.
 */
class RouteOptionsRouteTest {
    static final Path SAMPLE = Path.of("dicom-samples", "IM0001.dcm");
    static final byte[] SECRET = "route-options-test-secret-0123".getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path tmp;
    static CamelContext camel;
    static JdbcSampleStore store;
    static int defaultsPort;
    static int researchPort;
    static int brokenPort;

    @BeforeAll
    static void start() throws Exception {
        defaultsPort = FreePorts.freePort();
        researchPort = FreePorts.freePort();
        brokenPort = FreePorts.freePort();
        store = JdbcSampleStore.embedded(tmp.resolve("store"));
        camel = new DefaultCamelContext();
        camel.getRegistry().bind("ingest", new RouteIngest(pipeline(store, NormalizeOptions.defaults(), Set.of())));
        String yaml = """
                - route:
                    id: defaults
                    from:
                      uri: dicom:scp
                      parameters: {aet: GW, port: %d, spoolDirectory: "%s"}
                      steps:
                        # a header cannot relax de-identification: only properties are read
                        - setHeader: {name: DistilleryDeidOptions, constant: retain-uids}
                        - process: {ref: ingest}
                - route:
                    id: research
                    from:
                      uri: dicom:scp
                      parameters: {aet: GW, port: %d, spoolDirectory: "%s"}
                      steps:
                        - setProperty: {name: DistilleryNormalizeSize, constant: "64x32"}
                        - setProperty: {name: DistilleryNormalizeAspect, constant: PAD}
                        - setProperty: {name: DistilleryNormalizeEnlarge, constant: BILINEAR}
                        - setProperty: {name: DistilleryNormalizeVoi, constant: MIN_MAX}
                        - setProperty: {name: DistilleryDeidOptions, constant: "retain-uids,clean-descriptors"}
                        - process: {ref: ingest}
                - route:
                    id: broken
                    from:
                      uri: dicom:scp
                      parameters: {aet: GW, port: %d, spoolDirectory: "%s"}
                      steps:
                        - setProperty: {name: DistilleryNormalizeAspect, constant: SIDEWAYS}
                        - process: {ref: ingest}
                """.formatted(defaultsPort, tmp.resolve("spool-defaults"), researchPort, tmp.resolve("spool-research"),
                brokenPort, tmp.resolve("spool-broken"));
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString("routes.yaml", yaml));
        camel.start();
    }

    @AfterAll
    static void stop() {
        if (camel != null) {
            camel.stop();
        }
        if (store != null) {
            store.close();
        }
    }

    @Test
    void eachRouteIngestsWithItsOwnOptions() throws Exception {
        String sop = DicomFile.read(SAMPLE).dataset().getString(Tag.SOPInstanceUID);
        assertEquals(0, storescu(defaultsPort).exitCode);
        assertEquals(0, storescu(researchPort).exitCode);

        // Defaults: basic profile (the header asking for retain-uids is ignored), 28 x 28.
        Sample byDefault = store.get(expectedKey(Set.of(), sop)).orElseThrow();
        assertTrue(byDefault.key().startsWith("2.25."));
        assertEquals(28, byDefault.height());
        assertEquals(28, byDefault.width());

        // Research route: UIDs retained, so the key is the original SOP Instance UID; 64 x 32, padded, min-max.
        Sample research = store.get(sop).orElseThrow();
        assertEquals(64, research.height());
        assertEquals(32, research.width());
        assertNotEquals(byDefault.key(), research.key());

        // The same pixels as the pipeline called directly with those options (the route passed them through).
        NormalizeOptions researchOptions = NormalizeOptions.of(64, 32).withAspect(NormalizeOptions.Aspect.PAD)
                .withEnlarge(NormalizeOptions.Interpolation.BILINEAR).withVoi(NormalizeOptions.Voi.MIN_MAX);
        try (JdbcSampleStore direct = JdbcSampleStore.embedded(tmp.resolve("direct"))) {
            IngestPipeline p = pipeline(direct, researchOptions,
                    Set.of(DeidOption.RETAIN_UIDS, DeidOption.CLEAN_DESCRIPTORS));
            assertEquals(IngestPipeline.Status.STORED, p.ingest(SAMPLE, Map.of()).status());
            assertArrayEquals(direct.get(sop).orElseThrow().pixels(), research.pixels());
        }
    }

    @Test
    void anInvalidRouteOptionFailsTheStoreAndKeepsNothing() throws Exception {
        long samples = store.count();
        Result r = storescu(brokenPort);
        assertNotEquals(0, r.exitCode, "the sender must see the failure: " + r.output);
        assertEquals(samples, store.count());
    }

    @Test
    void invalidValuesNameTheOptionAndTheProblem() {
        NormalizeOptions d = NormalizeOptions.defaults();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IngestRouteOptions.normalize(Map.of(IngestRouteOptions.SIZE, "0")::get, d));
        assertTrue(e.getMessage().startsWith("ingest option DistilleryNormalizeSize='0'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> IngestRouteOptions.normalize(Map.of(IngestRouteOptions.PERCENTILES, "99,1")::get, d));
        assertTrue(e.getMessage().contains("DistilleryNormalizePercentiles"), e.getMessage());
        DeidConfig base = DeidConfig.of(SECRET, Set.of());
        e = assertThrows(IllegalArgumentException.class,
                () -> IngestRouteOptions.deid(Map.of(IngestRouteOptions.DEID_OPTIONS, "retain-everything")::get, base));
        assertTrue(e.getMessage().contains("unknown de-identification option 'retain-everything'"), e.getMessage());
        assertEquals(NormalizeOptions.Voi.EXPLICIT, IngestRouteOptions.normalize(
                Map.of(IngestRouteOptions.WINDOW, "40,400")::get, d).voi());
        assertEquals(2, IngestRouteOptions.normalize(Map.of(IngestRouteOptions.FRAME, "2")::get, d).frame());
    }

    private static String expectedKey(Set<DeidOption> options, String sop) {
        return new Deidentifier(DeidConfig.of(SECRET, options)).config().pseudonymizer().uid(sop);
    }

    private static IngestPipeline pipeline(JdbcSampleStore s, NormalizeOptions normalize, Set<DeidOption> options)
            throws IOException {
        Labeller labeller = new Labeller(List.of(CsvManifestRule.load(Path.of("dicom-samples", "labels.csv"),
                CsvManifestRule.Key.ACCESSION_NUMBER, "accession_number", "label")));
        Path dir = Files.createTempDirectory(tmp, "pipeline");
        return new IngestPipeline(labeller, new Deidentifier(DeidConfig.of(SECRET, options)), normalize, s,
                dir.resolve("quarantine"), dir.resolve("parked"), "test");
    }

    record Result(int exitCode, String output) {
    }

    private static Result storescu(int port) throws Exception {
        Path log = Files.createTempFile(tmp, "storescu", ".log");
        ProcessBuilder pb = new ProcessBuilder("storescu", "-v", "-aet", "MODALITY", "-aec", "GW", "127.0.0.1",
                Integer.toString(port), SAMPLE.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("TCP_NODELAY", "1");
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("storescu timed out");
        }
        return new Result(p.exitValue(), Files.readString(log));
    }
}
