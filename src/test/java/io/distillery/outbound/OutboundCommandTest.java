package io.distillery.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.distillery.cli.DistilleryCommand;
import io.distillery.review.ReviewQueue;
import io.distillery.review.ReviewStatus;
import io.distillery.share.SharePackage;
import io.distillery.store.StoreDataSources;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code outbound list} and {@code outbound requeue} on an embedded store holding one dead letter. */
class OutboundCommandTest {
    @TempDir
    Path tmp;

    @Test
    void listShowsTheDeadLetterAndRequeuePutsItBackInLine() throws Exception {
        Path store = tmp.resolve("store");
        SharePackage p = TestPackages.make(tmp, "PKG-CLI", "IM0061.dcm");
        try (AgroalDataSource db = StoreDataSources.pooled(StoreDataSources.embeddedUrl(store), "distillery", null, 2)) {
            ReviewQueue queue = new ReviewQueue(db);
            queue.submit(p, "PASS");
            queue.approve(p.id(), p.manifestSha256(), "alice", null);
            DeliveryLedger ledger = new DeliveryLedger(db);
            ledger.enqueue(queue.list(ReviewStatus.APPROVED), "sftp");
            ledger.deadLetter(ledger.claim("sftp", "A", Duration.ofMinutes(1), 1).get(0), "Auth fail");
        }

        String listed = stdout(() -> assertEquals(0, DistilleryCommand.execute("outbound", "list", "--store",
                store.toString(), "--status", "DEAD")));
        assertEquals("sftp\tDEAD\tPKG-CLI\t" + p.manifestSha256().substring(0, 12) + "\tattempts=1\tAuth fail",
                listed.strip());

        assertEquals(1, DistilleryCommand.execute("outbound", "requeue", "--store", store.toString(),
                "--destination", "s3", "PKG-CLI"), "no dead letter for that destination");
        assertEquals(0, DistilleryCommand.execute("outbound", "requeue", "--store", store.toString(),
                "--destination", "sftp", "PKG-CLI"));
        try (AgroalDataSource db = StoreDataSources.pooled(StoreDataSources.embeddedUrl(store), "distillery", null, 2)) {
            DeliveryRecord r = new DeliveryLedger(db).get(p.id(), p.manifestSha256(), "sftp").orElseThrow();
            assertEquals(DeliveryStatus.PENDING, r.status());
            assertEquals(0, r.attempts());
        }
        assertTrue(stdout(() -> DistilleryCommand.execute("outbound", "list", "--store", store.toString(),
                "--status", "DEAD")).isBlank());
    }

    private static String stdout(Runnable r) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
