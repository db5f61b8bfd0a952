package io.distillery.dicom.net;

import io.distillery.testsupport.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts the real peers (dcmtk, Orthanc, socat) for interop tests: TCP_NODELAY=1 in their environment (Debian's
 * builds leave Nagle on otherwise), output captured to a file, and every process killed by {@link #close()}.
 */
final class Peers implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();
    private final Path logDir;

    Peers(Path logDir) {
        this.logDir = logDir;
    }

    /** A result of a finished command: exit status and combined output. */
    record Run(int exit, String output) {
    }

    /** Runs a command to completion (bounded by {@code timeoutSeconds}). */
    Run run(int timeoutSeconds, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(logDir, "run-", ".log");
        ProcessBuilder pb = builder(command);
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        processes.add(p);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command));
        }
        processes.remove(p);
        String output = Files.readString(out, java.nio.charset.StandardCharsets.ISO_8859_1);
        Files.delete(out);
        return new Run(p.exitValue(), output);
    }

    /** Starts a long-running peer; its output goes to {@code <logDir>/<name>.log}. */
    Process start(String name, String... command) throws IOException {
        ProcessBuilder pb = builder(command);
        pb.redirectOutput(logDir.resolve(name + ".log").toFile());
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    String log(String name) throws IOException {
        Path f = logDir.resolve(name + ".log");
        return Files.exists(f) ? Files.readString(f) : "";
    }

    private static ProcessBuilder builder(String... command) {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("TCP_NODELAY", "1");
        pb.redirectErrorStream(true);
        return pb;
    }

    static boolean installed(String tool) {
        for (String dir : System.getenv("PATH").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Waits until a DICOM peer answers C-ECHO on 127.0.0.1:port. An open TCP port is not enough: when the peer runs
     * in its own network namespace, the forwarder on our side accepts connections before the peer listens.
     */
    static void awaitEcho(String aet, int port, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (EchoScu.echo(ClientConfig.of("READY"), new RemoteAe(aet, "127.0.0.1", port)) == Status.SUCCESS) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no C-ECHO answer from " + aet + "@127.0.0.1:" + port + " after " + seconds + " s",
                last);
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
    }
}
