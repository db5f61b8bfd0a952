package io.distillery.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Read, write, read again: every conformant corpus file in each uncompressed transfer syntax and deflate (files with
 * encapsulated pixel data in their own syntax), equal datasets, and dcmdump reads what we wrote with exit 0 and no
 * warning or error line (unless dcmdump already complains about the source file, e.g. illegal group 0001).
 */
class RoundTripTest {
    private static final TransferSyntax[] NATIVE = {TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN,
            TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, TransferSyntax.EXPLICIT_VR_BIG_ENDIAN,
            TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN};

    @TempDir
    Path tmp;

    static Stream<CorpusIndex> conformant() {
        return DicomReaderCorpusTest.conformant();
    }

    @ParameterizedTest
    @MethodSource("conformant")
    void roundTrip(CorpusIndex row) throws Exception {
        DicomFile source = DicomFile.read(row.file());
        boolean sourceClean = Dcmtk.dcmdump(row.file()).diagnostics().isEmpty();
        List<TransferSyntax> targets = new ArrayList<>();
        if (source.transferSyntax().encapsulated()) {
            targets.add(source.transferSyntax());
        } else {
            targets.addAll(List.of(NATIVE));
        }
        for (TransferSyntax ts : targets) {
            Path out = tmp.resolve(ts.uid() + ".dcm");
            source.write(out, ts);
            DicomFile back = DicomFile.read(out);
            assertEquals(ts, back.transferSyntax());
            String diff = ts.explicitVR()
                    ? DatasetEquality.describeDifference(source.dataset(), back.dataset())
                    : DatasetEquality.describeDifferenceAfterImplicitVR(source.dataset(), back.dataset());
            assertNull(diff, () -> "after writing " + ts);
            assertEquals(Implementation.CLASS_UID, back.fileMeta().getString(Tag.ImplementationClassUID));
            Dcmtk.Run dump = Dcmtk.dcmdump(out);
            assertEquals(0, dump.exitCode(), () -> ts + ": dcmdump failed:\n" + dump.output());
            if (sourceClean) {
                assertTrue(dump.diagnostics().isEmpty(), () -> ts + ": dcmdump says " + dump.diagnostics());
            }
            // the stream writer and reader agree with the file ones
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            source.write(bytes, ts);
            assertTrue(java.util.Arrays.equals(Files.readAllBytes(out), bytes.toByteArray()), "stream != file");
            DicomFile fromStream = DicomFile.read(new ByteArrayInputStream(bytes.toByteArray()));
            assertNull(DatasetEquality.describeDifference(back.dataset(), fromStream.dataset()));
        }
    }
}
