package io.distillery.dicom.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.dicom.DicomException;
import io.distillery.dicom.Tag;
import io.distillery.dicom.TransferSyntax;
import io.distillery.testsupport.SharedData;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The streaming structure check must judge every dataset exactly as the whole-stream {@link DatasetWalker} does,
 * whatever the fragment boundaries: the whole shared corpus (malformed files included) and truncations of it, fed
 * in fragments from 1 byte to 16 KiB.
 */
class StreamingDatasetCheckTest {
    private static final Set<Integer> CAPTURE = Set.of(Tag.StudyInstanceUID, Tag.SeriesInstanceUID, Tag.SOPInstanceUID);

    @Test
    void agreesWithTheWalkerOnTheWholeCorpusWhateverTheFragmentBoundaries() throws Exception {
        Random random = new Random(42);
        List<String> disagreements = new ArrayList<>();
        int accepted = 0;
        int refused = 0;
        List<Path> files;
        try (Stream<Path> s = Files.walk(SharedData.dicomCorpus())) {
            files = s.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".csv")).sorted().toList();
        }
        for (Path f : files) {
            FileMetaInfo meta;
            TransferSyntax ts;
            try {
                meta = FileMetaInfo.read(f);
                ts = TransferSyntax.of(meta.transferSyntax());
            } catch (DicomException e) {
                continue;
            }
            byte[] all = Files.readAllBytes(f);
            byte[] dataset = Arrays.copyOfRange(all, (int) Math.min(meta.datasetOffset(), all.length), all.length);
            // The whole dataset, and a truncation in its middle (what an association cut short would leave).
            for (byte[] d : List.of(dataset, Arrays.copyOf(dataset, dataset.length / 2))) {
                String expected = walk(d, ts);
                for (int maxFragment : new int[] {7, 16384}) {
                    String got = stream(d, ts, random, maxFragment);
                    if (!expected.equals(got)) {
                        disagreements.add(f.getFileName() + " (" + d.length + " bytes, fragments <= " + maxFragment
                                + "): walker " + expected + ", streaming " + got);
                    }
                }
                if (expected.startsWith("ok")) {
                    accepted++;
                } else {
                    refused++;
                }
            }
        }
        assertTrue(disagreements.isEmpty(), disagreements.size() + " disagreements:\n" + String.join("\n", disagreements));
        assertTrue(accepted > 200 && refused > 100, accepted + " accepted, " + refused + " refused");
    }

    @Test
    void aProblemIsReportedOnceTheDatasetEnds() {
        // (0008,0018) UI claiming 0x2000 bytes of which only 4 arrive.
        byte[] cut = {0x08, 0x00, 0x18, 0x00, 'U', 'I', 0x00, 0x20, '1', '.', '2', 0};
        StreamingDatasetCheck check = new StreamingDatasetCheck(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, CAPTURE);
        check.feed(cut, 0, cut.length);
        DicomException e = assertThrows(DicomException.class, check::finish);
        assertEquals("dataset truncated at byte 12", e.getMessage());
    }

    /** "ok" and the captured values, or "refused" (the messages may word the same fault differently). */
    private static String walk(byte[] dataset, TransferSyntax ts) {
        try {
            return "ok " + new java.util.TreeMap<>(DatasetWalker.walk(new ByteArrayInputStream(dataset), ts, CAPTURE));
        } catch (DicomException e) {
            return "refused";
        }
    }

    private static String stream(byte[] dataset, TransferSyntax ts, Random random, int maxFragment) {
        StreamingDatasetCheck check = new StreamingDatasetCheck(ts, CAPTURE);
        for (int off = 0; off < dataset.length;) {
            int n = Math.min(dataset.length - off, 1 + random.nextInt(maxFragment));
            check.feed(dataset, off, n);
            off += n;
        }
        try {
            Map<Integer, String> values = check.finish();
            return "ok " + new java.util.TreeMap<>(values);
        } catch (DicomException e) {
            return "refused";
        }
    }
}
