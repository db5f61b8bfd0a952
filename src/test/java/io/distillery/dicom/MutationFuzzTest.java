package io.distillery.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.testsupport.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link MutationFuzzer} in a child JVM with {@code -Xmx256m}, so an allocation driven by a corrupt length
 * shows up as an OutOfMemoryError there (reported as a failure) instead of vanishing in the test JVM's large heap.
 */
class MutationFuzzTest {
    static final long SEED = 20261127L;
    static final int CASES = 24_000;
    static final long MAX_INPUT = 40 * 1024;

    @Test
    void onlyDicomExceptionEscapesUnderASmallHeap() throws Exception {
        List<String> files = new ArrayList<>();
        // the corpus's DICOM files up to 40 KiB (about 180 of them, every transfer syntax), sorted, so the case
        // list is the same on every machine
        for (CorpusIndex row : CorpusIndex.all()) {
            if (row.dicom() && Files.size(row.file()) <= MAX_INPUT) {
                files.add(row.file().toString());
            }
        }
        files.sort(Comparator.naturalOrder());
        List<String> cmd = new ArrayList<>(ChildJvm.command(List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError"),
                MutationFuzzer.class, Long.toString(SEED), Integer.toString(CASES)));
        cmd.addAll(files);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "fuzzer did not finish");
        System.out.println(out.lines().reduce((a, b) -> b).orElse(""));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("cases=" + CASES + " "), out);
    }
}
