package io.distillery.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.distillery.share.SharePackage;
import io.distillery.store.StoreDataSources;
import io.distillery.testsupport.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * routes/outbound.yaml's SFTP destination against a real SSH server in this JVM: Apache MINA SSHD with its SFTP
 * subsystem on 127.0.0.1, password authentication, its host key pinned in a known-hosts file (strict checking).
 */
class SftpDeliveryTest {
    static final String USER = "partner";
    static final String PASSWORD = "test-only-password";

    @TempDir
    Path tmp;
    AgroalDataSource db;
    SshServer sshd;
    int port;
    Path root;
    Path knownHosts;

    @BeforeEach
    void start() throws Exception {
        db = StoreDataSources.pooled(StoreDataSources.embeddedUrl(tmp.resolve("store")), "distillery", null, 4);
        root = Files.createDirectories(tmp.resolve("sftp-root"));
        port = FreePorts.freePort();
        sshd = startSshd();
        PublicKey hostKey = sshd.getKeyPairProvider().loadKeys(null).iterator().next().getPublic();
        knownHosts = tmp.resolve("known_hosts");
        Files.writeString(knownHosts, "[127.0.0.1]:" + port + " " + PublicKeyEntry.toString(hostKey) + "\n");
    }

    private SshServer startSshd() throws Exception {
        SshServer server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(port);
        server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(tmp.resolve("host-key.ser")));
        server.setPasswordAuthenticator((user, password, session) -> USER.equals(user) && PASSWORD.equals(password));
        server.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        server.setFileSystemFactory(new VirtualFileSystemFactory(root));
        server.start();
        return server;
    }

    @AfterEach
    void stop() throws Exception {
        if (sshd != null) {
            sshd.stop(true);
        }
        db.close();
    }

    private OutboundHarness replica(String password) throws Exception {
        return new OutboundHarness(db, OutboundHarness.QUICK_RETRY, Map.of(
                "distillery.outbound.sftp.enabled", "true",
                "distillery.outbound.sftp.host", "127.0.0.1",
                "distillery.outbound.sftp.port", Integer.toString(port),
                "distillery.outbound.sftp.directory", "incoming",
                "distillery.outbound.sftp.username", USER,
                "distillery.outbound.sftp.password", password,
                "distillery.outbound.sftp.known-hosts-file", knownHosts.toString()));
    }

    /**
     * A previous attempt died mid-upload (a finished file with other bytes, a half-written temporary file): the
     * retry overwrites both, and the partner ends with exactly the package, no duplicates or leftovers.
     */
    @Test
    void everyFileArrivesUnderThePackageIdAndAnInterruptedUploadIsOverwrittenNotDuplicated() throws Exception {
        SharePackage p = TestPackages.make(tmp, "PKG-SFTP", "IM0031.dcm", "IM0032.dcm");
        Path target = Files.createDirectories(root.resolve("incoming/PKG-SFTP/images"));
        Files.write(target.resolve("distilled-000.dcm"), new byte[10]);
        Files.write(target.resolve(".part-distilled-001.dcm"), new byte[10]);
        try (OutboundHarness gw = replica(PASSWORD)) {
            gw.approve(p);
            gw.await(p, "sftp", DeliveryStatus.DELIVERED, Duration.ofSeconds(60));
            assertEquals(TestPackages.contents(p.dir()), TestPackages.contents(root.resolve("incoming/PKG-SFTP")));
            assertEquals(1.0, gw.counter("distillery.packages.sent", "destination", "sftp"));
        }
    }

    @Test
    void aRefusedLoginIsAFailureAndEndsAsADeadLetter() throws Exception {
        SharePackage p = TestPackages.make(tmp, "PKG-SFTP-DENIED", "IM0033.dcm");
        try (OutboundHarness gw = replica("wrong-password")) {
            gw.approve(p);
            DeliveryRecord dead = gw.await(p, "sftp", DeliveryStatus.DEAD, Duration.ofSeconds(60));
            assertEquals(3, dead.attempts());
            assertTrue(dead.lastError().toLowerCase().contains("auth"), dead.lastError());
            assertTrue(!Files.exists(root.resolve("incoming/PKG-SFTP-DENIED")));
        }
    }

    @Test
    void aServerWithAnotherHostKeyIsNeverSentTo() throws Exception {
        SharePackage p = TestPackages.make(tmp, "PKG-SFTP-MITM", "IM0034.dcm");
        sshd.stop(true);
        Files.delete(tmp.resolve("host-key.ser")); // same address, new host key: not the pinned server
        sshd = startSshd();
        try (OutboundHarness gw = replica(PASSWORD)) {
            gw.approve(p);
            DeliveryRecord dead = gw.await(p, "sftp", DeliveryStatus.DEAD, Duration.ofSeconds(60));
            assertTrue(dead.lastError().toLowerCase().contains("hostkey") || dead.lastError().contains("HostKey"),
                    dead.lastError());
            assertTrue(!Files.exists(root.resolve("incoming/PKG-SFTP-MITM")));
        }
    }

    @Test
    void aServerThatIsDownAndThenUpGetsThePackageOnARetry() throws Exception {
        SharePackage p = TestPackages.make(tmp, "PKG-SFTP-LATE", "IM0035.dcm");
        sshd.stop(true);
        try (OutboundHarness gw = replica(PASSWORD)) {
            gw.approve(p);
            long deadline = System.currentTimeMillis() + 60_000;
            while (gw.events(p.id()).isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(gw.events(p.id()).get(0).startsWith("failed PKG-SFTP-LATE sftp attempt 1"), gw.events.toString());
            sshd = startSshd();
            gw.await(p, "sftp", DeliveryStatus.DELIVERED, Duration.ofSeconds(60));
            assertEquals(TestPackages.contents(p.dir()), TestPackages.contents(root.resolve("incoming/PKG-SFTP-LATE")));
        }
    }
}
