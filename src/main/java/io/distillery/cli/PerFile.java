package io.distillery.cli;

import io.distillery.dicom.DicomException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs a command over many input files with the CLI's error rules: every file is attempted, each failure is one
 * line {@code <file>: <problem>} on stderr (stack trace only when verbose), the exit status is 0 only when every
 * file succeeded. Outputs are written to a temporary file and renamed, so a failed file leaves no partial output.
 */
final class PerFile {
    /** The work for one input file. */
    @FunctionalInterface
    interface Action {
        void run(Path file) throws IOException;
    }

    private PerFile() {
    }

    static int run(List<Path> files, boolean verbose, PrintWriter err, Action action) {
        int failed = 0;
        for (Path file : files) {
            try {
                action.run(file);
            } catch (IOException | RuntimeException | OutOfMemoryError e) {
                failed++;
                err.println(file + ": " + describe(e));
                if (verbose) {
                    e.printStackTrace(err);
                }
            }
        }
        err.flush();
        return failed == 0 ? 0 : 1;
    }

    /** A one-line description: the toolkit's own messages as they are, anything else prefixed by its type. */
    static String describe(Throwable e) {
        if (e instanceof UncheckedIOException u && u.getCause() != null) {
            e = u.getCause();
        }
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        String msg = e.getMessage() == null ? "" : e.getMessage().replace('\n', ' ');
        if (e instanceof DicomException) {
            return msg;
        }
        if (e instanceof IOException) {
            return "I/O error: " + (msg.isEmpty() ? e.getClass().getSimpleName() : msg);
        }
        return e.getClass().getSimpleName() + (msg.isEmpty() ? "" : ": " + msg);
    }

    /** Writer of one output file into a directory, claiming each output name once per run. */
    static final class OutputDir {
        private final Path dir;
        private final Set<Path> claimed = new HashSet<>();

        OutputDir(Path dir) throws IOException {
            this.dir = dir;
            Files.createDirectories(dir);
        }

        /** Writes {@code DIR/<input file name><suffix>} atomically. */
        void write(Path input, String suffix, Body body) throws IOException {
            Path target = dir.resolve(input.getFileName().toString() + suffix);
            if (!claimed.add(target.toAbsolutePath().normalize())) {
                throw new IOException(target + " was already written for another input of this run (same file name)");
            }
            Path tmp = Files.createTempFile(dir, ".partial-", suffix);
            try {
                try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                    body.write(out);
                }
                try {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Produces the content of one output file. */
    @FunctionalInterface
    interface Body {
        void write(OutputStream out) throws IOException;
    }
}
