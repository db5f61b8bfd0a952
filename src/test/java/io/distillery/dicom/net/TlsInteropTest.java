package io.distillery.dicom.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.distillery.testsupport.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DICOM TLS with mutual authentication: keys and certificates generated for the test with openssl and keytool,
 * dcmtk's storescu {@code +tls} and our own SCU as clients of our SCP.
 */
class TlsInteropTest {
    /** Password of the throw-away stores generated below; real deployments read theirs from the environment. */
    private static final char[] PASSWORD = "test-only".toCharArray();
    private static final Path CT = SharedData.dicomCorpus().resolve("pydicom/CT_small.dcm");

    @TempDir
    static Path tmp;

    private static Peers peers;
    private static DicomServer server;
    private static final List<StoredInstance> received = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Peers.installed("storescu") && Peers.installed("openssl") && Peers.installed("keytool"));
        peers = new Peers(Files.createDirectories(tmp.resolve("logs")));
        for (String who : List.of("server", "client")) {
            run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + who,
                    "-keyout", path(who + ".key"), "-out", path(who + ".pem"));
            run("openssl", "pkcs12", "-export", "-in", path(who + ".pem"), "-inkey", path(who + ".key"), "-out",
                    path(who + ".p12"), "-passout", "pass:" + new String(PASSWORD));
        }
        // Each side trusts the other's certificate.
        run("keytool", "-importcert", "-noprompt", "-alias", "client", "-file", path("client.pem"), "-keystore",
                path("trust-client.p12"), "-storetype", "PKCS12", "-storepass", new String(PASSWORD));
        run("keytool", "-importcert", "-noprompt", "-alias", "server", "-file", path("server.pem"), "-keystore",
                path("trust-server.p12"), "-storetype", "PKCS12", "-storepass", new String(PASSWORD));
        TlsConfig tls = new TlsConfig(tmp.resolve("server.p12"), PASSWORD, tmp.resolve("trust-client.p12"), PASSWORD,
                true, null);
        server = DicomServer.start(ServerConfig.builder("TLSSCP").accept(TransferCapability.anyStorage()).tls(tls).build(),
                new DimseServiceRegistry().add(new StorageService(StorageConfig.of(tmp.resolve("spool")).withMinFreeBytes(0),
                        si -> {
                            received.add(si);
                            return Status.SUCCESS;
                        })), null);
    }

    private static String path(String name) {
        return tmp.resolve(name).toString();
    }

    private static void run(String... cmd) throws Exception {
        Peers.Run r = peers.run(60, cmd);
        assertEquals(0, r.exit(), String.join(" ", cmd) + "\n" + r.output());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (peers != null) {
            peers.close();
        }
    }

    @Test
    void storescuOverMutualTls() throws Exception {
        int before = received.size();
        Peers.Run r = peers.run(60, "storescu", "+tls", path("client.key"), path("client.pem"), "+cf", path("server.pem"),
                "-aet", "TLSCLIENT", "-aec", "TLSSCP", "127.0.0.1", "" + server.port(), CT.toString());
        assertEquals(0, r.exit(), r.output());
        assertEquals(before + 1, received.size());
        assertEquals("TLSCLIENT", received.get(received.size() - 1).callingAet());
    }

    @Test
    void clientWithoutCertificateIsRefused() throws Exception {
        int before = received.size();
        Peers.Run r = peers.run(60, "storescu", "+tla", "+cf", path("server.pem"), "-aet", "ANON", "-aec", "TLSSCP",
                "127.0.0.1", "" + server.port(), CT.toString());
        assertTrue(r.exit() != 0, r.output());
        Peers.Run plain = peers.run(60, "storescu", "-aet", "PLAIN", "-aec", "TLSSCP", "127.0.0.1", "" + server.port(),
                CT.toString());
        assertTrue(plain.exit() != 0, plain.output());
        assertEquals(before, received.size());
    }

    @Test
    void ourScuOverMutualTls() {
        ClientConfig client = ClientConfig.of("OURTLS").withTls(new TlsConfig(tmp.resolve("client.p12"), PASSWORD,
                tmp.resolve("trust-server.p12"), PASSWORD, false, List.of("TLSv1.3")));
        StoreScu.Result r = StoreScu.store(client, new RemoteAe("TLSSCP", "127.0.0.1", server.port()), List.of(CT)).get(0);
        assertTrue(r.stored(), r.describe());
        ClientConfig untrusting = ClientConfig.of("OURTLS").withTls(new TlsConfig(tmp.resolve("client.p12"), PASSWORD,
                tmp.resolve("trust-client.p12"), PASSWORD, false, null));
        StoreScu.Result refused = StoreScu.store(untrusting, new RemoteAe("TLSSCP", "127.0.0.1", server.port()),
                List.of(CT)).get(0);
        assertFalse(refused.stored());
    }
}
