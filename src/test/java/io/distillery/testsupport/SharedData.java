package io.distillery.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Locates the read-only shared data folder ({@code shared/} beside the repository clone, or
 * {@code DISTILLERY_SHARED}). Tests read the corpus in place; nothing is copied into the repository.
 */
public final class SharedData {
    private static final Path ROOT = locate();

    private SharedData() {
    }

    private static Path locate() {
        String env = System.getenv("DISTILLERY_SHARED");
        if (env != null && Files.isDirectory(Paths.get(env, "data"))) {
            return Paths.get(env).toAbsolutePath().normalize();
        }
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolveSibling("shared");
            if (Files.isDirectory(candidate.resolve("data"))) {
                return candidate.normalize();
            }
            if (Files.isDirectory(p.resolve("shared").resolve("data"))) {
                return p.resolve("shared").normalize();
            }
        }
        throw new IllegalStateException("shared data folder not found: set DISTILLERY_SHARED or clone beside shared/");
    }

    /** The shared folder itself. */
    public static Path root() {
        return ROOT;
    }

    /** {@code shared/data/dicom}: the conformance corpus with index.csv. */
    public static Path dicomCorpus() {
        return ROOT.resolve("data").resolve("dicom");
    }

    /** {@code shared/data/<relative>}. */
    public static Path data(String relative) {
        return ROOT.resolve("data").resolve(relative);
    }

    /** {@code shared/dicom-standard/<name>}. */
    public static Path standard(String name) {
        return ROOT.resolve("dicom-standard").resolve(name);
    }
}
