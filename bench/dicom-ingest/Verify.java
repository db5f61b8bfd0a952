import io.distillery.dicom.Attributes;
import io.distillery.dicom.DicomFile;
import io.distillery.dicom.DicomWriter;
import io.distillery.dicom.Tag;
import io.distillery.dicom.TransferSyntax;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Nothing lost: every instance of SOURCE_DIR is in RECEIVED_DIR (any file name, any uncompressed syntax) with the same
 * dataset, compared as SHA-256 of the dataset re-encoded in Explicit VR Little Endian by the toolkit. Prints
 * "ok N" or the missing/different instances, and exits non-zero then.
 */
public class Verify {
    public static void main(String[] args) throws Exception {
        Map<String, String> expected = hashes(Path.of(args[0]));
        Map<String, String> got = hashes(Path.of(args[1]));
        int missing = 0;
        int different = 0;
        for (Map.Entry<String, String> e : expected.entrySet()) {
            String h = got.get(e.getKey());
            if (h == null) {
                missing++;
            } else if (!h.equals(e.getValue())) {
                different++;
            }
        }
        if (missing + different > 0) {
            System.out.println("LOST " + missing + " missing, " + different + " different of " + expected.size());
            System.exit(1);
        }
        System.out.println("ok " + expected.size());
    }

    private static Map<String, String> hashes(Path dir) throws Exception {
        Map<String, String> out = new HashMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))::iterator) {
                Attributes ds;
                try {
                    ds = DicomFile.read(f).dataset();
                } catch (Exception notDicom) {
                    continue; // a receiver's own bookkeeping files (Orthanc's index, JSON attachments)
                }
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                DicomWriter.writeDataset(bytes, ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
                out.put(ds.getString(Tag.SOPInstanceUID),
                        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray())));
            }
        }
        return out;
    }
}
