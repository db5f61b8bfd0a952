package io.distillery.dicom.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolFilesTest {
    @TempDir
    Path dir;

    private Set<String> names() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private void awaitFileCount(int n) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (names().size() != n && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(n, names().size(), names().toString());
    }

    @Test
    void filesAreCreatedAheadHandedOutAndTheWaitingOnesRemovedOnClose() throws Exception {
        SpoolFiles spool = new SpoolFiles(dir, 4);
        SpoolFiles.Opened first = spool.take();
        first.channel().write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        first.channel().close();
        // The first take starts the creator, which fills up to four waiting files beside the one handed out.
        awaitFileCount(5);
        Set<String> waiting = new TreeSet<>(names());
        waiting.remove(first.path().getFileName().toString());
        for (String name : waiting) {
            assertTrue(name.startsWith(".rx-" + ProcessHandle.current().pid() + ".") && name.endsWith(".part"), name);
            assertEquals(0, Files.size(dir.resolve(name)));
        }
        // Taken files come from those waiting; above the low-water mark (2 of 4) nothing is refilled.
        SpoolFiles.Opened second = spool.take();
        assertTrue(waiting.contains(second.path().getFileName().toString()), second.path().toString());
        second.channel().close();
        Thread.sleep(200);
        assertEquals(5, names().size(), names().toString());
        // The next take leaves two waiting: the creator refills to four.
        spool.take().channel().close();
        awaitFileCount(7);
        spool.close();
        // Closing removes exactly the waiting files; the three taken ones belong to their takers.
        assertEquals(3, names().size(), names().toString());
        assertTrue(names().contains(first.path().getFileName().toString()));
        assertEquals(3, Files.size(first.path()));
        // After close, takes still work, created on the caller's thread.
        spool.take().channel().close();
        Thread.sleep(100);
        assertEquals(4, names().size(), names().toString());
    }

    @Test
    void withNothingAheadEachFileIsCreatedByItsTaker() throws Exception {
        try (SpoolFiles spool = new SpoolFiles(dir, 0)) {
            spool.take().channel().close();
            Thread.sleep(200);
            assertEquals(1, names().size(), names().toString());
        }
    }

    @Test
    void aMissingDirectoryFailsTheTakeAndCreationResumesWhenItReturns() throws Exception {
        Path gone = dir.resolve("gone");
        try (SpoolFiles spool = new SpoolFiles(gone, 2)) {
            assertThrows(NoSuchFileException.class, spool::take);
            Files.createDirectories(gone);
            SpoolFiles.Opened o = spool.take();
            o.channel().close();
            assertTrue(Files.exists(o.path()));
        }
    }

    @Test
    void sweepRemovesOnlyTheFilesOfProcessesThatNoLongerRun() throws Exception {
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        Process running = new ProcessBuilder("sleep", "30").start();
        try (SpoolFiles live = new SpoolFiles(dir, 0)) {
            long me = ProcessHandle.current().pid();
            String mine = live.take().path().getFileName().toString();
            List<String> orphans = List.of(
                    ".rx-" + ended.pid() + ".abc-1.part",      // a killed receiver's file
                    ".rx-" + ended.pid() + "-7.part",          // the same, named by a release before the token
                    ".rx-" + me + ".zzzzzz-3.part",            // this pid in an earlier run (a container's pid 1)
                    ".rx-" + me + "-9.part");                  // the same before the token
            List<String> kept = List.of(
                    mine,                                       // this process's own
                    ".rx-" + running.pid() + ".abc-1.part",    // another receiver that still runs
                    ".rx-notapid-1.part",                      // not ours to judge
                    "1.2.3.dcm");                              // a received instance beside the spool files
            for (String name : orphans) {
                Files.createFile(dir.resolve(name));
            }
            for (String name : kept.subList(1, kept.size())) {
                Files.createFile(dir.resolve(name));
            }
            assertEquals(orphans.size(), SpoolFiles.sweepOrphans(dir));
            assertEquals(new TreeSet<>(kept), names());
        } finally {
            running.destroy();
        }
    }

    @Test
    void orphanJudgementNeedsANameThisClassWrote() {
        assertFalse(SpoolFiles.isOrphan(".rx-12ab-1.part"));
        assertFalse(SpoolFiles.isOrphan(".rx-nodash.part"));
    }
}
