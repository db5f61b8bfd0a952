package io.distillery.dicom.codec;

import java.nio.file.Path;
import java.util.List;

/**
 * Decode throughput of the JPEG-LS and JPEG 2000 decoders on the corpus (single thread). Run with
 * bench/codec-throughput.sh. Reports decoded (native) MB/s and frames/s per file after warm-up.
 */
public final class CodecThroughput {
    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        run(new JpegLsDecoder(), ReferenceTools.corpusFiles("1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81"),
                seconds);
        run(new Jpeg2000Decoder(), ReferenceTools.corpusFiles("1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91"),
                seconds);
    }

    private static void run(FrameDecoder decoder, List<String> files, double seconds) {
        String name = decoder.getClass().getSimpleName();
        long totalBytes = 0;
        long totalFrames = 0;
        long totalNanos = 0;
        for (String file : files) {
            ImageFile dicom;
            List<byte[]> frames;
            try {
                dicom = ImageFile.read(ReferenceTools.corpus(file));
                frames = dicom.compressedFrames();
                for (byte[] frame : frames) {
                    decoder.decode(frame, dicom.descriptor());
                }
            } catch (Exception e) {
                System.out.printf("%-16s %-75s skipped: %s%n", name, file, e);
                continue;
            }
            ImageDescriptor image = dicom.descriptor();
            long warmEnd = System.nanoTime() + (long) (seconds * 0.3e9);
            while (System.nanoTime() < warmEnd) {
                decoder.decode(frames.get(0), image);
            }
            long decoded = 0;
            long count = 0;
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            do {
                for (byte[] frame : frames) {
                    decoded += decoder.decode(frame, image).data().length;
                    count++;
                }
            } while (System.nanoTime() < end);
            long nanos = System.nanoTime() - start;
            totalBytes += decoded;
            totalFrames += count;
            totalNanos += nanos;
            System.out.printf("%-16s %-75s %4dx%-4d x%d %2d-bit  %8.1f MB/s %8.1f frames/s%n", name, file,
                    image.columns(), image.rows(), image.samplesPerPixel(), image.bitsAllocated(),
                    decoded / 1e6 / (nanos / 1e9), count / (nanos / 1e9));
        }
        System.out.printf("%-16s ALL: %.1f MB/s, %.1f frames/s (%d frames)%n%n", name,
                totalBytes / 1e6 / (totalNanos / 1e9), totalFrames / (totalNanos / 1e9), totalFrames);
    }
}
