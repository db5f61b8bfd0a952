package io.distillery.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a running Storage SCP left in a spool directory beyond the empty files it keeps created ahead: a finished
 * instance's file always holds data (it is written out before the handler runs), so a non-empty or foreign file is
 * one that should not be there. After the server has closed, check for an empty directory instead: that also catches
 * an empty partial file.
 */
public final class SpoolLeftovers {
    private SpoolLeftovers() {
    }

    /** The leftovers directly in {@code dir}; files that vanish while it looks are not leftovers. */
    public static List<Path> in(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> left = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(p, BasicFileAttributes.class);
                } catch (NoSuchFileException e) {
                    continue;
                }
                String name = p.getFileName().toString();
                boolean ready = name.startsWith(".rx-") && name.endsWith(".part") && a.size() == 0;
                if (a.isRegularFile() && !ready) {
                    left.add(p);
                }
            }
        }
        return left;
    }
}
