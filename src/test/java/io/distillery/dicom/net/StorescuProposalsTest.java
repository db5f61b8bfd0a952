package io.distillery.dicom.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.distillery.dicom.Attributes;
import io.distillery.dicom.DatasetEquality;
import io.distillery.dicom.DicomException;
import io.distillery.dicom.DicomFile;
import io.distillery.dicom.Fragments;
import io.distillery.dicom.SopClasses;
import io.distillery.dicom.Tag;
import io.distillery.dicom.TransferSyntax;
import io.distillery.testsupport.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transfer syntax negotiation as dcmtk's storescu exercises it: every syntax of the corpus is proposed the way an
 * operator would (storescu's own {@code -x?} option where it has one, a configuration profile otherwise) and must
 * arrive stored as sent, pixel data byte for byte; the requestor's order of preference wins.
 */
class StorescuProposalsTest {
    private static final String AET = "ARCHIVE";

    /** storescu's command-line proposal for a syntax: it proposes that syntax first, then the uncompressed ones. */
    private static final Map<String, String> STORESCU_OPTION = Map.ofEntries(
            Map.entry("1.2.840.10008.1.2", "-xi"),
            Map.entry("1.2.840.10008.1.2.1", "-xe"),
            Map.entry("1.2.840.10008.1.2.2", "-xb"),
            Map.entry("1.2.840.10008.1.2.1.99", "-xd"),
            Map.entry("1.2.840.10008.1.2.5", "-xr"),
            Map.entry("1.2.840.10008.1.2.4.50", "-xy"),
            Map.entry("1.2.840.10008.1.2.4.51", "-xx"),
            Map.entry("1.2.840.10008.1.2.4.70", "-xs"),
            Map.entry("1.2.840.10008.1.2.4.80", "-xt"),
            Map.entry("1.2.840.10008.1.2.4.81", "-xu"),
            Map.entry("1.2.840.10008.1.2.4.90", "-xv"),
            Map.entry("1.2.840.10008.1.2.4.91", "-xw"));

    private static final int DATASET_TRAILING_PADDING = 0xFFFCFFFC;
    private static final String JPEG_BASELINE = "1.2.840.10008.1.2.4.50";

    @TempDir
    static Path tmp;

    private static Peers peers;
    private static DicomServer server;
    private static Path store;
    /** The answers our SCP gave, one list per association, in arrival order. */
    private static final List<List<PresentationContext>> answers = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startScp() throws IOException {
        assumeTrue(Peers.installed("storescu"), "dcmtk is not installed");
        peers = new Peers(Files.createDirectories(tmp.resolve("logs")));
        store = tmp.resolve("store");
        DirectoryStorageHandler files = new DirectoryStorageHandler(store, DuplicatePolicy.OVERWRITE, true);
        server = DicomServer.start(ServerConfig.builder(AET).accept(TransferCapability.anyStorage()).build(),
                new DimseServiceRegistry().add(new StorageService(StorageConfig.of(store.resolve(".spool"))
                        .withMinFreeBytes(0), files)),
                new AssociationListener() {
                    @Override
                    public void onAccepted(Association association) {
                        answers.add(association.contextAnswers());
                    }
                });
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (peers != null) {
            peers.close();
        }
    }

    @Test
    void everyCorpusSyntaxArrivesAsSentWithItsPixelDataUnchanged() throws Exception {
        Map<String, Path> onePerSyntax = new TreeMap<>();
        for (Path f : StorageScpInteropTest.storableCorpus()) {
            onePerSyntax.merge(FileMetaInfo.read(f).transferSyntax(), f, (a, b) -> size(a) <= size(b) ? a : b);
        }
        assertTrue(onePerSyntax.size() >= 15, "corpus syntaxes: " + onePerSyntax.keySet());
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Path> e : onePerSyntax.entrySet()) {
            String ts = e.getKey();
            Path file = e.getValue();
            List<String> cmd = new ArrayList<>(List.of("storescu", "-aet", "SENDER", "-aec", AET));
            String option = STORESCU_OPTION.get(ts);
            if (option != null) {
                cmd.add(option);
            } else {
                cmd.addAll(List.of("-xf", profile(ts, FileMetaInfo.read(file).sopClass()).toString(), "P"));
            }
            cmd.addAll(List.of("127.0.0.1", "" + server.port(), file.toString()));
            Peers.Run r = peers.run(60, cmd.toArray(String[]::new));
            String why = r.exit() != 0 || r.output().contains("E: ") ? "storescu " + option + ": " + r.output().strip()
                    : compareStored(file);
            if (why != null) {
                problems.add(TransferSyntax.of(ts).name() + " (" + file.getFileName() + "): " + why);
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** Null when the stored instance has the source's syntax, dataset and pixel data bytes; else what differs. */
    private static String compareStored(Path source) throws IOException {
        FileMetaInfo meta = FileMetaInfo.read(source);
        Attributes expected = DicomFile.read(source).dataset();
        // Named after the dataset's SOP Instance UID, which storescu sends (the file meta's may differ).
        Path stored = store.resolve(expected.getString(Tag.SOPInstanceUID) + ".dcm");
        if (!Files.exists(stored)) {
            return "not stored";
        }
        FileMetaInfo got = FileMetaInfo.read(stored);
        if (!got.transferSyntax().equals(meta.transferSyntax())) {
            return "stored as " + got.transferSyntax();
        }
        Attributes actual = DicomFile.read(stored).dataset();
        if (!Arrays.equals(pixelDataBytes(expected), pixelDataBytes(actual))) {
            return "pixel data bytes differ";
        }
        // storescu re-encodes the rest of the dataset (group lengths, sequence length style, OB for encapsulated pixel
        // data a file had as OW, no trailing padding); every other value must stay. Pixel data was compared above.
        for (int tag : new int[] {Tag.PixelData, DATASET_TRAILING_PADDING}) {
            expected.remove(tag);
            actual.remove(tag);
        }
        String difference = DatasetEquality.describeDifference(expected, actual);
        return difference == null ? null : "dataset differs: " + difference;
    }

    /** Native pixel data as stored, or every encapsulated item (offset table and fragments) concatenated. */
    private static byte[] pixelDataBytes(Attributes ds) {
        Object v = ds.getValue(Tag.PixelData);
        if (v instanceof Fragments f) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            f.items().forEach(item -> all.writeBytes(Fragments.bytesOf(item)));
            return all.toByteArray();
        }
        return ds.getBytes(Tag.PixelData);
    }

    @Test
    void defaultProposalsAreAllAcceptedAndJpegIsTakenWhenProposed() throws Exception {
        Path jpeg = SharedData.dicomCorpus().resolve("pydicom/SC_rgb_jpeg_dcmtk.dcm");
        // storescu's default proposes only uncompressed syntaxes, one context per syntax group and SOP class. We
        // accept every one of them; storescu 3.6.7 then cannot convert the JPEG file into any of them and says so.
        // dcmtk's own storescp +xa behaves identically: the fix is on the sending side (-xy, or a profile).
        answers.clear();
        Peers.Run r = peers.run(60, "storescu", "-aet", "SENDER", "-aec", AET, "127.0.0.1", "" + server.port(),
                jpeg.toString());
        assertTrue(r.output().contains("unable to convert dataset from 'JPEG Baseline'"), r.output());
        assertEquals(1, answers.size());
        List<PresentationContext> rejected = answers.get(0).stream().filter(pc -> !pc.accepted()).toList();
        assertTrue(rejected.isEmpty(), "rejected storage contexts: " + rejected);
        assertTrue(answers.get(0).size() > 100, "storescu proposed " + answers.get(0).size() + " contexts");

        // One context proposing JPEG Baseline first, then the uncompressed syntaxes: the proposer's first is taken.
        answers.clear();
        r = peers.run(60, "storescu", "-aet", "SENDER", "-aec", AET, "+C", "-xy", "-R", "127.0.0.1",
                "" + server.port(), jpeg.toString());
        assertEquals(0, r.exit(), r.output());
        assertFalse(r.output().contains("E: "), r.output());
        assertEquals(List.of(JPEG_BASELINE), answers.get(0).get(0).transferSyntaxes());
        assertNull(compareStored(jpeg));
    }

    @Test
    void theAcceptedSyntaxesAreConfigurableAndTheProposersOrderWins() throws Exception {
        try (DicomServer narrow = DicomServer.start(ServerConfig.builder("NARROW").accept(TransferCapability.storage(
                List.of(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.uid(), TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid())))
                .build(), new DimseServiceRegistry(), null)) {
            List<PresentationContext> proposed = List.of(
                    PresentationContext.proposed(1, SopClasses.SECONDARY_CAPTURE_IMAGE_STORAGE,
                            List.of(JPEG_BASELINE, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid(),
                                    TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.uid())),
                    PresentationContext.proposed(3, SopClasses.SECONDARY_CAPTURE_IMAGE_STORAGE,
                            List.of(JPEG_BASELINE)));
            Association as = Association.connect(ClientConfig.of("PROBE"), new RemoteAe("NARROW", "127.0.0.1",
                    narrow.port()), proposed, List.of(), new DimseServiceRegistry());
            try {
                List<PresentationContext> got = as.contextAnswers();
                assertEquals(List.of(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid()), got.get(0).transferSyntaxes());
                assertEquals(PresentationContext.TRANSFER_SYNTAXES_NOT_SUPPORTED, got.get(1).result());
            } finally {
                as.release();
            }
        }
        DicomException typo = assertThrows(DicomException.class,
                () -> TransferCapability.storage(List.of("1.2.840.10008.1.2.4.5O")));
        assertTrue(typo.getMessage().contains("1.2.840.10008.1.2.4.5O"), typo.getMessage());
    }

    private static Path profile(String transferSyntax, String sopClass) throws IOException {
        String cfg = "[[TransferSyntaxes]]\n[TS]\nTransferSyntax1 = " + transferSyntax + "\n[[PresentationContexts]]\n"
                + "[PC]\nPresentationContext1 = " + sopClass + "\\TS\n[[Profiles]]\n[P]\nPresentationContexts = PC\n";
        return Files.writeString(Files.createTempFile(tmp, "storescu", ".cfg"), cfg);
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
