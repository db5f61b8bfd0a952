import io.distillery.dicom.DicomFile;
import io.distillery.dicom.DicomException;
import io.distillery.dicom.TransferSyntax;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Parse throughput of the Part 10 reader on one thread (run by bench/parse.sh). Three measurements over the
 * corpus's readable files (per CPU-second of one thread): from the file (pixel data left as BulkData references, the ingest path), from memory
 * (every value loaded), and writing Explicit VR Little Endian from memory. Prints MB/s and files/s.
 */
public class ParseBench {
    public static void main(String[] args) throws Exception {
        Path corpus = Path.of(args[0]);
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        List<Path> files = new ArrayList<>();
        List<byte[]> bytes = new ArrayList<>();
        try (Stream<Path> s = Files.walk(corpus)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                try {
                    DicomFile.read(p);
                    files.add(p);
                    bytes.add(Files.readAllBytes(p));
                } catch (DicomException e) {
                    // not DICOM (README, index.csv) or malformed on purpose
                }
            }
        }
        long total = bytes.stream().mapToLong(b -> b.length).sum();
        System.out.printf("%d files, %.1f MB%n", files.size(), total / 1e6);
        run("read from file (lazy bulk)", seconds, total, files.size(), () -> {
            for (Path p : files) {
                DicomFile.read(p);
            }
        });
        run("read from memory (all loaded)", seconds, total, files.size(), () -> {
            for (byte[] b : bytes) {
                DicomFile.read(new ByteArrayInputStream(b));
            }
        });
        List<DicomFile> loaded = new ArrayList<>();
        long nativeBytes = 0;
        for (byte[] b : bytes) {
            DicomFile f = DicomFile.read(new ByteArrayInputStream(b));
            if (!f.transferSyntax().encapsulated()) {
                loaded.add(f);
                nativeBytes += b.length;
            }
        }
        run("write Explicit VR LE (native files)", seconds, nativeBytes, loaded.size(), () -> {
            for (DicomFile f : loaded) {
                f.write(OutputStream.nullOutputStream(), TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
            }
        });
    }

    interface Body {
        void run() throws Exception;
    }

    /**
     * Rates per second of this thread's CPU time, not wall time: the machine is shared, and CPU time gives the
     * per-core figure whatever else runs. Wall-clock rates are printed too.
     */
    static void run(String name, double seconds, long bytesPerPass, int filesPerPass, Body body) throws Exception {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 5; i++) {
            body.run(); // warm-up
        }
        long wall0 = System.nanoTime();
        long cpu0 = mx.getCurrentThreadCpuTime();
        int passes = 0;
        while (mx.getCurrentThreadCpuTime() - cpu0 < seconds * 1e9) {
            body.run();
            passes++;
        }
        double cpu = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
        double wall = (System.nanoTime() - wall0) / 1e9;
        System.out.printf("%-38s %8.1f MB/s %8.0f files/s per CPU-second  (wall: %.1f MB/s; %d passes)%n", name,
                bytesPerPass * passes / cpu / 1e6, filesPerPass * passes / cpu, bytesPerPass * passes / wall / 1e6,
                passes);
    }
}
