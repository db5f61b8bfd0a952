package io.distillery.dicom.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.distillery.dicom.Attributes;
import io.distillery.dicom.SopClasses;
import io.distillery.dicom.Tag;
import io.distillery.dicom.TransferSyntax;
import io.distillery.dicom.VR;
import io.distillery.testsupport.SharedData;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Storage SCP's refusals and policies, each seen by a client on the wire: disk floor, bad data, duplicates, timeouts. */
class ScpPoliciesTest {
    private static final Path CT = SharedData.dicomCorpus().resolve("pydicom/CT_small.dcm");

    @TempDir
    Path tmp;

    private final List<StoredInstance> handedOver = new CopyOnWriteArrayList<>();

    private DicomServer server(StorageConfig storage, DuplicatePolicy duplicates, ServerConfig.Builder b) throws Exception {
        DirectoryStorageHandler dir = new DirectoryStorageHandler(tmp.resolve("store"), duplicates, true);
        return DicomServer.start(b.accept(TransferCapability.anyStorage()).build(),
                new DimseServiceRegistry().add(new StorageService(storage, new StorageHandler() {
                    @Override
                    public int onStored(StoredInstance si) throws Exception {
                        handedOver.add(si);
                        return dir.onStored(si);
                    }

                    @Override
                    public boolean movesFileOnSuccess() {
                        return dir.movesFileOnSuccess();
                    }
                })), null);
    }

    /**
     * Whatever the outcome, no spool file stays behind (the service skips its clean-up only after a rename). Checked
     * after the server has closed, which removes the empty files it kept created ahead.
     */
    private void assertNothingLeftInTheSpool() throws IOException {
        try (var left = Files.list(tmp.resolve("store/.spool"))) {
            assertEquals(List.of(), left.toList());
        }
    }

    private StorageConfig spool() {
        return StorageConfig.of(tmp.resolve("store/.spool")).withMinFreeBytes(0);
    }

    private static StoreScu.Result store(DicomServer s, Path file) {
        return StoreScu.store(ClientConfig.of("SENDER"), new RemoteAe("SCP", "127.0.0.1", s.port()), List.of(file)).get(0);
    }

    @Test
    void scuConvertsUncompressedDatasetsToWhatThePeerAccepts() throws Exception {
        List<io.distillery.dicom.Attributes> got = new CopyOnWriteArrayList<>();
        List<String> syntaxes = new CopyOnWriteArrayList<>();
        try (DicomServer s = DicomServer.start(ServerConfig.builder("SCP")
                .accept(new TransferCapability(TransferCapability.ANY_STORAGE,
                        List.of(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.uid()))).build(),
                new DimseServiceRegistry().add(new StorageService(spool(), si -> {
                    // Keep a copy: the spool file is gone once the handler returns, and pixel data is read lazily.
                    Path copy = tmp.resolve("received-" + got.size() + ".dcm");
                    Files.copy(si.file(), copy);
                    got.add(io.distillery.dicom.DicomFile.read(copy).dataset());
                    syntaxes.add(si.transferSyntax());
                    return Status.SUCCESS;
                })), null)) {
            Path corpus = SharedData.dicomCorpus().resolve("pydicom");
            // MR_small in Encapsulated Uncompressed (1.2.840.10008.1.2.1.98): its frames are native bytes, so it converts.
            io.distillery.dicom.DicomFile mr = io.distillery.dicom.DicomFile.read(corpus.resolve("MR_small.dcm"));
            TransferSyntax euc = TransferSyntax.ENCAPSULATED_UNCOMPRESSED_EXPLICIT_VR_LITTLE_ENDIAN;
            io.distillery.dicom.Attributes wrapped = io.distillery.dicom.EncapsulatedUncompressed.encapsulate(mr.dataset());
            Path eucFile = tmp.resolve("MR_small_euc.dcm");
            io.distillery.dicom.DicomWriter.write(eucFile, io.distillery.dicom.DicomWriter.fileMeta(null, wrapped, euc),
                    wrapped, euc);
            List<Path> files = List.of(corpus.resolve("MR_small.dcm"), corpus.resolve("MR_small_bigendian.dcm"),
                    corpus.resolve("JPEG2000.dcm"), eucFile);
            List<StoreScu.Result> r = StoreScu.store(ClientConfig.of("SENDER"), new RemoteAe("SCP", "127.0.0.1", s.port()),
                    files);
            assertTrue(r.get(0).stored() && r.get(1).stored() && r.get(3).stored(),
                    r.get(0).describe() + " / " + r.get(1).describe() + " / " + r.get(3).describe());
            String implicit = TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.uid();
            assertEquals(List.of(implicit, implicit, implicit), syntaxes);
            for (int i = 0; i < 2; i++) {
                io.distillery.dicom.Attributes source = io.distillery.dicom.DicomFile.read(files.get(i)).dataset();
                assertEquals(null, io.distillery.dicom.DatasetEquality.describeDifferenceAfterImplicitVR(source, got.get(i)));
            }
            assertEquals(null, io.distillery.dicom.DatasetEquality.describeDifferenceAfterImplicitVR(mr.dataset(), got.get(2)));
            assertFalse(r.get(2).stored());
            assertTrue(r.get(2).problem().contains("encapsulated dataset is not converted"), r.get(2).describe());
        }
    }

