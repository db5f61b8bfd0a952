package io.distillery.dicom;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Deterministic mutation fuzzer over the corpus, run by {@link MutationFuzzTest} in a child JVM with a small heap.
 * Case {@code i} is fully determined by (seed, i): it picks one of the given corpus files (the test passes those up
 * to 40 KiB, so cases stay fast and mutations land in headers as often as in pixels), applies 1 (three cases in five) to 4 mutations (bit flips, truncation,
 * corrupted length fields, corrupted VR codes, overwritten/inserted/removed bytes), then reads the result from a
 * stream and, every fourth case, from a file (the lazy BulkData path), and writes what parsed back out.
 *
 * <p>Only DicomException may escape. Anything else, a case taking longer than 2 s, or an OutOfMemoryError is
 * printed as {@code FAIL case=<i> ...} and makes the exit status non-zero.
 */
public final class MutationFuzzer {
    static final long CASE_LIMIT_MS = 2000;
    private static final int[] INTERESTING = {0, 1, 2, 3, 7, 8, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF,
            0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFF0};
    private static final String[] VRS = {"AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD", "IS", "LO", "LT", "OB",
            "OD", "OF", "OL", "OV", "OW", "PN", "SH", "SL", "SQ", "SS", "ST", "SV", "TM", "UC", "UI", "UL", "UN", "UR",
            "US", "UT", "UV", "XX", "  ", "\0\0"};

    private MutationFuzzer() {
    }

