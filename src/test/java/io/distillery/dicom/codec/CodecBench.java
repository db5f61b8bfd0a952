package io.distillery.dicom.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decode throughput per transfer syntax over the corpus files of the RLE and JPEG codecs (run via
 * bench/codec-bench.sh). Reports output megabytes (native pixels) and frames per second after a warm-up; a simple
 * harness, not JMH: the toolkit benchmark integrates it.
 */
public final class CodecBench {
    private CodecBench() {
    }

    public static void main(String[] args) throws Exception {
        double secondsPerFile = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        List<String> files = new ArrayList<>(Corpus.filesWithTransferSyntax(Corpus::isJpeg));
        files.addAll(Corpus.filesWithTransferSyntax(Corpus.RLE::equals));
        Map<String, double[]> totals = new TreeMap<>(); // ts -> {bytes, frames, nanos}
        System.out.printf("%-90s %-24s %8s %10s %10s%n", "file", "transfer syntax", "frames", "MB/s", "frames/s");
        for (String relative : files) {
            TestDicomFile file = TestDicomFile.read(Corpus.file(relative));
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
            System.out.printf("%-90s %-24s %8d %10.1f %10.1f%n", relative, file.transferSyntax, frames.size(),
                    result[0] / 1e6 / seconds, result[1] / seconds);
            double[] t = totals.computeIfAbsent(file.transferSyntax, k -> new double[3]);
            t[0] += result[0];
            t[1] += result[1];
            t[2] += result[2];
        }
        System.out.println();
        System.out.printf("%-24s %10s %10s%n", "transfer syntax", "MB/s", "frames/s");
        totals.forEach((ts, t) -> System.out.printf("%-24s %10.1f %10.1f%n", ts, t[0] / 1e6 / (t[2] / 1e9),
                t[1] / (t[2] / 1e9)));
    }

    /** Decodes all frames repeatedly for at least the given time; returns {bytes out, frames, nanos}. */
    private static long[] runFor(FrameDecoder decoder, List<byte[]> frames, ImageDescriptor image, long nanos) {
        long bytes = 0;
        long count = 0;
        long start = System.nanoTime();
        long elapsed;
        do {
            for (byte[] frame : frames) {
                bytes += decoder.decode(frame, image).data().length;
                count++;
            }
            elapsed = System.nanoTime() - start;
        } while (elapsed < nanos);
        return new long[] {bytes, count, elapsed};
    }
}
