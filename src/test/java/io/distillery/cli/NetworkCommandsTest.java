package io.distillery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.testsupport.FreePorts;
import io.distillery.testsupport.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The network commands in-process: dicom scp receiving from dicom store and dcmtk, exit statuses and error lines. */
class NetworkCommandsTest {
    @TempDir
    Path tmp;

    private Thread scp;

    private int startScp(Path dir, String... extra) throws Exception {
        int port = FreePorts.freePort();
        String[] args = new String[] {"dicom", "scp", "--aet", "CLISCP", "--port", "" + port, "--dir", dir.toString(),
                "--min-free-mb", "0"};
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(extra))
                .toArray(String[]::new);
        scp = new Thread(() -> DistilleryCommand.execute(all));
        scp.setDaemon(true);
        scp.start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            try (java.net.Socket probe = new java.net.Socket("127.0.0.1", port)) {
                return port;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("dicom scp did not start");
    }

    @AfterEach
    void stopScp() throws InterruptedException {
        if (scp != null) {
            scp.interrupt();
            scp.join(5000);
        }
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true));
            System.setErr(new PrintStream(err, true));
            int exit = DistilleryCommand.execute(args);
            return new Result(exit, out.toString(), err.toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void storeIntoScpWritesOneFilePerSopInstance() throws Exception {
        Path dir = tmp.resolve("in");
        int port = startScp(dir);
        String peer = "CLISCP@127.0.0.1:" + port;
        Result echo = run("dicom", "echo", "--aet", "ME", peer);
        assertEquals(0, echo.exit(), echo.err());

        Path corpus = SharedData.dicomCorpus().resolve("pydicom");
        Result store = run("dicom", "store", "--aet", "ME", peer, corpus.resolve("CT_small.dcm").toString(),
                corpus.resolve("MR_small_implicit.dcm").toString(), corpus.resolve("rtplan.dcm").toString());
        assertEquals(0, store.exit(), store.err());
        assertTrue(Files.exists(dir.resolve("1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322.dcm")));
        try (var s = Files.list(dir)) {
            assertEquals(3, s.filter(p -> p.toString().endsWith(".dcm")).count());
        }
        // A real sender too: dcmtk's storescu.
        Process p = new ProcessBuilder("storescu", "-aet", "DCMTK", "-aec", "CLISCP", "127.0.0.1", "" + port,
                corpus.resolve("MR_small.dcm").toString()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
    }

    @Test
    void storeReportsEachFailedFileAndExitsNonZero() throws Exception {
        Path dir = tmp.resolve("in");
        int port = startScp(dir);
        Path notDicom = Files.writeString(tmp.resolve("notes.txt"), "not DICOM");
        Path good = SharedData.dicomCorpus().resolve("pydicom/CT_small.dcm");
        Result r = run("dicom", "store", "CLISCP@127.0.0.1:" + port, good.toString(), notDicom.toString(),
                tmp.resolve("missing.dcm").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("notes.txt") && r.err().contains("not a DICOM Part 10 file"), r.err());
        assertTrue(r.err().contains("missing.dcm: no such file"), r.err());
        assertTrue(r.out().contains("1 stored"), r.out());
    }

    @Test
    void scpAllowListRejectsOtherCallingAes() throws Exception {
        int port = startScp(tmp.resolve("in"), "--allow-aet", "FRIEND");
        assertEquals(0, run("dicom", "echo", "--aet", "FRIEND", "CLISCP@127.0.0.1:" + port).exit());
        Result r = run("dicom", "echo", "--aet", "STRANGER", "CLISCP@127.0.0.1:" + port);
        assertEquals(1, r.exit());
        assertTrue(r.err().lines().filter(l -> l.startsWith("echo:")).toList()
                .equals(java.util.List.of("echo: error: association rejected: rejected-permanent, calling-AE-title-not-recognized")),
                r.err());
        Result bad = run("dicom", "echo", "nonsense");
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("expected AET@host:port"), bad.err());
    }
}
