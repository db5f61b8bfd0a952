package io.distillery.dicom;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs dcmtk tools (Debian package dcmtk) as processes: the independent implementation our output must satisfy. */
final class Dcmtk {
    private Dcmtk() {
    }

    /** Result of a dcmtk run: exit status, stdout+stderr, and the "W:"/"E:" diagnostic lines among them. */
    record Run(int exitCode, String output, List<String> diagnostics) {
    }

    static Run run(String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("TCP_NODELAY", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " timed out");
        }
        List<String> diag = new ArrayList<>();
        for (String line : out.split("\n")) {
            // dcmtk's logger prefixes warnings and errors with "W: " and "E: " (also F: fatal)
            if (line.startsWith("W: ") || line.startsWith("E: ") || line.startsWith("F: ")) {
                diag.add(line);
            }
        }
        return new Run(p.exitValue(), out, diag);
    }

    static Run dcmdump(Path file) throws IOException, InterruptedException {
        return run("dcmdump", file.toString());
    }
}
