package io.distillery.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.distillery.share.SharePackage;
import io.distillery.store.StoreDataSources;
import io.distillery.testsupport.FreePorts;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * routes/outbound.yaml's S3 destination against a real S3-compatible server in this JVM: s3proxy (Maven Central)
 * on 127.0.0.1 with jclouds' in-memory blob store, SigV2/V4 authentication on. What the server stored is read back
 * from its blob store.
 */
class S3DeliveryTest {
    static final String ACCESS = "test-access-key";
    static final String SECRET = "test-secret-key-only-for-this-test";
    static final String BUCKET = "partner-bucket";

    @TempDir
    Path tmp;
    AgroalDataSource db;
    BlobStoreContext blobs;
    S3Proxy s3;
    int port;

    /**
     * The AWS SDK's default since 2.30 sends streaming uploads with a trailing CRC checksum
     * (STREAMING-...-PAYLOAD-TRAILER), which s3proxy, like several S3-compatible servers, does not verify the
     * same way; docs/outbound.md tells administrators to set the same setting (AWS_REQUEST_CHECKSUM_CALCULATION)
     * for such servers.
     */
    @BeforeAll
    static void checksumsOnlyWhenRequired() {
        System.setProperty("aws.requestChecksumCalculation", "when_required");
    }

    @BeforeEach
    void start() throws Exception {
        db = StoreDataSources.pooled(StoreDataSources.embeddedUrl(tmp.resolve("store")), "distillery", null, 4);
        blobs = ContextBuilder.newBuilder("transient").credentials("unused", "unused").build(BlobStoreContext.class);
        blobs.getBlobStore().createContainerInLocation(null, BUCKET);
        port = FreePorts.freePort();
        s3 = startS3();
    }

    private S3Proxy startS3() throws Exception {
        S3Proxy proxy = S3Proxy.builder().blobStore(blobs.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
        proxy.start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (!"STARTED".equals(proxy.getState()) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        return proxy;
    }

    @AfterEach
    void stop() throws Exception {
        if (s3 != null) {
            s3.stop();
        }
        blobs.close();
        db.close();
    }

    private OutboundHarness replica(String secret) throws Exception {
        return new OutboundHarness(db, OutboundHarness.QUICK_RETRY, Map.of(
                "distillery.outbound.s3.enabled", "true",
                "distillery.outbound.s3.bucket", BUCKET,
                "distillery.outbound.s3.prefix", "from-hospital/",
                "distillery.outbound.s3.override-endpoint", "true",
                "distillery.outbound.s3.endpoint", "http://127.0.0.1:" + port,
                "distillery.outbound.s3.path-style", "true",
                "distillery.outbound.s3.access-key", ACCESS,
                "distillery.outbound.s3.secret-key", secret));
    }

    @Test
    void everyFileOfTheApprovedPackageLandsUnderItsIdWithItsExactBytes() throws Exception {
        SharePackage p = TestPackages.make(tmp, "PKG-S3", "IM0021.dcm", "IM0022.dcm");
        try (OutboundHarness gw = replica(SECRET)) {
            gw.approve(p);
            gw.await(p, "s3", DeliveryStatus.DELIVERED, Duration.ofSeconds(60));
            Map<String, String> expected = new TreeMap<>();
            TestPackages.contents(p.dir()).forEach((k, v) -> expected.put("from-hospital/PKG-S3/" + k, v));
            assertEquals(expected, stored());
            assertEquals(1.0, gw.counter("distillery.packages.sent", "destination", "s3"));
        }
    }

    @Test
    void aRefusingServerIsAFailureAndEndsAsADeadLetter() throws Exception {
        SharePackage p = TestPackages.make(tmp, "PKG-S3-DENIED", "IM0023.dcm");
        try (OutboundHarness gw = replica("a-wrong-secret")) {
            gw.approve(p);
            DeliveryRecord dead = gw.await(p, "s3", DeliveryStatus.DEAD, Duration.ofSeconds(60));
            assertEquals(3, dead.attempts());
            assertTrue(dead.lastError().contains("403") || dead.lastError().contains("SignatureDoesNotMatch"),
                    dead.lastError());
            assertEquals(Map.of(), stored(), "nothing stored");
            assertEquals(0.0, gw.counter("distillery.packages.sent", "destination", "s3"));
        }
    }

    @Test
    void aServerThatIsDownAndThenUpGetsThePackageOnARetry() throws Exception {
        SharePackage p = TestPackages.make(tmp, "PKG-S3-LATE", "IM0024.dcm");
        s3.stop();
        s3 = null;
        try (OutboundHarness gw = replica(SECRET)) {
            gw.approve(p);
            long deadline = System.currentTimeMillis() + 60_000;
            while (gw.events(p.id()).isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(gw.events(p.id()).get(0).startsWith("failed PKG-S3-LATE s3 attempt 1"), gw.events.toString());
            s3 = startS3();
            gw.await(p, "s3", DeliveryStatus.DELIVERED, Duration.ofSeconds(60));
            assertEquals(TestPackages.contents(p.dir()).size(), stored().size());
        }
    }

    /** Key -> SHA-256 of every object the server holds in the bucket. */
    private Map<String, String> stored() throws Exception {
        BlobStore store = blobs.getBlobStore();
        Map<String, String> out = new TreeMap<>();
        for (StorageMetadata m : store.list(BUCKET, ListContainerOptions.Builder.recursive())) {
            try (InputStream in = store.getBlob(BUCKET, m.getName()).getPayload().openStream()) {
                out.put(m.getName(), TestPackages.sha256(in.readAllBytes()));
            }
        }
        return out;
    }
}
