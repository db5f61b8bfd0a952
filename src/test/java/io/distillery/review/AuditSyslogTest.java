package io.distillery.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.distillery.store.StoreDataSources;
import io.distillery.testsupport.FreePorts;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Audit events forwarded to Debian's rsyslogd on loopback, over UDP and over TCP with octet-counted framing:
 * rsyslog must parse each message as RFC 5424 (facility, severity, APP-NAME, MSGID) and its body must be a
 * well-formed DICOM audit message carrying the actor, event ID and manifest hash.
 */
class AuditSyslogTest {
    @TempDir
    Path dir;

    private Rsyslogd rsyslog;
    private AgroalDataSource db;
    private int tcpPort;
    private int udpPort;

    @BeforeEach
    void startRsyslog() throws Exception {
        tcpPort = FreePorts.freePort();
        udpPort = FreePorts.freePort();
        rsyslog = Rsyslogd.start(dir, List.of(), List.of(
                "module(load=\"imtcp\")",
                "module(load=\"imudp\")",
                "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"" + tcpPort + "\")",
                "input(type=\"imudp\" address=\"127.0.0.1\" port=\"" + udpPort + "\")"), tcpPort);
        db = StoreDataSources.pooled(StoreDataSources.embeddedUrl(dir.resolve("store")), "distillery", null, 2);
    }

    @AfterEach
    void stop() throws Exception {
        if (db != null) {
            db.close();
        }
        if (rsyslog != null) {
            rsyslog.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = AuditSyslog.Protocol.class, names = {"UDP", "TCP"})
    void rsyslogReceivesEveryEventAsAnRfc5424DicomAuditMessage(AuditSyslog.Protocol protocol) throws Exception {
        AuditTrail trail = new AuditTrail(db);
        String hash = "c0".repeat(32);
        try (AuditSyslog syslog = new AuditSyslog("127.0.0.1", protocol == AuditSyslog.Protocol.UDP ? udpPort
                : tcpPort, protocol, "distillery")) {
            trail.onRecorded(syslog);
            trail.record("gateway", AuditAction.INGEST, Map.of("stored", 12));
            trail.record("alice & <bob>", AuditAction.REVIEW_APPROVED, "P-7", hash, Map.of("reason", "fine"));
            trail.record("gateway", AuditAction.FAILURE, "P-7", hash, Map.of("error", "peer refused"));
        }
        List<String> lines = rsyslog.awaitLines(3);
        assertEquals(3, lines.size(), "rsyslog wrote: " + lines);

        String[] approval = lines.get(1).split("\\|", 5);
        assertEquals("10", approval[0], "facility security/authorisation");
        assertEquals("5", approval[1], "severity notice");
        assertEquals("distillery", approval[2]);
        assertEquals("IHE+RFC-3881", approval[3]);
        Element msg = xml(approval[4]).getDocumentElement();
        assertEquals("AuditMessage", msg.getTagName());
        assertEquals("110100", attr(msg, "EventID", "csd-code"));
        assertEquals("REVIEW_APPROVED", attr(msg, "EventTypeCode", "csd-code"));
        assertEquals("alice & <bob>", attr(msg, "ActiveParticipant", "UserID"));
        assertEquals("P-7", attr(msg, "ParticipantObjectIdentification", "ParticipantObjectID"));
        assertEquals(hash, new String(Base64.getDecoder().decode(attr(msg, "ParticipantObjectDetail", "value")),
                StandardCharsets.UTF_8), "the first detail is the manifest hash");

        Element ingest = xml(lines.get(0).split("\\|", 5)[4]).getDocumentElement();
        assertEquals("110107", attr(ingest, "EventID", "csd-code"), "ingest is a DICOM Import event");
        String[] failure = lines.get(2).split("\\|", 5);
        assertEquals("4", failure[1], "a failure is a warning");
        assertEquals("8", attr(xml(failure[4]).getDocumentElement(), "EventIdentification", "EventOutcomeIndicator"));
    }

    private static Document xml(String text) throws Exception {
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static String attr(Element root, String tag, String name) {
        if (root.getTagName().equals(tag)) {
            return root.getAttribute(name);
        }
        return ((Element) root.getElementsByTagName(tag).item(0)).getAttribute(name);
    }
}
