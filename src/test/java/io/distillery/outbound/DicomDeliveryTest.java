package io.distillery.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.distillery.camel.OrthancServer;
import io.distillery.dicom.DicomFile;
import io.distillery.dicom.Tag;
import io.distillery.share.SharePackage;
import io.distillery.store.StoreDataSources;
import io.distillery.testsupport.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * routes/outbound.yaml's C-STORE and STOW-RS destinations: a real Orthanc as the partner PACS, a Storage SCP that
 * answers every C-STORE with a failure status, and a Storage SCP that is down at first and comes up later.
 */
class DicomDeliveryTest {
    @TempDir
    static Path shared;
    static OrthancServer orthanc;

    @TempDir
    Path tmp;
    AgroalDataSource db;

    @BeforeAll
    static void startOrthanc() throws Exception {
        orthanc = OrthancServer.start(Files.createDirectories(shared.resolve("orthanc")), Map.of());
    }

    @AfterAll
    static void stopOrthanc() throws Exception {
        if (orthanc != null) {
            orthanc.close();
        }
    }

    @BeforeEach
    void open() {
        db = StoreDataSources.pooled(StoreDataSources.embeddedUrl(tmp.resolve("store")), "distillery", null, 4);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private OutboundHarness cstoreTo(String remote) throws Exception {
        return new OutboundHarness(db, OutboundHarness.QUICK_RETRY, Map.of("distillery.outbound.cstore.enabled", "true",
                "distillery.outbound.cstore.remote", remote, "distillery.outbound.cstore.aet", "DISTILLERY"));
    }

    @Test
    void cstoreSendsEveryDicomObjectOfTheApprovedPackageToThePacs() throws Exception {
        SharePackage p = TestPackages.make(tmp, "PKG-CSTORE", "IM0011.dcm", "IM0012.dcm");
        try (OutboundHarness gw = cstoreTo(orthanc.aet + "@127.0.0.1:" + orthanc.dicomPort)) {
            gw.approve(p);
            gw.await(p, "cstore", DeliveryStatus.DELIVERED, Duration.ofSeconds(30));
            assertTrue(orthanc.sopInstanceUids().containsAll(sops(p)), orthanc.sopInstanceUids() + " vs " + sops(p));
            assertEquals(List.of("delivered PKG-CSTORE cstore attempt 1"), gw.events(p.id()));
            assertEquals(1.0, gw.counter("distillery.packages.sent", "destination", "cstore"));
        }
    }

    @Test
    void stowSendsEveryDicomObjectOfTheApprovedPackage() throws Exception {
        SharePackage p = TestPackages.make(tmp, "PKG-STOW", "IM0013.dcm", "IM0014.dcm");
        try (OutboundHarness gw = new OutboundHarness(db, OutboundHarness.QUICK_RETRY, Map.of(
                "distillery.outbound.stow.enabled", "true", "distillery.outbound.stow.url", orthanc.dicomWebUrl()))) {
            gw.approve(p);
            gw.await(p, "stow", DeliveryStatus.DELIVERED, Duration.ofSeconds(30));
            assertTrue(orthanc.sopInstanceUids().containsAll(sops(p)), orthanc.sopInstanceUids() + " vs " + sops(p));
        }
    }

    @Test
    void stowToAMissingServiceFailsAndIsDeadLetteredNeverSent() throws Exception {
        SharePackage p = TestPackages.make(tmp, "PKG-STOW404", "IM0015.dcm");
        try (OutboundHarness gw = new OutboundHarness(db, OutboundHarness.QUICK_RETRY, Map.of(
                "distillery.outbound.stow.enabled", "true",
                "distillery.outbound.stow.url", orthanc.dicomWebUrl() + "/no-such-service"))) {
            gw.approve(p);
            DeliveryRecord dead = gw.await(p, "stow", DeliveryStatus.DEAD, Duration.ofSeconds(30));
            assertEquals(3, dead.attempts());
            assertEquals(0.0, gw.counter("distillery.packages.sent", "destination", "stow"));
        }
    }

    /** The PACS answers 0xC000 to every C-STORE: each attempt fails, and after the last one it is a dead letter. */
    @Test
    void aFailureStatusFromThePacsIsAFailureAndEndsAsADeadLetter() throws Exception {
        int port = FreePorts.freePort();
        SharePackage p = TestPackages.make(tmp, "PKG-REFUSED", "IM0016.dcm");
        try (OutboundHarness gw = cstoreTo("REFUSER@127.0.0.1:" + port)) {
            gw.camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("dicom:scp?aet=REFUSER&port=" + port + "&spoolDirectory=" + tmp.resolve("spool-refuser"))
                            .throwException(new IllegalStateException("archive offline"));
                }
            });
            gw.approve(p);
            DeliveryRecord dead = gw.await(p, "cstore", DeliveryStatus.DEAD, Duration.ofSeconds(30));
            assertEquals(3, dead.attempts());
            assertTrue(dead.lastError().contains("0xC000"), dead.lastError());
            List<String> events = gw.events(p.id());
            assertEquals(3, events.size(), events.toString());
            assertTrue(events.get(0).startsWith("failed PKG-REFUSED cstore attempt 1") && events.get(0).contains("0xC000"),
                    events.toString());
            assertTrue(events.get(2).startsWith("dead PKG-REFUSED cstore attempt 3"), events.toString());
            assertEquals(0.0, gw.counter("distillery.packages.sent", "destination", "cstore"));
            assertEquals(2.0, gw.counter("distillery.packages.failed", "destination", "cstore", "outcome", "retry"));
            assertEquals(1.0, gw.counter("distillery.packages.failed", "destination", "cstore", "outcome", "dead"));
        }
    }

    /** Nobody listens at first (connection refused); the PACS comes up before the retry, which then succeeds. */
    @Test
    void aPacsThatIsDownAndThenUpGetsThePackageOnARetry() throws Exception {
        int port = FreePorts.freePort();
        SharePackage p = TestPackages.make(tmp, "PKG-LATE", "IM0017.dcm", "IM0018.dcm");
        Set<String> received = ConcurrentHashMap.newKeySet();
        try (OutboundHarness gw = cstoreTo("LATEPACS@127.0.0.1:" + port)) {
            gw.camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("dicom:scp?aet=LATEPACS&port=" + port + "&spoolDirectory=" + tmp.resolve("spool-late"))
                            .routeId("late-pacs").autoStartup(false)
                            .process(e -> received.add(e.getIn().getHeader("DicomSopInstanceUID", String.class)));
                }
            });
            gw.approve(p);
            long deadline = System.currentTimeMillis() + 30_000;
            while (gw.events(p.id()).isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(gw.events(p.id()).get(0).startsWith("failed PKG-LATE cstore attempt 1"), gw.events.toString());
            gw.camel.getRouteController().startRoute("late-pacs");
            gw.await(p, "cstore", DeliveryStatus.DELIVERED, Duration.ofSeconds(30));
            assertEquals(Set.copyOf(sops(p)), received);
            assertTrue(gw.events(p.id()).get(gw.events(p.id()).size() - 1).startsWith("delivered PKG-LATE cstore"));
        }
    }

    private static List<String> sops(SharePackage p) throws Exception {
        try (var s = Files.list(p.dir().resolve("images"))) {
            return s.sorted().map(f -> {
                try {
                    return DicomFile.read(f).dataset().getString(Tag.SOPInstanceUID);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }
}
