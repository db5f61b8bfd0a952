package io.distillery.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.dicom.Attributes;
import io.distillery.dicom.DicomFile;
import io.distillery.dicom.Tag;
import io.distillery.review.AuditAction;
import io.distillery.review.AuditEvent;
import io.distillery.review.AuditTrail;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.quarkus.core.CamelRuntime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * routes/modality-ingest.yaml as shipped records its ingest counts in the audit trail: dcmtk storescu sends labelled
 * instances and one the manifest does not know in one association; when the association is released the trail holds
 * one INGEST event with the calling AE and the count per outcome, and nothing that names the patient or the study.
 */
@QuarkusTest
@TestProfile(GatewayTestProfile.class)
class IngestAuditRouteTest {
    @Inject
    CamelRuntime runtime;

    @Inject
    CamelContext camel;

    @Inject
    AuditTrail trail;

    @BeforeEach
    void startRoutes() {
        if (!camel.isStarted()) {
            runtime.start(new String[0]);
        }
    }

    @Test
    void anAssociationsCountsAreOneIngestEventWithoutPatientIdentifiers() throws Exception {
        List<Path> files = new ArrayList<>(List.of(ModalityIngestRouteTest.SAMPLES.resolve("IM0020.dcm"),
                ModalityIngestRouteTest.SAMPLES.resolve("IM0021.dcm"),
                ModalityIngestRouteTest.SAMPLES.resolve("IM0022.dcm")));
        Path unknown = Files.copy(ModalityIngestRouteTest.SAMPLES.resolve("IM0023.dcm"),
                GatewayTestProfile.DIR.resolve("audit-unknown.dcm"));
        assertEquals(0, ModalityIngestRouteTest.run("dcmodify", "-nb", "-m", "(0008,0050)=NOT-IN-MANIFEST", "-m",
                "(0008,0018)=1.2.826.0.1.3680043.10.1000.78", unknown.toString()));
        files.add(unknown);
        long before = trail.list().size();

        assertEquals(0, ModalityIngestRouteTest.run(storescuFrom("AUDITMOD", files)));

        JsonNode details = awaitIngestFrom("AUDITMOD", before).orElseThrow(
                () -> new AssertionError("no INGEST event from AUDITMOD in " + trail.list()));
        assertEquals(3, details.path("stored").asInt(), details.toString());
        assertEquals(1, details.path("parked").asInt(), details.toString());
        assertFalse(details.has("failed"), details.toString());
        assertEquals("DISTILLERY", details.path("called_ae").asText());
        assertEquals("127.0.0.1", details.path("remote_host").asText());
        assertEquals("released", details.path("association").asText());

        AuditEvent event = trail.list().stream().filter(e -> e.details().contains("AUDITMOD")).findFirst()
                .orElseThrow();
        assertEquals("gateway", event.actor());
        for (Path f : files) {
            Attributes ds = DicomFile.read(f).dataset();
            for (int tag : new int[] {Tag.PatientID, Tag.PatientName, Tag.AccessionNumber, Tag.StudyInstanceUID,
                    Tag.SOPInstanceUID}) {
                String value = ds.getString(tag);
                if (value != null && !value.isBlank()) {
                    assertFalse(event.details().contains(value), "the event names " + value + ": " + event);
                }
            }
        }
        assertTrue(trail.verify().intact(), trail.verify().toString());
    }

    private Optional<JsonNode> awaitIngestFrom(String callingAe, long after) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        ObjectMapper json = new ObjectMapper();
        do {
            for (AuditEvent e : trail.list()) {
                if (e.seq() > after && e.action() == AuditAction.INGEST) {
                    JsonNode d = json.readTree(e.details());
                    if (callingAe.equals(d.path("calling_ae").asText())) {
                        return Optional.of(d);
                    }
                }
            }
            Thread.sleep(100); // the listener hears of the release just after storescu has gone
        } while (System.nanoTime() < deadline);
        return Optional.empty();
    }

    private static String[] storescuFrom(String aet, List<Path> files) {
        List<String> cmd = new ArrayList<>(List.of("storescu", "-aet", aet, "-aec", "DISTILLERY", "127.0.0.1",
                Integer.toString(GatewayTestProfile.PORT)));
        files.forEach(f -> cmd.add(f.toString()));
        return cmd.toArray(String[]::new);
    }
}