    /** args: seed, cases, corpus files... */
    public static void main(String[] args) throws Exception {
        long seed = Long.parseLong(args[0]);
        int cases = Integer.parseInt(args[1]);
        List<byte[]> inputs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            inputs.add(Files.readAllBytes(Path.of(args[i])));
            names.add(args[i]);
        }
        Path scratch = Files.createTempFile("fuzz", ".dcm");
        for (byte[] input : inputs) {
            runCase(input, null); // warm up class loading, the dictionary and the JIT before cases are timed
            runCase(input, scratch);
        }
        AtomicInteger current = new AtomicInteger(-1);
        AtomicLong started = new AtomicLong(System.nanoTime());
        PrintStream out = System.out;
        Thread watchdog = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
                long ms = (System.nanoTime() - started.get()) / 1_000_000;
                if (current.get() >= 0 && ms > 10 * CASE_LIMIT_MS) {
                    out.println("FAIL case=" + current.get() + " hangs (" + ms + " ms), giving up");
                    out.flush();
                    Runtime.getRuntime().halt(3);
                }
            }
        });
        watchdog.setDaemon(true);
        watchdog.start();
        int failures = 0;
        int parsed = 0;
        int rejected = 0;
        for (int c = 0; c < cases; c++) {
            Random rnd = new Random(seed * 1_000_003L + c);
            int which = rnd.nextInt(inputs.size());
            StringBuilder how = new StringBuilder();
            byte[] data = mutate(inputs.get(which), rnd, how);
            current.set(c);
            started.set(System.nanoTime());
            try {
                if (runCase(data, c % 4 == 0 ? scratch : null)) {
                    parsed++;
                } else {
                    rejected++;
                }
            } catch (Throwable t) {
                failures++;
                out.println("FAIL case=" + c + " file=" + names.get(which) + " mutations=" + how + " -> " + t);
                if (failures <= 5) {
                    t.printStackTrace(out);
                }
            }
            long ms = (System.nanoTime() - started.get()) / 1_000_000;
            current.set(-1);
            if (ms > CASE_LIMIT_MS) {
                failures++;
                out.println("FAIL case=" + c + " file=" + names.get(which) + " mutations=" + how + " took " + ms
                        + " ms");
            }
        }
        Files.deleteIfExists(scratch);
        out.println("cases=" + cases + " parsed=" + parsed + " rejected=" + rejected + " failures=" + failures);
        System.exit(failures == 0 ? 0 : 1);
    }

    /** True when the input parsed, false when it was rejected with a DicomException. */
    static boolean runCase(byte[] data, Path file) throws IOException {
        try {
            DicomFile f;
            if (file != null) {
                Files.write(file, data);
                f = DicomFile.read(file);
            } else {
                f = DicomFile.read(new ByteArrayInputStream(data));
            }
            f.write(OutputStream.nullOutputStream(), f.transferSyntax().encapsulated()
                    ? f.transferSyntax() : TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
            f.dataset().toString();
            return true;
        } catch (DicomException e) {
            if (e.getMessage() == null || e.getMessage().contains("\n")) {
                throw new AssertionError("DicomException without a one-line message: " + e.getMessage());
            }
            return false;
        }
    }

    static byte[] mutate(byte[] in, Random rnd, StringBuilder how) {
        byte[] b = in.clone();
        int n = rnd.nextInt(5) < 3 ? 1 : 2 + rnd.nextInt(3); // mostly one mutation, so more cases parse deeply
        for (int k = 0; k < n && b.length > 0; k++) {
            int kind = rnd.nextInt(8);
            int at = rnd.nextInt(b.length);
            switch (kind) {
                case 0 -> {
                    b[at] ^= (byte) (1 << rnd.nextInt(8));
                    how.append("flip@").append(at).append(' ');
                }
                case 1 -> {
                    how.append("truncate@").append(at).append(' ');
                    b = Arrays.copyOf(b, at);
                }
                case 2, 3 -> {
                    int p = headerLengthOffset(b, rnd);
                    if (p < 0) {
                        p = at;
                    }
                    int v = rnd.nextBoolean() ? INTERESTING[rnd.nextInt(INTERESTING.length)] : rnd.nextInt();
                    int width = kind == 2 ? 2 : 4;
                    for (int j = 0; j < width && p + j < b.length; j++) {
                        b[p + j] = (byte) (v >>> (8 * j));
                    }
                    how.append("len").append(width).append('@').append(p).append('=').append(Integer.toHexString(v))
                            .append(' ');
                }
                case 4 -> {
                    int p = vrOffset(b, rnd);
                    if (p < 0) {
                        p = Math.max(0, at - 1);
                    }
                    String vr = VRS[rnd.nextInt(VRS.length)];
                    for (int j = 0; j < 2 && p + j < b.length; j++) {
                        b[p + j] = (byte) vr.charAt(j);
                    }
                    how.append("vr@").append(p).append('=').append(vr.trim()).append(' ');
                }
                case 5 -> {
                    int len = 1 + rnd.nextInt(16);
                    for (int j = 0; j < len && at + j < b.length; j++) {
                        b[at + j] = (byte) rnd.nextInt(256);
                    }
                    how.append("random@").append(at).append(' ');
                }
                case 6 -> {
                    int len = 1 + rnd.nextInt(8);
                    byte[] c = new byte[b.length + len];
                    System.arraycopy(b, 0, c, 0, at);
                    for (int j = 0; j < len; j++) {
                        c[at + j] = (byte) INTERESTING[rnd.nextInt(INTERESTING.length)];
                    }
                    System.arraycopy(b, at, c, at + len, b.length - at);
                    b = c;
                    how.append("insert@").append(at).append(' ');
                }
                default -> {
                    int len = Math.min(1 + rnd.nextInt(8), b.length - at);
                    byte[] c = new byte[b.length - len];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + len, c, at, b.length - at - len);
                    b = c;
                    how.append("delete@").append(at).append(' ');
                }
            }
        }
        return b;
    }

    /** Offset of an explicit-VR length field (found by its VR code), or -1. */
    private static int headerLengthOffset(byte[] b, Random rnd) {
        int p = vrOffset(b, rnd);
        if (p < 0) {
            return -1;
        }
        VR vr = VR.ofCode(((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF));
        return vr != null && vr.hasLongHeader() ? p + 4 : p + 2;
    }

    /** Offset of a VR code in an element header, searched from a random start, or -1. */
    private static int vrOffset(byte[] b, Random rnd) {
        if (b.length < 8) {
            return -1;
        }
        int start = rnd.nextInt(b.length);
        for (int k = 0; k < b.length; k++) {
            int i = (start + k) % (b.length - 2);
            if (i >= 4 && VR.ofCode(((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF)) != null) {
                return i;
            }
        }
        return -1;
    }
}
