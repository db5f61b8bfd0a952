package io.distillery.dicom.codec;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decode throughput per transfer syntax over the corpus files of the RLE and JPEG codecs (run via
 * bench/codec-bench.sh). Reports output megabytes (native pixels) and frames per second after a warm-up; a simple
 * harness, not JMH: the toolkit benchmark integrates it. Rates are given per wall-clock second and per second of
 * this thread's CPU time; the latter stays meaningful when other processes share the cores.
 */
public final class CodecBench {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CodecBench() {
    }

    public static void main(String[] args) throws Exception {
        double secondsPerFile = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        List<String> files = new ArrayList<>(Corpus.filesWithTransferSyntax(Corpus::isJpeg));
        files.addAll(Corpus.filesWithTransferSyntax(Corpus.RLE::equals));
        Map<String, double[]> totals = new TreeMap<>(); // ts -> {bytes, frames, wall nanos, cpu nanos}
        System.out.printf("%-84s %-24s %6s %9s %9s %9s %9s%n", "file", "transfer syntax", "frames", "MB/s",
                "frames/s", "MB/cpu-s", "fr/cpu-s");
        for (String relative : files) {
            ImageFile file = ImageFile.read(Corpus.file(relative));
            if (file.fragments == null) {
                continue;
            }
            List<byte[]> frames = file.compressedFrames();
            FrameDecoder decoder = Codecs.requireDecoder(file.transferSyntax);
            ImageDescriptor image = file.descriptor();
            long budget = (long) (secondsPerFile * 1e9);
            runFor(decoder, frames, image, budget / 3); // warm-up
            long[] result = runFor(decoder, frames, image, budget);
            double seconds = result[2] / 1e9;
            double cpuSeconds = result[3] / 1e9;
            System.out.printf("%-84s %-24s %6d %9.1f %9.1f %9.1f %9.1f%n", relative, file.transferSyntax,
                    frames.size(), result[0] / 1e6 / seconds, result[1] / seconds, result[0] / 1e6 / cpuSeconds,
                    result[1] / cpuSeconds);
            double[] t = totals.computeIfAbsent(file.transferSyntax, k -> new double[4]);
            for (int i = 0; i < 4; i++) {
                t[i] += result[i];
            }
        }
        System.out.println();
        System.out.printf("%-24s %9s %9s %9s %9s%n", "transfer syntax", "MB/s", "frames/s", "MB/cpu-s", "fr/cpu-s");
        totals.forEach((ts, t) -> System.out.printf("%-24s %9.1f %9.1f %9.1f %9.1f%n", ts, t[0] / 1e6 / (t[2] / 1e9),
                t[1] / (t[2] / 1e9), t[0] / 1e6 / (t[3] / 1e9), t[1] / (t[3] / 1e9)));
    }

    /** Decodes all frames repeatedly for at least the given time; returns {bytes out, frames, nanos, cpu nanos}. */
    private static long[] runFor(FrameDecoder decoder, List<byte[]> frames, ImageDescriptor image, long nanos) {
        long bytes = 0;
        long count = 0;
        long start = System.nanoTime();
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        long elapsed;
        do {
            for (byte[] frame : frames) {
                bytes += decoder.decode(frame, image).data().length;
                count++;
            }
            elapsed = System.nanoTime() - start;
        } while (elapsed < nanos);
        return new long[] {bytes, count, elapsed, THREADS.getCurrentThreadCpuTime() - cpuStart};
    }
}
