package io.distillery.dicom.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.distillery.dicom.Attributes;
import io.distillery.dicom.DicomException;
import io.distillery.dicom.SopClasses;
import io.distillery.dicom.Tag;
import io.distillery.dicom.TransferSyntax;
import io.distillery.dicom.VR;
import io.distillery.testsupport.FreePorts;
import io.distillery.testsupport.SharedData;
import io.distillery.testsupport.SpoolLeftovers;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our Storage/Verification SCP against dcmtk's echoscu and storescu, and the negative cases of the upper layer:
 * access control, per-context rejection, abort mid-instance and garbage, each checked on the wire.
 */
class StorageScpInteropTest {
    private static final String AET = "DISTILLERY";

    @TempDir
    static Path tmp;

    private static Peers peers;
    private static DicomServer server;
    private static Path store;
    private static Path spool;
    private static final List<StoredInstance> handedOver = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startScp() throws IOException {
        assumeTrue(Peers.installed("storescu"), "dcmtk is not installed");
        peers = new Peers(Files.createDirectories(tmp.resolve("logs")));
        store = tmp.resolve("store");
        spool = tmp.resolve("store").resolve(".spool");
        DirectoryStorageHandler files = new DirectoryStorageHandler(store, DuplicatePolicy.KEEP_BOTH, true);
        DimseServiceRegistry services = new DimseServiceRegistry()
                .add(new StorageService(StorageConfig.of(spool).withMinFreeBytes(0), si -> {
                    handedOver.add(si);
                    return files.onStored(si);
                }));
        server = DicomServer.start(ServerConfig.builder(AET).accept(TransferCapability.anyStorage()).build(), services,
                null);
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
    void echoscuIsAnswered() throws Exception {
        Peers.Run r = peers.run(30, "echoscu", "-aet", "ECHOER", "-aec", AET, "127.0.0.1", "" + server.port());
        assertEquals(0, r.exit(), r.output());
    }

    /** Storable corpus files: a file meta with a standard storage SOP class, not in the deliberately broken set. */
    static List<Path> storableCorpus() throws IOException {
        Path corpus = SharedData.dicomCorpus();
        List<Path> out = new ArrayList<>();
        for (String line : Files.readAllLines(corpus.resolve("index.csv")).subList(1, Files.readAllLines(corpus.resolve(
                "index.csv")).size())) {
            String[] cols = line.split(",", 3);
            if (cols[1].equals("malformed") || cols[1].equals("nonconformant")) {
                continue;
            }
            Path f = corpus.resolve(cols[0]);
            try {
                FileMetaInfo m = FileMetaInfo.read(f);
                if (SopClasses.isStorage(m.sopClass()) && TransferSyntax.lookup(m.transferSyntax()).isPresent()
                        && !UNKNOWN_TO_DCMTK_367.contains(m.transferSyntax()) && hasSopUids(f, m)) {
                    out.add(f);
                }
            } catch (DicomException e) {
                // Not a Part 10 file with meta (DICOMDIR members without meta, raw datasets): not storable as is.
            }
        }
        return out;
    }

    /** Transfer syntaxes newer than Debian's dcmtk 3.6.7, which storescu cannot send. */
    private static final Set<String> UNKNOWN_TO_DCMTK_367 = Set.of("1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202",
            "1.2.840.10008.1.2.4.203", "1.2.840.10008.1.2.8.1", "1.2.840.10008.1.2.4.110", "1.2.840.10008.1.2.4.111",
            "1.2.840.10008.1.2.4.112");

    private static String datasetSopInstanceUid(Path f, FileMetaInfo m) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            in.skipNBytes(m.datasetOffset());
            return DatasetWalker.walk(in, TransferSyntax.of(m.transferSyntax()), Set.of(Tag.SOPInstanceUID))
                    .get(Tag.SOPInstanceUID);
        }
    }

    /** storescu (rightly) refuses datasets without SOP Class and Instance UID, such as DICOMDIRs. */
    private static boolean hasSopUids(Path f, FileMetaInfo m) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            in.skipNBytes(m.datasetOffset());
            Map<Integer, String> v = DatasetWalker.walk(in, TransferSyntax.of(m.transferSyntax()),
                    Set.of(Tag.SOPClassUID, Tag.SOPInstanceUID));
            return v.get(Tag.SOPClassUID) != null && v.get(Tag.SOPInstanceUID) != null;
        }
    }

    @Test
    void storescuCorpusArrivesWithTheSameDataset() throws Exception {
        List<Path> files = storableCorpus();
        assertTrue(files.size() > 100, "corpus has " + files.size() + " storable files");
        int before = handedOver.size();
        StringBuilder said = new StringBuilder();
        Map<String, List<Path>> byTransferSyntax = new TreeMap<>();
        for (Path f : files) {
            byTransferSyntax.computeIfAbsent(FileMetaInfo.read(f).transferSyntax(), k -> new ArrayList<>()).add(f);
        }
        // storescu proposes a compressed syntax only when told to: one run per syntax, with a profile that proposes
        // exactly that syntax for every SOP class of the run, so each file travels in its own encoding.
        for (Map.Entry<String, List<Path>> e : byTransferSyntax.entrySet()) {
            Path cfg = storescuProfile(e.getKey(), e.getValue());
            List<String> cmd = new ArrayList<>(List.of("storescu", "-xf", cfg.toString(), "P", "-aet", "SENDER",
                    "-aec", AET, "-nh", "127.0.0.1", "" + server.port()));
            e.getValue().forEach(f -> cmd.add(f.toString()));
            said.append(peers.run(60, cmd.toArray(String[]::new)).output());
        }
        // What the sender itself could not read or convert never left it; those files are listed, not counted.
        Set<String> senderFailed = new java.util.TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("E: (?:Store Failed, file|No SOP Class or Instance UID in file): (.+?):?$", java.util.regex.Pattern.MULTILINE)
                .matcher(said);
        while (m.find()) {
            senderFailed.add(m.group(1));
        }
        assertTrue(senderFailed.size() <= files.size() / 20, "storescu failed on too many files: " + senderFailed);
        List<String> problems = new ArrayList<>();
        int compared = 0;
        for (Path f : files) {
            if (senderFailed.contains(f.toString())) {
                continue;
            }
            FileMetaInfo src = FileMetaInfo.read(f);
            String iuid = datasetSopInstanceUid(f, src);
            byte[] expected = datasetBytes(f, src);
            List<Path> candidates;
            try (Stream<Path> s = Files.list(store)) {
                candidates = s.filter(p -> p.getFileName().toString().startsWith(iuid + ".")).toList();
            }
            boolean found = false;
            for (Path c : candidates) {
                FileMetaInfo got = FileMetaInfo.read(c);
                if (got.transferSyntax().equals(src.transferSyntax()) && got.sopClass().equals(src.sopClass())
                        && (Arrays.equals(expected, datasetBytes(c, got)) || sameDump(f, c))) {
                    found = true;
                    break;
                }
            }
            compared++;
            if (!found) {
                problems.add(SharedData.dicomCorpus().relativize(f) + " (" + src.transferSyntax() + ", "
                        + candidates.size() + " candidates)");
            }
        }
        assertTrue(problems.isEmpty(), problems.size() + " of " + compared + " files did not arrive intact: " + problems
                + "\nstorescu said:\n" + tail(said.toString()));
        assertTrue(handedOver.size() - before >= compared);
        System.out.println("storescu -> our SCP: " + compared + " files arrived intact; storescu could not send "
                + senderFailed);
        assertEquals(List.of(), SpoolLeftovers.in(spool), "spool directory must hold no instance after delivery");
    }

    private static Path storescuProfile(String transferSyntax, List<Path> files) throws IOException {
        Set<String> classes = new java.util.TreeSet<>();
        files.forEach(f -> classes.add(FileMetaInfo.read(f).sopClass()));
        StringBuilder cfg = new StringBuilder("[[TransferSyntaxes]]\n[TS]\nTransferSyntax1 = " + transferSyntax
                + "\n[[PresentationContexts]]\n[PC]\n");
        int i = 1;
        for (String c : classes) {
            cfg.append("PresentationContext").append(i++).append(" = ").append(c).append("\\TS\n");
        }
        cfg.append("[[Profiles]]\n[P]\nPresentationContexts = PC\n");
        return Files.writeString(Files.createTempFile(tmp, "storescu", ".cfg"), cfg);
    }

    private static byte[] datasetBytes(Path f, FileMetaInfo m) throws IOException {
        byte[] all = Files.readAllBytes(f);
        return Arrays.copyOfRange(all, (int) m.datasetOffset(), all.length);
    }

    /**
     * dcmtk re-encodes what it sends (group lengths, sequence length style); then the datasets must still print the
     * same in dcmdump, ignoring the length annotations.
     */
    private static boolean sameDump(Path a, Path b) throws IOException, InterruptedException {
        List<String> x = normalizedDump(a);
        List<String> y = normalizedDump(b);
        if (!x.equals(y)) {
            System.err.println("dcmdump differs: " + a + " vs " + b);
        }
        return x.equals(y);
    }

    private static List<String> normalizedDump(Path f) throws IOException, InterruptedException {
        Peers.Run r = peers.run(30, "dcmdump", "-q", "+L", "-dc", f.toString());
        List<String> out = new ArrayList<>();
        boolean dataset = false;
        for (String line : r.output().split("\n")) {
            if (line.startsWith("# Dicom-Data-Set")) {
                dataset = true;
                continue;
            }
            // Group lengths, trailing padding and delimiters are encoding that dcmtk rewrites when it sends.
            if (!dataset || line.matches("\\s*\\(([0-9a-f]{4},0000|fffc,fffc|fffe,e00d|fffe,e0dd)\\).*")) {
                continue;
            }
            int hash = line.indexOf(" #");
            // Sequence and item length style (defined or not) is encoding, not content.
            out.add((hash < 0 ? line : line.substring(0, hash)).strip()
                    .replaceAll("\\((Sequence|Item) with (explicit|undefined) length", "($1")
                    // dcmtk trims value padding when it re-encodes; the toolkit's normal form ignores padding too.
                    .replaceAll(" +\\]", "]").replace("[]", "(no value available)"));
        }
        return out;
    }

    private static String tail(String s) {
        return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
    }

    // ---- negative cases -----------------------------------------------------------------------------------

    @Test
    void unknownCallingAeIsRejectedWithTheRightReason() throws Exception {
        try (DicomServer guarded = DicomServer.start(ServerConfig.builder("GUARDED")
                .access(new AccessControl(Set.of("KNOWN"), List.of(), true)).build(), new DimseServiceRegistry(), null)) {
            AssociationRejectedException e = assertThrows(AssociationRejectedException.class,
                    () -> EchoScu.echo(ClientConfig.of("STRANGER"), new RemoteAe("GUARDED", "127.0.0.1", guarded.port())));
            assertEquals(new AssociateReject(1, 1, 3), e.reject());
            assertEquals(Status.SUCCESS, EchoScu.echo(ClientConfig.of("KNOWN"),
                    new RemoteAe("GUARDED", "127.0.0.1", guarded.port())));
            e = assertThrows(AssociationRejectedException.class,
                    () -> EchoScu.echo(ClientConfig.of("KNOWN"), new RemoteAe("SOMEONE", "127.0.0.1", guarded.port())));
            assertEquals(new AssociateReject(1, 1, 7), e.reject());
            // dcmtk sees the same rejection.
            Peers.Run r = peers.run(30, "echoscu", "-aet", "STRANGER", "-aec", "GUARDED", "127.0.0.1", "" + guarded.port());
            assertTrue(r.exit() != 0 && r.output().contains("Calling AE Title Not Recognized"), r.output());
        }
        try (DicomServer elsewhere = DicomServer.start(ServerConfig.builder("NET")
                .access(new AccessControl(Set.of(), List.of("10.0.0.0/8"), true)).build(), new DimseServiceRegistry(),
                null)) {
            AssociationRejectedException e = assertThrows(AssociationRejectedException.class,
                    () -> EchoScu.echo(ClientConfig.of("ANY"), new RemoteAe("NET", "127.0.0.1", elsewhere.port())));
            assertEquals(AssociateReject.NO_REASON, e.reject());
        }
    }

    @Test
    void unsupportedSopClassOrTransferSyntaxIsRejectedPerContext() throws Exception {
        try (DicomServer narrow = DicomServer.start(ServerConfig.builder("NARROW")
                .accept(new TransferCapability(SopClasses.SECONDARY_CAPTURE_IMAGE_STORAGE, TransferCapability.UNCOMPRESSED))
                .build(), new DimseServiceRegistry(), null)) {
            List<PresentationContext> proposed = List.of(
                    PresentationContext.proposed(1, SopClasses.SECONDARY_CAPTURE_IMAGE_STORAGE,
                            List.of(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid())),
                    PresentationContext.proposed(3, SopClasses.COMPUTED_RADIOGRAPHY_IMAGE_STORAGE,
                            List.of(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid())),
                    PresentationContext.proposed(5, SopClasses.SECONDARY_CAPTURE_IMAGE_STORAGE,
                            List.of("1.2.840.10008.1.2.4.50")));
            Association as = Association.connect(ClientConfig.of("PROBE"), new RemoteAe("NARROW", "127.0.0.1",
                    narrow.port()), proposed, List.of(), new DimseServiceRegistry());
            try {
                List<PresentationContext> answers = as.contextAnswers();
                assertEquals(PresentationContext.ACCEPTANCE, result(answers, 1));
                assertEquals(PresentationContext.ABSTRACT_SYNTAX_NOT_SUPPORTED, result(answers, 3));
                assertEquals(PresentationContext.TRANSFER_SYNTAXES_NOT_SUPPORTED, result(answers, 5));
            } finally {
                as.release();
            }
            // dcmtk's storescu meets the same refusal for a CT image and reports the file as not sent.
            Path ct = SharedData.dicomCorpus().resolve("pydicom/CT_small.dcm");
            Peers.Run r = peers.run(30, "storescu", "-R", "-aet", "SENDER", "-aec", "NARROW", "127.0.0.1",
                    "" + narrow.port(), ct.toString());
            assertTrue(r.exit() != 0 && r.output().contains("No Acceptable Presentation Contexts"), r.output());
        }
    }

    private static int result(List<PresentationContext> answers, int id) {
        return answers.stream().filter(pc -> pc.id() == id).findFirst().orElseThrow().result();
    }

    @Test
    void associationAbortedMidInstanceLeavesNothingDownstream() throws Exception {
        sendHalfAnInstanceThen(true, "1.2.3.4.5.6.7");
    }

    @Test
    void connectionDroppedMidInstanceLeavesNothingDownstream() throws Exception {
        sendHalfAnInstanceThen(false, "1.2.3.4.5.6.8");
    }

    /** Half a C-STORE, then A-ABORT ({@code abort}) or just a closed connection, as a crashed sender leaves it. */
    private static void sendHalfAnInstanceThen(boolean abort, String iuid) throws Exception {
        int before = handedOver.size();
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            out.write(Pdu.encodeAssociate(Pdu.ASSOCIATE_RQ, new AssociateRequest(AET, "HALFWAY",
                    AssociateRequest.DICOM_APPLICATION_CONTEXT, List.of(PresentationContext.proposed(1,
                            SopClasses.SECONDARY_CAPTURE_IMAGE_STORAGE, List.of(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid()))),
                    new UserInfo(16384, "1.2.3", null, List.of()))));
            assertEquals(Pdu.ASSOCIATE_AC, in.read());
            in.skipNBytes(1);
            in.skipNBytes(in.readInt());
            Attributes rq = Dimse.request(Dimse.C_STORE_RQ, SopClasses.SECONDARY_CAPTURE_IMAGE_STORAGE, 1, true);
            rq.setString(Tag.AffectedSOPInstanceUID, VR.UI, iuid);
            out.write(pdata(1, 3, Dimse.encode(rq)));
            // More than the spool's 64 KiB write buffer, so that the partial file holds data on disk and tells itself
            // apart from the empty spool files the service keeps created ahead.
            byte[] fragment = new byte[16000];
            for (int i = 0; i < 5; i++) {
                out.write(pdata(1, 0, fragment));
            }
            out.flush();
            awaitSpoolFiles(1);
            if (abort) {
                out.write(Pdu.encodeAbort(Pdu.ABORT_SOURCE_USER, 0));
                out.flush();
            }
        }
        awaitSpoolFiles(0);
        Thread.sleep(200);
        assertEquals(before, handedOver.size(), "an instance cut short must not reach the handler");
        assertFalse(Files.exists(store.resolve(iuid + ".dcm")));
    }

    /** Waits until the spool holds {@code n} files with data (partial or unclaimed instances). */
    private static void awaitSpoolFiles(int n) throws Exception {
        long deadline = System.currentTimeMillis() + 5000;
        long count = -1;
        while (System.currentTimeMillis() < deadline) {
            count = SpoolLeftovers.in(spool).size();
            if (count == n) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("spool holds " + count + " files, expected " + n);
    }

    private static byte[] pdata(int pcid, int control, byte[] data) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(12 + data.length);
        b.put((byte) Pdu.P_DATA_TF).put((byte) 0).putInt(6 + data.length).putInt(2 + data.length).put((byte) pcid)
                .put((byte) control).put(data);
        return b.array();
    }

    @Test
    void garbageIsAbortedWhileAnotherAssociationIsServed() throws Exception {
        Association busy = Association.connect(ClientConfig.of("BUSY"), new RemoteAe(AET, "127.0.0.1", server.port()),
                List.of(PresentationContext.proposed(1, SopClasses.VERIFICATION, TransferCapability.UNCOMPRESSED)),
                List.of(), new DimseServiceRegistry());
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            InputStream in = s.getInputStream();
            assertEquals(Pdu.ABORT, in.read(), "garbage must be answered with A-ABORT");
            in.skipNBytes(9);
            assertEquals(-1, in.read(), "and the connection closed");
        }
        // Garbage inside an established association: a PDV overrunning its PDU.
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            out.write(Pdu.encodeAssociate(Pdu.ASSOCIATE_RQ, new AssociateRequest(AET, "GARBLER",
                    AssociateRequest.DICOM_APPLICATION_CONTEXT, List.of(PresentationContext.proposed(1,
                            SopClasses.VERIFICATION, TransferCapability.UNCOMPRESSED)),
                    new UserInfo(16384, "1.2.3", null, List.of()))));
            assertEquals(Pdu.ASSOCIATE_AC, in.read());
            in.skipNBytes(1);
            in.skipNBytes(in.readInt());
            out.write(new byte[] {4, 0, 0, 0, 0, 8, 0, 0, 0x7F, 0, 1, 3, 0, 0});
            assertEquals(Pdu.ABORT, in.read());
        }
        try {
            int pcid = busy.findContext(SopClasses.VERIFICATION);
            DimseMessage rsp = busy.invoke(pcid, Dimse.request(Dimse.C_ECHO_RQ, SopClasses.VERIFICATION,
                    busy.nextMessageId(), false), null, null);
            assertEquals(Status.SUCCESS, rsp.status());
        } finally {
            busy.release();
        }
        assertEquals(Status.SUCCESS, EchoScu.echo(ClientConfig.of("AFTER"), new RemoteAe(AET, "127.0.0.1", server.port())));
        assertNotNull(busy.toString());
    }

    @Test
    void storeScuToStorescpReportsEveryStatus() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("storescp-out"));
        Path socks = Files.createTempDirectory(Path.of("/tmp"), "dn");
        int peerPort = FreePorts.freePort();
        int hostPort = Netns.available() ? FreePorts.freePort() : peerPort;
        Netns.start(peers, "storescp", socks, List.of(new Netns.Forward(peerPort, hostPort)), List.of(),
                "storescp", "-aet", "DCMTK", "-od", out.toString(), "+xa", "" + peerPort);
        Peers.awaitEcho("DCMTK", hostPort, 20);
        List<Path> files = storableCorpus().stream()
                .filter(f -> !FileMetaInfo.read(f).transferSyntax().startsWith("1.2.840.10008.1.2.4.2")).limit(40).toList();
        List<StoreScu.Result> results = StoreScu.store(ClientConfig.of("OURSCU"), new RemoteAe("DCMTK", "127.0.0.1",
                hostPort), files);
        assertEquals(files.size(), results.size());
        List<String> notStored = results.stream().filter(r -> !r.stored()).map(r -> r.file() + ": " + r.describe()).toList();
        assertTrue(notStored.isEmpty(), notStored + "\n" + peers.log("storescp"));
        Set<String> sent = new java.util.HashSet<>();
        results.forEach(r -> sent.add(r.sopInstance()));
        Set<String> received = new java.util.HashSet<>();
        try (Stream<Path> s = Files.list(out)) {
            s.forEach(p -> received.add(FileMetaInfo.read(p).sopInstance()));
        }
        assertEquals(sent, received);
    }
}
