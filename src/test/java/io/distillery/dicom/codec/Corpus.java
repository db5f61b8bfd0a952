package io.distillery.dicom.codec;

import io.distillery.testsupport.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

/** The shared conformance corpus, by transfer syntax, and pixel comparisons. */
final class Corpus {
    static final String RLE = "1.2.840.10008.1.2.5";

    private Corpus() {
    }

    static Path file(String relative) {
        return SharedData.dicomCorpus().resolve(relative);
    }

    /** Corpus files (relative paths) whose index.csv transfer syntax matches. */
    static List<String> filesWithTransferSyntax(Predicate<String> transferSyntax) {
        try {
            List<String> lines = Files.readAllLines(SharedData.dicomCorpus().resolve("index.csv"));
            return lines.subList(1, lines.size()).stream()
                    .map(line -> line.split(",", 4))
                    .filter(f -> transferSyntax.test(f[2]))
                    .map(f -> f[0])
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean isJpeg(String ts) {
        return ts.matches("1\\.2\\.840\\.10008\\.1\\.2\\.4\\.(50|51|53|55|57|70)");
    }

    /** Largest absolute difference between two native frames, sample by sample. */
    static long maxAbsDiff(byte[] actual, byte[] expected, int bitsAllocated) {
        if (actual.length != expected.length) {
            throw new AssertionError("decoded " + actual.length + " bytes, expected " + expected.length);
        }
        int bytes = bitsAllocated / 8;
        long max = 0;
        for (int i = 0; i < actual.length; i += bytes) {
            long a = 0;
            long b = 0;
            for (int k = bytes - 1; k >= 0; k--) {
                a = a << 8 | (actual[i + k] & 0xFF);
                b = b << 8 | (expected[i + k] & 0xFF);
            }
            max = Math.max(max, Math.abs(a - b));
        }
        return max;
    }

    /** Decodes every frame of an encapsulated corpus file with the registered decoder, concatenated. */
    static byte[][] decodeAll(ImageFile file) {
        FrameDecoder decoder = Codecs.requireDecoder(file.transferSyntax);
        List<byte[]> frames = file.compressedFrames();
        byte[][] out = new byte[frames.size()][];
        for (int i = 0; i < frames.size(); i++) {
            out[i] = decoder.decode(frames.get(i), file.descriptor()).data();
        }
        return out;
    }
}
