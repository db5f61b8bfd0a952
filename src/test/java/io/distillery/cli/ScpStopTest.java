package io.distillery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.testsupport.ChildJvm;
import io.distillery.testsupport.FreePorts;
import io.distillery.testsupport.SharedData;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dicom scp} as its own process, stopped the two ways an operator's tooling stops it: SIGTERM (a service
 * manager, Kubernetes) closes the listener and leaves only received instances in the directory; SIGKILL leaves the
 * spool files it had created ahead, and the next start removes them.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ScpStopTest {
    private static final String IUID = "1.3.6.1.4.1.5962.1.1.4.1.1.20040826185059.5457";

    @TempDir
    Path dir;

    private Process start(int port) throws Exception {
        Process child = new ProcessBuilder(ChildJvm.command(Main.class, "dicom", "scp", "--aet", "STOPSCP", "--port",
                "" + port, "--dir", dir.toString(), "--min-free-mb", "0", "--no-fsync")).redirectErrorStream(true).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream()));
        StringBuilder said = new StringBuilder();
        for (String line; (line = r.readLine()) != null; ) {
            said.append(line).append('\n');
            if (line.startsWith("listening as STOPSCP")) {
                Thread drain = new Thread(() -> r.lines().forEach(l -> { }));
                drain.setDaemon(true);
                drain.start();
                return child;
            }
        }
        child.destroyForcibly();
        throw new AssertionError("dicom scp did not start:\n" + said);
    }

    private void store(int port) throws Exception {
        Process p = new ProcessBuilder("storescu", "-aet", "MOD", "-aec", "STOPSCP", "127.0.0.1", "" + port,
                SharedData.dicomCorpus().resolve("pydicom/MR_small.dcm").toString()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
    }

    private List<String> spoolFiles() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".rx-")).sorted().toList();
        }
    }

    private List<String> awaitSpoolFiles() throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (spoolFiles().isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        return spoolFiles();
    }

    @Test
    void sigtermLeavesOnlyTheReceivedInstances() throws Exception {
        int port = FreePorts.freePort();
        Process scp = start(port);
        try {
            store(port);
            assertFalse(awaitSpoolFiles().isEmpty(), "the receiver keeps spool files created ahead");
            scp.destroy(); // SIGTERM
            assertTrue(scp.waitFor(30, TimeUnit.SECONDS));
        } finally {
            scp.destroyForcibly();
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(IUID + ".dcm"), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void theNextStartRemovesWhatAKilledReceiverLeft() throws Exception {
        int port = FreePorts.freePort();
        Process killed = start(port);
        List<String> left;
        try {
            store(port);
            left = awaitSpoolFiles();
            assertFalse(left.isEmpty(), "the receiver keeps spool files created ahead");
        } finally {
            killed.destroyForcibly(); // SIGKILL: no shutdown hook
            assertTrue(killed.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(left, spoolFiles(), "SIGKILL leaves the spool files as they were");
        int port2 = FreePorts.freePort();
        Process next = start(port2);
        try {
            List<String> now = spoolFiles();
            for (String name : left) {
                assertFalse(now.contains(name), name + " outlived the next start");
            }
            assertTrue(Files.exists(dir.resolve(IUID + ".dcm")), "the received instance stays");
        } finally {
            next.destroy();
            assertTrue(next.waitFor(30, TimeUnit.SECONDS));
        }
    }
}
