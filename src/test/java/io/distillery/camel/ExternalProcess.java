package io.distillery.camel;

import io.distillery.testsupport.FreePorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real DICOM peers of the tests (dcmtk tools), always with TCP_NODELAY=1 and on loopback. */
final class ExternalProcess {
    record Result(int exitCode, String output) {
    }

    private ExternalProcess() {
    }

    /** Runs a command to completion (at most 60 s), stdout and stderr merged. */
    static Result run(String... command) throws IOException, InterruptedException {
        return run(List.of(command));
    }

    static Result run(List<String> command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("proc", ".log");
        try {
            Process p = start(command, log);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Starts a long-running process (a server), output to {@code log}. */
    static Process start(List<String> command, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("TCP_NODELAY", "1");
        return pb.start();
    }

    /** {@code storescu -aet CALLING -aec CALLED 127.0.0.1 port files...}. */
    static Result storescu(String calling, String called, int port, Path... files) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("storescu", "-v", "-aet", calling, "-aec", called, "127.0.0.1",
                String.valueOf(port)));
        Arrays.stream(files).map(Path::toString).forEach(cmd::add);
        return run(cmd);
    }
}
