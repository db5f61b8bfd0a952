package io.distillery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stamp that ties a JDK AOT cache to the build it was trained on (JDK-8377932: 25.0.3 does not check). */
class AotCacheGuardTest {
    private static final String VM = "25.0.3+9-LTS";

    @TempDir
    Path dir;
    Path app;
    Path runJar;
    Path libJar;
    Path cache;

    @BeforeEach
    void fastJarFolder() throws Exception {
        app = Files.createDirectories(dir.resolve("quarkus-app"));
        runJar = Files.writeString(app.resolve("quarkus-run.jar"), "run");
        libJar = Files.writeString(Files.createDirectories(app.resolve("lib/main")).resolve("camel-core.jar"), "lib v1");
        Files.writeString(Files.createDirectories(app.resolve("app")).resolve("distillery.jar"), "app v1");
        cache = app.resolve("app.aot");
    }

    private String train() {
        return AotCacheGuard.check(List.of("-Xmx1g", "-XX:AOTCacheOutput=" + cache), runJar.toString(), VM);
    }

    private String run(String vm) {
        return AotCacheGuard.check(List.of("-XX:AOTCache=" + cache, "-Xmx1g"), runJar.toString(), vm);
    }

    @Test
    void trainingWritesTheStampAndTheSameBuildRunsWithTheCache() throws Exception {
        assertNull(train());
        Path stamp = app.resolve("app.aot.stamp");
        assertTrue(Files.readString(stamp).startsWith("sha256:"));
        // The JVM writes the cache into the folder after the stamp: that must not change the folder's digest.
        Files.writeString(cache, "cache bytes");
        assertNull(run(VM));
    }

    @Test
    void aChangedJarStopsTheRun() throws Exception {
        assertNull(train());
        Files.writeString(cache, "cache");
        Files.writeString(libJar, "lib v2, rebuilt");
        String refusal = run(VM);
        assertNotNull(refusal);
        assertTrue(refusal.contains(cache.toString()) && refusal.contains("another build"), refusal);
    }

    @Test
    void aJarOfTheSameSizeWithAnotherTimeStopsTheRun() throws Exception {
        assertNull(train());
        Files.writeString(cache, "cache");
        Files.setLastModifiedTime(libJar, FileTime.fromMillis(Files.getLastModifiedTime(libJar).toMillis() + 5_000));
        assertNotNull(run(VM));
    }

    @Test
    void aJarAddedToTheApplicationStopsTheRun() throws Exception {
        assertNull(train());
        Files.writeString(cache, "cache");
        Files.writeString(app.resolve("lib/main/extra.jar"), "new dependency");
        assertNotNull(run(VM));
    }

    @Test
    void anotherJdkStopsTheRun() throws Exception {
        assertNull(train());
        Files.writeString(cache, "cache");
        assertNotNull(run("25.0.4+7-LTS"));
    }

    @Test
    void subSecondTimesDoNotMatterAsContainerLayersMayDropThem() throws Exception {
        Files.setLastModifiedTime(libJar, FileTime.fromMillis(1_700_000_000_250L));
        assertNull(train());
        Files.writeString(cache, "cache");
        Files.setLastModifiedTime(libJar, FileTime.fromMillis(1_700_000_000_000L));
        assertNull(run(VM));
    }

    @Test
    void aCacheWithoutStampIsRefusedAndAMissingCacheIsNoRisk() throws Exception {
        Files.writeString(cache, "cache made some other way");
        String refusal = run(VM);
        assertNotNull(refusal);
        assertTrue(refusal.contains("app.aot.stamp"), refusal);
        Files.delete(cache);
        assertNull(run(VM), "without the cache file the JVM runs without a cache");
    }

    @Test
    void withoutAotOptionsNothingIsCheckedOrWritten() throws Exception {
        assertNull(AotCacheGuard.check(List.of("-Xmx1g"), runJar.toString(), VM));
        try (var files = Files.list(app)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".stamp")));
        }
    }

    @Test
    void aPlainClassPathIsDigestedEntryByEntry() throws Exception {
        Path a = Files.writeString(dir.resolve("a.jar"), "a");
        Path classes = Files.createDirectories(dir.resolve("classes/x"));
        Files.writeString(classes.resolve("Y.class"), "y1");
        String cp = a + java.io.File.pathSeparator + dir.resolve("classes");
        String before = AotCacheGuard.digest(cp, VM);
        assertEquals(before, AotCacheGuard.digest(cp, VM));
        Files.writeString(classes.resolve("Y.class"), "y2 longer");
        assertFalse(before.equals(AotCacheGuard.digest(cp, VM)));
    }
}
