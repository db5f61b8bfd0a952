package io.distillery.bench;

import io.distillery.dicom.DicomFile;
import io.distillery.dicom.PixelData;
import io.distillery.dicom.TransferSyntax;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Parse and decode throughput of the toolkit on the shared corpus, per transfer-syntax family, single thread.
 * Parse: {@code DicomFile.read} (bulk values stay lazy, as in production), MB/s of file bytes and files/s.
 * Decode: {@code PixelData} of every frame to native samples, MB/s of native output and images (frames)/s.
 * Each family is repeated until {@code seconds} have passed, after one warm-up pass over the whole corpus.
 * Files marked malformed in index.csv, and files that fail (no decoder: HTJ2K), are left out and counted.
 */
public final class ToolkitBench {
    private ToolkitBench() {
    }

    record Sample(Path file, long size, String family, boolean pixels) {
    }

    public static void main(String[] args) throws Exception {
        Path corpus = Path.of(args[0]);
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 2.0;
        Map<String, List<Sample>> byFamily = new TreeMap<>();
        List<String> skipped = new ArrayList<>();
        List<String> lines = Files.readAllLines(corpus.resolve("index.csv"));
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",", 4);
            if (c[1].equals("malformed") || c[1].equals("doc")) {
                continue;
            }
            Path file = corpus.resolve(c[0]);
            boolean pixels;
            String family;
            try {
                DicomFile d = DicomFile.read(file);
                family = family(d.transferSyntax());
                pixels = decode(d) > 0;
            } catch (RuntimeException e) {
                skipped.add(c[0] + " (" + e.getMessage() + ")");
                continue;
            }
            byFamily.computeIfAbsent(family, k -> new ArrayList<>()).add(new Sample(file, Files.size(file), family, pixels));
        }
        System.out.printf(Locale.ROOT, "Java %s, %d available processors, single thread, %.1f s per family; "
                + "left out (they fail): %s%n%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), seconds, skipped.isEmpty() ? "none" : skipped);
        System.out.println("| family | files | parse MB/s | parse files/s | images | decode MB/s (native out) | images/s |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (Map.Entry<String, List<Sample>> e : byFamily.entrySet()) {
            List<Sample> samples = e.getValue();
            long bytes = 0;
            long files = 0;
            long start = System.nanoTime();
            long deadline = start + (long) (seconds * 1e9);
            do {
                for (Sample s : samples) {
                    DicomFile.read(s.file());
                    bytes += s.size();
                    files++;
                }
            } while (System.nanoTime() < deadline);
            double parseSec = (System.nanoTime() - start) / 1e9;

            List<DicomFile> parsed = new ArrayList<>();
            for (Sample s : samples) {
                if (s.pixels()) {
                    parsed.add(DicomFile.read(s.file()));
                }
            }
            long out = 0;
            long images = 0;
            double decodeSec = 0;
            if (!parsed.isEmpty()) {
                start = System.nanoTime();
                deadline = start + (long) (seconds * 1e9);
                do {
                    for (DicomFile d : parsed) {
                        PixelData p = PixelData.of(d.dataset(), d.transferSyntax());
                        for (int i = 0; i < p.frames(); i++) {
                            out += p.frame(i).data().length;
                            images++;
                        }
                    }
                } while (System.nanoTime() < deadline);
                decodeSec = (System.nanoTime() - start) / 1e9;
            }
            System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.0f | %d | %s | %s |%n", e.getKey(), samples.size(),
                    bytes / 1e6 / parseSec, files / parseSec, parsed.size(),
                    parsed.isEmpty() ? "-" : String.format(Locale.ROOT, "%.1f", out / 1e6 / decodeSec),
                    parsed.isEmpty() ? "-" : String.format(Locale.ROOT, "%.0f", images / decodeSec));
        }
    }

    private static long decode(DicomFile d) {
        if (!d.dataset().contains(io.distillery.dicom.Tag.PixelData)
                && !d.dataset().contains(io.distillery.dicom.Tag.FloatPixelData)
                && !d.dataset().contains(io.distillery.dicom.Tag.DoubleFloatPixelData)) {
            return 0;
        }
        PixelData p = PixelData.of(d.dataset(), d.transferSyntax());
        long n = 0;
        for (int i = 0; i < p.frames(); i++) {
            n += p.frame(i).data().length;
        }
        return n;
    }

    private static String family(TransferSyntax ts) {
        String uid = ts.uid();
        if (!ts.encapsulated()) {
            return ts.deflated() ? "deflated dataset (.1.2.1.99)" : "native (.1.2, .1.2.1, .1.2.2)";
        }
        return switch (uid) {
            case "1.2.840.10008.1.2.5" -> "RLE Lossless (.5)";
            case "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.53",
                    "1.2.840.10008.1.2.4.55" -> "JPEG lossy (.50/.51/.53/.55)";
            case "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70" -> "JPEG lossless (.57/.70)";
            case "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81" -> "JPEG-LS (.80/.81)";
            case "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91" -> "JPEG 2000 (.90/.91)";
            case "1.2.840.10008.1.2.8.1" -> "Deflated Image Frame (.8.1)";
            default -> ts.name();
        };
    }
}