    @Test
    void belowTheFreeSpaceFloorAnswersOutOfResources() throws Exception {
        try (DicomServer s = server(spool().withMinFreeBytes(Long.MAX_VALUE), DuplicatePolicy.OVERWRITE,
                ServerConfig.builder("SCP"))) {
            StoreScu.Result r = store(s, CT);
            assertEquals(Status.OUT_OF_RESOURCES, r.status());
            assertFalse(r.stored());
            assertTrue(handedOver.isEmpty());
        }
    }

    /**
     * A disk that really fills up mid-instance (a 1 MiB tmpfs; needs root, as in CI): the sender is told "out of
     * resources" with the reason, the partial spool file is gone, what was stored before is intact, and the
     * association keeps serving.
     */
    @Test
    void aDiskFullMidInstanceAnswersOutOfResourcesAndLosesNothingStored() throws Exception {
        Path disk = Files.createDirectories(tmp.resolve("small-disk"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", disk.toString())
                .redirectErrorStream(true).start();
        assumeTrue(mount.waitFor() == 0, "cannot mount a tmpfs here: " + new String(mount.getInputStream().readAllBytes()));
        try {
            DirectoryStorageHandler dir = new DirectoryStorageHandler(disk.resolve("store"), DuplicatePolicy.OVERWRITE, true);
            List<Path> files = List.of(instance(tmp.resolve("a.dcm"), "1.2.826.0.1.3680043.2.1143.1"),
                    instance(tmp.resolve("b.dcm"), "1.2.826.0.1.3680043.2.1143.2"));
            try (DicomServer s = DicomServer.start(ServerConfig.builder("SCP").accept(TransferCapability.anyStorage())
                    .build(), new DimseServiceRegistry().add(new StorageService(
                            StorageConfig.of(disk.resolve("store/.spool")).withMinFreeBytes(0), dir)), null)) {
                List<StoreScu.Result> r = StoreScu.store(ClientConfig.of("SENDER"), new RemoteAe("SCP", "127.0.0.1",
                        s.port()), files);
                assertTrue(r.get(0).stored(), r.get(0).describe());
                assertEquals(Status.OUT_OF_RESOURCES, r.get(1).status(), r.get(1).describe());
                assertTrue(r.get(1).describe().contains("No space left"), r.get(1).describe());
                assertEquals(Status.SUCCESS, EchoScu.echo(ClientConfig.of("AFTER"), new RemoteAe("SCP", "127.0.0.1",
                        s.port())));
            }
            try (var spooled = Files.list(disk.resolve("store/.spool"))) {
                assertEquals(0, spooled.count(), "the partial instance must not stay in the spool");
            }
            Path stored = disk.resolve("store/1.2.826.0.1.3680043.2.1143.1.dcm");
            assertTrue(java.util.Arrays.equals(datasetBytes(files.get(0)), datasetBytes(stored)),
                    "the instance stored before the disk filled must be intact");
            assertFalse(Files.exists(disk.resolve("store/1.2.826.0.1.3680043.2.1143.2.dcm")));
        } finally {
            new ProcessBuilder("umount", disk.toString()).start().waitFor();
        }
    }

    private static byte[] datasetBytes(Path f) throws Exception {
        byte[] all = Files.readAllBytes(f);
        return java.util.Arrays.copyOfRange(all, (int) FileMetaInfo.read(f).datasetOffset(), all.length);
    }

    /** A 600 KB Secondary Capture instance: two of them do not fit in 1 MiB. */
    private static Path instance(Path file, String iuid) throws Exception {
        Attributes ds = new Attributes();
        ds.setString(Tag.SOPClassUID, VR.UI, SopClasses.SECONDARY_CAPTURE_IMAGE_STORAGE);
        ds.setString(Tag.SOPInstanceUID, VR.UI, iuid);
        ds.setString(Tag.StudyInstanceUID, VR.UI, "1.2.826.0.1.3680043.2.1143.9");
        ds.setInt(Tag.Rows, VR.US, 550);
        ds.setInt(Tag.Columns, VR.US, 550);
        ds.setInt(Tag.BitsAllocated, VR.US, 16);
        byte[] pixels = new byte[550 * 550 * 2];
        new java.util.Random(iuid.hashCode()).nextBytes(pixels);
        ds.setBytes(Tag.PixelData, VR.OW, pixels);
        io.distillery.dicom.DicomWriter.write(file, null, ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        return file;
    }

    @Test
    void unreadableDatasetIsRefusedAndNotHandedOver() throws Exception {
        try (DicomServer s = server(spool(), DuplicatePolicy.OVERWRITE, ServerConfig.builder("SCP"))) {
            Association as = Association.connect(ClientConfig.of("SENDER"), new RemoteAe("SCP", "127.0.0.1", s.port()),
                    List.of(PresentationContext.proposed(1, SopClasses.SECONDARY_CAPTURE_IMAGE_STORAGE,
                            List.of(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid()))), List.of(), new DimseServiceRegistry());
            try {
                Attributes rq = Dimse.request(Dimse.C_STORE_RQ, SopClasses.SECONDARY_CAPTURE_IMAGE_STORAGE, 1, true);
                rq.setString(Tag.AffectedSOPInstanceUID, VR.UI, "1.2.3.4");
                // (0008,0018) with VR "zz", then a value running past the end.
                byte[] garbage = {8, 0, 0x18, 0, 'z', 'z', 10, 0, '1', '.', '2'};
                DimseMessage rsp = as.invoke(1, rq, java.util.Arrays.copyOf(garbage, 12), null);
                assertEquals(Status.CANNOT_UNDERSTAND, rsp.status());
                assertTrue(rsp.command().getString(Tag.ErrorComment).contains("invalid VR"));
            } finally {
                as.release();
            }
            assertTrue(handedOver.isEmpty());
        }
        assertNothingLeftInTheSpool();
    }

    @Test
    void duplicatePoliciesAreReportedToTheSender() throws Exception {
        try (DicomServer s = server(spool(), DuplicatePolicy.REJECT, ServerConfig.builder("SCP"))) {
            assertTrue(store(s, CT).stored());
            StoreScu.Result again = store(s, CT);
            assertEquals(Status.DUPLICATE_SOP_INSTANCE, again.status());
            assertFalse(again.stored());
        }
        assertNothingLeftInTheSpool();
        try (DicomServer s = server(spool(), DuplicatePolicy.KEEP_EXISTING, ServerConfig.builder("SCP"))) {
            StoreScu.Result again = store(s, CT);
            assertTrue(again.warning() && !again.stored(), again.describe());
        }
        assertNothingLeftInTheSpool();
        try (DicomServer s = server(spool(), DuplicatePolicy.KEEP_BOTH, ServerConfig.builder("SCP"))) {
            assertTrue(store(s, CT).stored());
            String uid = "1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322";
            assertTrue(Files.exists(tmp.resolve("store/" + uid + ".dcm")) && Files.exists(tmp.resolve("store/" + uid + ".1.dcm")));
        }
        assertNothingLeftInTheSpool();
    }

    @Test
    void artimTimeoutAbortsASilentConnection() throws Exception {
        try (DicomServer s = server(spool(), DuplicatePolicy.OVERWRITE, ServerConfig.builder("SCP").artimTimeoutMillis(300));
                Socket silent = new Socket("127.0.0.1", s.port())) {
            silent.setSoTimeout(5000);
            long t0 = System.nanoTime();
            InputStream in = silent.getInputStream();
            assertEquals(Pdu.ABORT, in.read());
            in.skipNBytes(9);
            assertEquals(-1, in.read());
            assertTrue((System.nanoTime() - t0) / 1_000_000 < 4000);
        }
    }

    @Test
    void idleAssociationIsAborted() throws Exception {
        try (DicomServer s = server(spool(), DuplicatePolicy.OVERWRITE, ServerConfig.builder("SCP").idleTimeoutMillis(300))) {
            Association as = Association.connect(ClientConfig.of("IDLER"), new RemoteAe("SCP", "127.0.0.1", s.port()),
                    List.of(PresentationContext.proposed(1, SopClasses.VERIFICATION, TransferCapability.UNCOMPRESSED)),
                    List.of(), new DimseServiceRegistry());
            Thread.sleep(800);
            assertThrows(DicomNetworkException.class, as::readMessage, "the SCP must have aborted the idle association");
            as.close();
        }
    }

    @Test
    void tooManyAssociationsAreRejectedTransiently() throws Exception {
        try (DicomServer s = server(spool(), DuplicatePolicy.OVERWRITE, ServerConfig.builder("SCP").maxAssociations(1))) {
            Association first = Association.connect(ClientConfig.of("FIRST"), new RemoteAe("SCP", "127.0.0.1", s.port()),
                    List.of(PresentationContext.proposed(1, SopClasses.VERIFICATION, TransferCapability.UNCOMPRESSED)),
                    List.of(), new DimseServiceRegistry());
            try {
                AssociationRejectedException e = assertThrows(AssociationRejectedException.class,
                        () -> EchoScu.echo(ClientConfig.of("SECOND"), new RemoteAe("SCP", "127.0.0.1", s.port())));
                assertEquals(AssociateReject.LOCAL_LIMIT_EXCEEDED, e.reject());
            } finally {
                first.release();
            }
        }
    }

    @Test
    void protocolVersionMismatchIsRejected() throws Exception {
        try (DicomServer s = server(spool(), DuplicatePolicy.OVERWRITE, ServerConfig.builder("SCP"));
                Socket sock = new Socket("127.0.0.1", s.port())) {
            byte[] rq = Pdu.encodeAssociate(Pdu.ASSOCIATE_RQ, new AssociateRequest("SCP", "OLD",
                    AssociateRequest.DICOM_APPLICATION_CONTEXT, List.of(PresentationContext.proposed(1,
                            SopClasses.VERIFICATION, TransferCapability.UNCOMPRESSED)),
                    new UserInfo(16384, "1.2.3", null, List.of())));
            rq[7] = 2; // protocol version 2: bit 0 clear
            sock.getOutputStream().write(rq);
            DataInputStream in = new DataInputStream(sock.getInputStream());
            assertEquals(Pdu.ASSOCIATE_RJ, in.read());
            in.skipNBytes(5 + 1);
            assertEquals(List.of(1, 2, 2), List.of(in.read(), in.read(), in.read()));
        }
    }
}
