package io.distillery.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.dicom.Tag;
import io.distillery.testsupport.FreePorts;
import io.distillery.testsupport.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.processor.aggregate.jdbc.JdbcAggregationRepository;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Study-complete signal: dicom:scp, then a durable copy, then Camel's aggregator correlated on the study with a quiet
 * period, on the persistent JDBC (H2 file) repository, fed by dcmtk storescu.
 */
class StudyAggregationTest {
    static final Path A1 = SharedData.dicomCorpus().resolve("pydicom/CT_small.dcm");
    static final Path B1 = SharedData.dicomCorpus().resolve("pydicom/MR_small.dcm");

    @TempDir
    Path tmp;
    /** A second instance of A1's study: a copy with its own SOP Instance UID (dcmtk dcmodify). */
    Path a2;
    final BlockingQueue<Exchange> studies = new LinkedBlockingQueue<>();

    @BeforeEach
    void secondInstanceOfStudyA() throws Exception {
        a2 = Files.copy(A1, tmp.resolve("A2.dcm"));
        ExternalProcess.Result r = ExternalProcess.run("dcmodify", "-nb", "-m", "(0008,0018)=1.2.826.0.1.3680043.10.1000.42",
                a2.toString());
        assertEquals(0, r.exitCode(), r.output());
    }

    private CamelContext gateway(JdbcConnectionPool db, int port, long quietMillis) throws Exception {
        JdbcAggregationRepository repository = StudyAggregationRepositories.create(db,
                StudyAggregationRepositories.DEFAULT_NAME);
        CamelContext camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("dicom:scp?aet=GW&port=" + port + "&spoolDirectory=" + tmp.resolve("spool"))
                        .to("file:" + tmp.resolve("store") + "?fileName=${header.DicomSopInstanceUID}.dcm")
                        .aggregate(header(DicomConstants.STUDY_INSTANCE_UID), new StudyInstancesAggregationStrategy())
                        .aggregationRepository(repository)
                        .completionTimeout(quietMillis).completionTimeoutCheckerInterval(100)
                        .process(e -> studies.add(e.copy()));
            }
        });
        camel.start();
        return camel;
    }

    @Test
    void eachStudyCompletesOnceAfterItsQuietPeriod() throws Exception {
        int port = FreePorts.freePort();
        JdbcConnectionPool db = (JdbcConnectionPool) StudyAggregationRepositories.h2(tmp.resolve("aggregation"));
        CamelContext camel = gateway(db, port, 1500);
        try {
            send(port, A1, B1, a2);
            assertTrue(studies.isEmpty(), "a study completed before its quiet period");
            Map<String, Exchange> byStudy = Map.of();
            for (int i = 0; i < 2; i++) {
                Exchange e = studies.poll(10, TimeUnit.SECONDS);
                assertTrue(e != null, "study-complete not signalled");
                byStudy = merge(byStudy, e);
            }
            assertStudy(byStudy.get(study(A1)), A1, a2);
            assertStudy(byStudy.get(study(B1)), B1);
            assertEquals(null, studies.poll(1, TimeUnit.SECONDS), "a study completed twice");
        } finally {
            camel.stop();
            db.dispose();
        }
    }

    @Test
    void partialStudiesSurviveARestart() throws Exception {
        int port = FreePorts.freePort();
        Path dbFile = tmp.resolve("aggregation");
        JdbcConnectionPool db = (JdbcConnectionPool) StudyAggregationRepositories.h2(dbFile);
        CamelContext first = gateway(db, port, 3000);
        send(port, A1, B1);
        first.stop();
        // Closing the last connection closes the H2 database: what follows is read back from disk.
        db.dispose();
        assertTrue(studies.isEmpty(), "stopping must not complete partial studies");

        JdbcConnectionPool reopened = (JdbcConnectionPool) StudyAggregationRepositories.h2(dbFile);
        CamelContext second = gateway(reopened, port, 3000);
        try {
            send(port, a2);
            Map<String, Exchange> byStudy = Map.of();
            for (int i = 0; i < 2; i++) {
                Exchange e = studies.poll(15, TimeUnit.SECONDS);
                assertTrue(e != null, "study-complete not signalled after restart");
                byStudy = merge(byStudy, e);
            }
            // Study A: one instance before the restart, one after. Study B: only before; its timer was re-armed.
            assertStudy(byStudy.get(study(A1)), A1, a2);
            assertStudy(byStudy.get(study(B1)), B1);
        } finally {
            second.stop();
            reopened.dispose();
        }
    }

    private static void send(int port, Path... files) throws Exception {
        ExternalProcess.Result r = ExternalProcess.storescu("MOD", "GW", port, files);
        assertEquals(0, r.exitCode(), r.output());
    }

    private void assertStudy(Exchange e, Path... instances) {
        assertTrue(e != null, "study missing");
        List<String> expected = java.util.Arrays.stream(instances)
                .map(p -> tmp.resolve("store").resolve(sop(p) + ".dcm").toString()).collect(Collectors.toList());
        assertEquals(expected, e.getIn().getBody(List.class));
        assertEquals(instances.length, e.getIn().getHeader(StudyInstancesAggregationStrategy.INSTANCE_COUNT));
        assertEquals(java.util.Arrays.stream(instances).map(StudyAggregationTest::sop).collect(Collectors.joining(",")),
                e.getIn().getHeader(StudyInstancesAggregationStrategy.SOP_INSTANCE_UIDS));
        assertEquals("timeout", e.getProperty(Exchange.AGGREGATED_COMPLETED_BY));
    }

    private static Map<String, Exchange> merge(Map<String, Exchange> m, Exchange e) {
        Map<String, Exchange> copy = new java.util.HashMap<>(m);
        copy.put(e.getIn().getHeader(DicomConstants.STUDY_INSTANCE_UID, String.class), e);
        return copy;
    }

    static String study(Path p) {
        return DicomWebOrthancTest.uncheckedRead(p).dataset().getString(Tag.StudyInstanceUID);
    }

    static String sop(Path p) {
        return DicomWebOrthancTest.sop(p);
    }
}
