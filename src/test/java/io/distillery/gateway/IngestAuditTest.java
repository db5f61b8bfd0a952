package io.distillery.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.distillery.dicom.net.DuplicatePolicy;
import io.distillery.dicom.net.StoredInstance;
import io.distillery.review.AuditAction;
import io.distillery.review.AuditEvent;
import io.distillery.review.AuditTrail;
import io.distillery.store.StoreDataSources;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One association's INGEST event counts what the route did and what the listener answered without routing (a
 * duplicate under the SCP's policy, which {@link GatewayMetrics#onDuplicateNotHandedOn} passes on); another
 * association's counts stay apart. On the embedded store, as the gateway records them.
 */
class IngestAuditTest {

    @Test
    void duplicatesTheListenerRefusedAreCountedWithTheRoutesOutcomes(@TempDir Path dir) throws Exception {
        try (AgroalDataSource db = StoreDataSources.pooled(StoreDataSources.embeddedUrl(dir.resolve("store")),
                "distillery", null, 2); CamelContext camel = new DefaultCamelContext()) {
            AuditTrail trail = new AuditTrail(db);
            IngestAudit audit = new IngestAudit(trail);
            InetSocketAddress modality = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40001);
            InetSocketAddress other = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40002);

            audit.count(routed(camel, modality), "STORED");
            audit.count(routed(camel, modality), "STORED");
            audit.count(routed(camel, other), "STORED");
            audit.duplicateNotHandedOn(instance(modality), DuplicatePolicy.REJECT);
            audit.duplicateNotHandedOn(instance(modality), DuplicatePolicy.KEEP_EXISTING);
            audit.associationClosed(modality, "MOD1", "DISTILLERY", null);

            List<AuditEvent> events = trail.list();
            assertEquals(1, events.size(), events.toString());
            assertEquals(AuditAction.INGEST, events.get(0).action());
            JsonNode d = new ObjectMapper().readTree(events.get(0).details());
            assertEquals(2, d.path("stored").asInt(), d.toString());
            assertEquals(1, d.path("refused_duplicate").asInt(), d.toString());
            assertEquals(1, d.path("duplicate").asInt(), d.toString());
            assertEquals("MOD1", d.path("calling_ae").asText());

            audit.associationClosed(other, "MOD2", "DISTILLERY", new java.io.IOException("peer aborted"));
            JsonNode d2 = new ObjectMapper().readTree(trail.list().get(1).details());
            assertEquals(1, d2.path("stored").asInt(), d2.toString());
            assertTrue(d2.path("refused_duplicate").isMissingNode(), d2.toString());
            assertEquals("aborted: peer aborted", d2.path("association").asText());
        }
    }

    private static Message routed(CamelContext camel, InetSocketAddress peer) {
        Message m = new DefaultMessage(camel);
        m.setHeader(io.distillery.camel.DicomConstants.REMOTE_ADDRESS,
                peer.getAddress().getHostAddress() + ":" + peer.getPort());
        return m;
    }

    private static StoredInstance instance(InetSocketAddress peer) {
        return new StoredInstance(Path.of("spool.part"), 10, "1.2.840.10008.5.1.4.1.1.7", "1.2.3.4",
                "1.2.840.10008.1.2.1", null, null, "MOD1", "DISTILLERY", peer);
    }
}
