package io.distillery.camel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.dicom.Attributes;
import io.distillery.dicom.DatasetEquality;
import io.distillery.dicom.DicomException;
import io.distillery.dicom.DicomFile;
import io.distillery.dicom.Tag;
import io.distillery.dicom.net.StoreScu;
import io.distillery.testsupport.FreePorts;
import io.distillery.testsupport.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** dicom:store, echo, find, move and get against Orthanc as the PACS; store against a refusing SCP. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DicomProducersOrthancTest {
    static final Path CT = SharedData.dicomCorpus().resolve("pydicom/CT_small.dcm");
    static final Path MR = SharedData.dicomCorpus().resolve("pydicom/MR_small.dcm");

    @TempDir
    static Path tmp;
    static OrthancServer orthanc;
    static CamelContext camel;
    static ProducerTemplate template;
    static int gatewayPort;
    static int refusingPort;
    static String pacs;
    static final BlockingQueue<String> movedHere = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws Exception {
        gatewayPort = FreePorts.freePort();
        refusingPort = FreePorts.freePort();
        orthanc = OrthancServer.start(Files.createDirectories(tmp.resolve("orthanc")),
                Map.of("gateway", List.of("GW", "127.0.0.1", gatewayPort)));
        pacs = "ORTHANC@127.0.0.1:" + orthanc.dicomPort;
        camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("dicom:scp?aet=GW&port=" + gatewayPort + "&spoolDirectory=" + tmp.resolve("spool"))
                        .to("file:" + tmp.resolve("moved") + "?fileName=${header.DicomSopInstanceUID}.dcm")
                        .process(e -> movedHere.add(e.getIn().getHeader(DicomConstants.SOP_INSTANCE_UID, String.class)));
                from("dicom:scp?aet=REFUSER&port=" + refusingPort + "&spoolDirectory=" + tmp.resolve("spool-refuse"))
                        .throwException(new IllegalStateException("archive offline"));
            }
        });
        camel.start();
        template = camel.createProducerTemplate();
    }

    @AfterAll
    static void stop() throws Exception {
        if (camel != null) {
            camel.stop();
        }
        if (orthanc != null) {
            orthanc.close();
        }
    }

    @Test
    @Order(1)
    void echoAndStoreToOrthanc() throws Exception {
        Exchange echo = template.send("dicom:echo?aet=GW&remote=" + pacs, e -> { });
        assertNull(echo.getException());
        assertEquals(0, echo.getMessage().getHeader(DicomConstants.STATUS));

        Exchange store = template.send("dicom:store?aet=GW&remote=" + pacs, e -> e.getIn().setBody(List.of(CT, MR.toFile())));
        assertNull(store.getException());
        assertEquals(2, store.getMessage().getHeader(DicomConstants.STORED_COUNT));
        List<?> results = store.getMessage().getHeader(DicomConstants.STORE_RESULTS, List.class);
        assertTrue(results.stream().allMatch(r -> ((StoreScu.Result) r).stored()), results.toString());
        List<String> held = orthanc.sopInstanceUids();
        assertTrue(held.contains(sop(CT)) && held.contains(sop(MR)), held.toString());
    }

    @Test
    @Order(2)
    void findReturnsTheMatchingStudy() throws Exception {
        DicomFile ct = DicomFile.read(CT);
        Exchange find = template.send("dicom:find?aet=GW&level=STUDY&remote=" + pacs, e -> e.getIn().setHeader(
                DicomConstants.QUERY, Map.of("PatientID", ct.dataset().getString(Tag.PatientID), "StudyInstanceUID", "")));
        assertNull(find.getException());
        List<?> matches = find.getMessage().getBody(List.class);
        assertEquals(1, matches.size());
        assertEquals(ct.dataset().getString(Tag.StudyInstanceUID), ((Attributes) matches.get(0)).getString(Tag.StudyInstanceUID));
    }

    @Test
    @Order(3)
    void moveDeliversToOurScp() throws Exception {
        Exchange move = template.send("dicom:move?aet=GW&destination=GW&remote=" + pacs,
                e -> e.getIn().setHeader(DicomConstants.STUDY_INSTANCE_UID, study(CT)));
        assertNull(move.getException());
        assertArrayEquals(new int[] {1, 0, 0}, move.getMessage().getHeader(DicomConstants.SUB_OPERATIONS, int[].class));
        assertEquals(sop(CT), movedHere.poll(5, TimeUnit.SECONDS));
    }

    @Test
    @Order(4)
    void getWritesTheInstancesToTheDirectory() throws Exception {
        Path dir = tmp.resolve("got");
        Exchange get = template.send("dicom:get?aet=GW&remote=" + pacs + "&directory=" + dir,
                e -> e.getIn().setHeader(DicomConstants.STUDY_INSTANCE_UID, study(MR)));
        assertNull(get.getException());
        List<?> files = get.getMessage().getBody(List.class);
        assertEquals(List.of(dir.resolve(sop(MR) + ".dcm")), files);
        DicomFile original = DicomFile.read(MR);
        DicomFile retrieved = DicomFile.read((Path) files.get(0));
        // Dataset trailing padding (FFFC,FFFC) is not content; the sender drops it.
        original.dataset().remove(DicomScpConsumerTest.DATASET_TRAILING_PADDING);
        assertTrue(DatasetEquality.equal(original.dataset(), retrieved.dataset()),
                DatasetEquality.describeDifference(original.dataset(), retrieved.dataset()));
    }

    @Test
    void storeRefusedByThePeerFailsTheExchange() {
        Exchange store = template.send("dicom:store?aet=GW&remote=REFUSER@127.0.0.1:" + refusingPort,
                e -> e.getIn().setBody(CT));
        assertInstanceOf(DicomException.class, store.getException());
        assertTrue(store.getException().getMessage().contains("0xC000"), store.getException().getMessage());
        assertEquals(0, store.getMessage().getHeader(DicomConstants.STORED_COUNT));
    }

    @Test
    void storeToNobodyFailsTheExchange() throws Exception {
        Exchange store = template.send("dicom:store?aet=GW&connectTimeout=2000&remote=NOBODY@127.0.0.1:"
                + FreePorts.freePort(), e -> e.getIn().setBody(CT));
        assertNotNull(store.getException());
        assertTrue(store.getException().getMessage().contains("not sent"), store.getException().getMessage());
    }

    static String sop(Path p) {
        return DicomWebOrthancTest.sop(p);
    }

    static String study(Path p) {
        return StudyAggregationTest.study(p);
    }
}
