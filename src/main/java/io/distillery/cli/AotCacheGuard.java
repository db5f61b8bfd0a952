package io.distillery.cli;

import io.distillery.share.Hashes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Stops a run that was given a JDK AOT cache ({@code -XX:AOTCache}, JDK 24+) written for another build of the
 * application. JDK 25.0.3 does not reject a cache when a jar on the class path has changed (JDK-8377932, fixed in
 * 25.0.4; reproduced here: a rebuilt jar ran its old, cached class), so a gateway upgraded in place but started with
 * the old cache could run a mix of old and new code. A training run ({@code -XX:AOTCacheOutput=F}) therefore writes
 * {@code F.stamp}, a digest of the JVM's version and of every file of the application (relative path, size,
 * modification time in whole seconds, as container layers keep it), and a run with {@code -XX:AOTCache=F} goes on only
 * if the digest of what it runs is the same. A cache that does not exist is no risk (the JVM runs without it).
 */
final class AotCacheGuard {
    static final String STAMP_SUFFIX = ".stamp";
    private static final String TRAIN = "-XX:AOTCacheOutput=";
    private static final String USE = "-XX:AOTCache=";

    private AotCacheGuard() {
    }

    /**
     * Checks (or, in a training run, writes) the stamp of the AOT cache named in the JVM's arguments. Returns null to
     * go on, else the reason to stop, one line.
     */
    static String check(List<String> jvmArgs, String classPath, String vmVersion) {
        String trained = lastValue(jvmArgs, TRAIN);
        String used = lastValue(jvmArgs, USE);
        try {
            if (trained != null) {
                Files.writeString(stampOf(Path.of(trained)), digest(classPath, vmVersion) + "\n", StandardCharsets.UTF_8);
            }
            if (used == null || trained != null || !Files.isRegularFile(Path.of(used))) {
                return null;
            }
            Path stamp = stampOf(Path.of(used));
            if (!Files.isRegularFile(stamp)) {
                return "the AOT cache " + used + " has no " + stamp.getFileName() + " beside it, so nothing tells which"
                        + " build it was trained on; train it with src/main/docker/aot-train.sh (or -XX:AOTCacheOutput)"
                        + " or start without -XX:AOTCache";
            }
            String expected = Files.readString(stamp, StandardCharsets.UTF_8).strip();
            if (!expected.equals(digest(classPath, vmVersion))) {
                return "the AOT cache " + used + " was trained on another build of the application or another JDK"
                        + " (its stamp differs), and this JDK could run the cached old classes; train it again with"
                        + " src/main/docker/aot-train.sh or start without -XX:AOTCache";
            }
            return null;
        } catch (IOException | UncheckedIOException e) {
            return "cannot check the AOT cache " + (used != null ? used : trained) + ": " + e.getMessage();
        }
    }

    static Path stampOf(Path cache) {
        return cache.resolveSibling(cache.getFileName() + STAMP_SUFFIX);
    }

    /**
     * The digest of what this JVM runs: its version, then every file of the application with its path relative to
     * the root it was found under, its size and its modification time in seconds. The root is the folder of
     * quarkus-run.jar when that is the class path (the fast-jar loads lib/ and app/ itself), else each class-path
     * entry. AOT caches, their stamps and configurations are left out, so a cache kept inside the folder does not
     * change the digest it is checked against.
     */
    static String digest(String classPath, String vmVersion) throws IOException {
        List<Path> roots = new ArrayList<>();
        String[] entries = classPath.split(java.io.File.pathSeparator);
        if (entries.length == 1 && Path.of(entries[0]).getFileName().toString().equals("quarkus-run.jar")) {
            roots.add(Path.of(entries[0]).toAbsolutePath().getParent());
        } else {
            for (String e : entries) {
                if (!e.isEmpty()) {
                    roots.add(Path.of(e).toAbsolutePath());
                }
            }
        }
        StringBuilder listing = new StringBuilder("vm ").append(vmVersion).append('\n');
        for (Path root : roots) {
            TreeMap<String, String> files = new TreeMap<>();
            if (Files.isDirectory(root)) {
                try (Stream<Path> walk = Files.walk(root)) {
                    for (Path p : (Iterable<Path>) walk::iterator) {
                        if (Files.isRegularFile(p) && !isCacheFile(p.getFileName().toString())) {
                            files.put(root.relativize(p).toString(), attributes(p));
                        }
                    }
                }
            } else if (Files.isRegularFile(root)) {
                files.put(root.getFileName().toString(), attributes(root));
            }
            listing.append("root ").append(root.getFileName()).append('\n');
            files.forEach((name, attrs) -> listing.append(name).append('\t').append(attrs).append('\n'));
        }
        return "sha256:" + Hashes.sha256(listing.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String attributes(Path p) throws IOException {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        return a.size() + "\t" + a.lastModifiedTime().toMillis() / 1000;
    }

    private static boolean isCacheFile(String name) {
        return name.endsWith(".aot") || name.endsWith(STAMP_SUFFIX) || name.endsWith(".aot.config")
                || name.endsWith(".aotconf");
    }

    private static String lastValue(List<String> args, String prefix) {
        String value = null;
        for (String a : args) {
            if (a.startsWith(prefix)) {
                value = a.substring(prefix.length());
            }
        }
        return value;
    }
}
