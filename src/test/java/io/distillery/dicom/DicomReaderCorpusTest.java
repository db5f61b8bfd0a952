package io.distillery.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every DICOM file of the shared corpus, read from a path and from a stream. */
class DicomReaderCorpusTest {

    static Stream<CorpusIndex> conformant() {
        return CorpusIndex.all().stream().filter(r -> r.dicom() && !r.malformed());
    }

    static Stream<CorpusIndex> malformed() {
        return CorpusIndex.all().stream().filter(CorpusIndex::malformed);
    }

    @ParameterizedTest
    @MethodSource("conformant")
    void conformantFilesParse(CorpusIndex row) throws Exception {
        DicomFile f = DicomFile.read(row.file());
        assertFalse(f.dataset().isEmpty(), "dataset empty");
        if (!row.transferSyntax().isEmpty()) {
            assertEquals(row.transferSyntax(), f.transferSyntax().uid());
        }
        try (InputStream in = Files.newInputStream(row.file())) {
            DicomFile s = DicomFile.read(in);
            assertEquals(f.dataset().size(), s.dataset().size());
            assertTrue(DatasetEquality.equal(f.dataset(), s.dataset()), () -> DatasetEquality.describeDifference(
                    f.dataset(), s.dataset()));
        }
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void malformedFilesParseOrFailWithOneLine(CorpusIndex row) {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            try {
                DicomFile f = DicomFile.read(row.file());
                assertNotNull(f.dataset());
            } catch (DicomException e) {
                assertNotNull(e.getMessage());
                assertFalse(e.getMessage().contains("\n"), "multi-line message: " + e.getMessage());
            } catch (RuntimeException | Error e) {
                fail("unexpected " + e, e);
            }
        });
    }
}
