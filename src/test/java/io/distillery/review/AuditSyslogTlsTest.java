package io.distillery.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.distillery.store.StoreDataSources;
import io.distillery.testsupport.FreePorts;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Audit events over TLS (RFC 5425) to Debian's rsyslogd with its GnuTLS driver on loopback. The test makes a CA, a
 * server certificate for 127.0.0.1 and a client certificate with openssl; rsyslog accepts only clients with a
 * certificate from that CA, so a delivered message proves the trust store (server verified) and the key store (client
 * authenticated) are both used. A client that does not trust the server's CA delivers nothing and says why; one
 * without a client certificate delivers nothing.
 */
class AuditSyslogTlsTest {
    private static final char[] PASSWORD = "test-only-store-password".toCharArray();

    @TempDir
    Path dir;

    private Rsyslogd rsyslog;
    private AgroalDataSource db;
    private int port;

    @BeforeEach
    void startRsyslogWithGtls() throws Exception {
        assertTrue(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so"))
                || Files.exists(Path.of("/usr/lib/aarch64-linux-gnu/rsyslog/lmnsd_gtls.so")),
                "install Debian's rsyslog-gnutls (see .ci/run)");
        makeCertificates();
        port = FreePorts.freePort();
        rsyslog = Rsyslogd.start(dir, List.of(
                "  DefaultNetstreamDriver=\"gtls\"",
                "  DefaultNetstreamDriverCAFile=\"" + dir.resolve("ca.pem") + "\"",
                "  DefaultNetstreamDriverCertFile=\"" + dir.resolve("server.pem") + "\"",
                "  DefaultNetstreamDriverKeyFile=\"" + dir.resolve("server-key.pem") + "\""), List.of(
                // mode 1 = TLS only; x509/certvalid = the client must present a certificate from our CA
                "module(load=\"imtcp\" StreamDriver.Name=\"gtls\" StreamDriver.Mode=\"1\""
                        + " StreamDriver.AuthMode=\"x509/certvalid\")",
                "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"" + port + "\")"), port);
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

    @Test
    void mutuallyAuthenticatedTlsDeliversOctetCountedAuditMessages() throws Exception {
        AuditTrail trail = new AuditTrail(db);
        String hash = "d1".repeat(32);
        AuditSyslog.TlsStores stores = new AuditSyslog.TlsStores(dir.resolve("trust.p12"), PASSWORD,
                dir.resolve("client.p12"), PASSWORD);
        try (AuditSyslog syslog = new AuditSyslog("127.0.0.1", port, AuditSyslog.Protocol.TLS, "distillery",
                stores)) {
            trail.onRecorded(syslog);
            trail.record("alice", AuditAction.REVIEW_APPROVED, "P-9", hash, Map.of("reason", "fine"));
            trail.record("gateway", AuditAction.INGEST, Map.of("stored", 3));
        }
        List<String> lines = rsyslog.awaitLines(2);
        assertEquals(2, lines.size(), "rsyslog wrote: " + lines + "; rsyslogd said: "
                + rsyslog.output());
        String[] approval = lines.get(0).split("\\|", 5);
        assertEquals("10", approval[0]);
        assertEquals("5", approval[1]);
        assertEquals("distillery", approval[2]);
        assertEquals("IHE+RFC-3881", approval[3]);
        assertTrue(approval[4].contains("REVIEW_APPROVED") && approval[4].contains("P-9"), approval[4]);
        assertTrue(lines.get(1).contains("110107"), "the second message is the ingest (Import) event: " + lines);
    }

    /** Without trust in the server's CA we refuse to send; without our certificate rsyslog refuses to listen. */
    @Test
    void anUntrustedServerOrAMissingClientCertificateDeliversNothing() throws Exception {
        KeyStore other = KeyStore.getInstance("PKCS12");
        other.load(null, null);
        other.setCertificateEntry("client-not-a-ca", certificate("client.pem")); // a certificate, but not the CA
        Path untrusting = dir.resolve("other-trust.p12");
        try (OutputStream out = Files.newOutputStream(untrusting)) {
            other.store(out, PASSWORD);
        }
        AuditSyslog.TlsStores stores = new AuditSyslog.TlsStores(untrusting, PASSWORD, dir.resolve("client.p12"),
                PASSWORD);
        try (AuditSyslog syslog = new AuditSyslog("127.0.0.1", port, AuditSyslog.Protocol.TLS, "distillery",
                stores)) {
            AuditEvent e = new AuditEvent(1, Instant.now(), "alice", AuditAction.REVIEW_REJECTED, "P-1", hash(),
                    "{}", AuditTrail.GENESIS, hash());
            ReviewException refused = assertThrows(ReviewException.class, () -> syslog.accept(e));
            assertTrue(refused.getMessage().contains("TLS 127.0.0.1:" + port), refused.getMessage());
        }
        // TLS 1.3 lets the client finish its handshake before the server checks the client's certificate, so the
        // send may seem to succeed; what counts is that rsyslog accepts nothing from a client without a certificate.
        AuditSyslog.TlsStores noClientKey = new AuditSyslog.TlsStores(dir.resolve("trust.p12"), PASSWORD, null, null);
        try (AuditSyslog syslog = new AuditSyslog("127.0.0.1", port, AuditSyslog.Protocol.TLS, "distillery",
                noClientKey)) {
            AuditEvent e = new AuditEvent(1, Instant.now(), "alice", AuditAction.REVIEW_REJECTED, "P-1", hash(),
                    "{}", AuditTrail.GENESIS, hash());
            try {
                syslog.accept(e);
            } catch (ReviewException refusedByServer) {
                // as good: the server closed the connection
            }
        }
        Thread.sleep(1000);
        assertTrue(rsyslog.received().isEmpty(), "nothing may arrive over an untrusted connection");
    }

    private static String hash() {
        return "e2".repeat(32);
    }

    /** A test CA, a server certificate for 127.0.0.1 and a client certificate, as rsyslog and the JDK want them. */
    private void makeCertificates() throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-keyout", "ca-key.pem", "-out", "ca.pem", "-subj", "/CN=Distillery test audit CA");
        for (String who : new String[] {"server", "client"}) {
            openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", who + "-key.pem", "-out", who + ".csr", "-subj", "/CN=" + who + " 127.0.0.1");
            Files.writeString(dir.resolve(who + ".ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                    + "extendedKeyUsage=" + (who.equals("server") ? "serverAuth" : "clientAuth") + "\n");
            openssl("x509", "-req", "-in", who + ".csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
                    "-days", "2", "-out", who + ".pem", "-extfile", who + ".ext");
        }
        openssl("pkcs12", "-export", "-in", "client.pem", "-inkey", "client-key.pem", "-certfile", "ca.pem",
                "-name", "client", "-out", "client.p12", "-passout", "pass:" + new String(PASSWORD));
        // The trust store: the JDK's PKCS#12 trusted-certificate entry, which openssl 3.0 cannot write.
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("audit-ca", certificate("ca.pem"));
        try (OutputStream out = Files.newOutputStream(dir.resolve("trust.p12"))) {
            trust.store(out, PASSWORD);
        }
    }

    private java.security.cert.Certificate certificate(String pem) throws Exception {
        try (InputStream in = Files.newInputStream(dir.resolve(pem))) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.out").toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0,
                cmd + ": " + Files.readString(dir.resolve("openssl.out")));
    }
}
