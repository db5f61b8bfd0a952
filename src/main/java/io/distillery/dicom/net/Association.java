package io.distillery.dicom.net;

import io.distillery.dicom.Implementation;

import io.distillery.dicom.Attributes;
import io.distillery.dicom.Tag;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One DICOM association over a socket (plain or TLS): the upper layer state machine of PS3.8 9.2 reduced to what
 * real peers exercise (establish, data transfer, release, abort), P-DATA fragmentation both ways, and DIMSE
 * message assembly. Dataset fragments go straight to a {@link DataSink} as they arrive, so a C-STORE is never held
 * whole in memory. Not thread-safe for reading: one thread drives an association.
 */
public final class Association implements Closeable {
    /** Largest non-P-DATA PDU accepted (an A-ASSOCIATE-RQ with hundreds of contexts stays far below). */
    private static final int MAX_CONTROL_PDU = 1 << 20;
    /** Sending cap when the peer announces "unlimited" (0). */
    private static final int UNLIMITED_SEND_PDU = 1 << 20;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final boolean requestor;
    private final DimseServiceRegistry services;
    private final int ourMaxPdu;
    private AssociateRequest request;
    private AssociateRequest accept;
    private final Map<Integer, PresentationContext> accepted = new LinkedHashMap<>();
    private int peerMaxData;
    private int idleTimeoutMillis;
    private int nextMessageId = 1;
    private volatile boolean closed;

    // Reading state: the current P-DATA PDU and the message being assembled.
    private byte[] pdu;
    private int pduPos;
    private int pduEnd;
    private final ByteArrayOutputStream commandBytes = new ByteArrayOutputStream(256);
    private Attributes pendingCommand;
    private int pendingPcid;
    private DataSink sink;

    private Association(Socket socket, boolean requestor, DimseServiceRegistry services, int ourMaxPdu)
            throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
        this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        this.requestor = requestor;
        this.services = services;
        this.ourMaxPdu = ourMaxPdu;
        this.pdu = new byte[Math.max(ourMaxPdu, 16 * 1024)];
    }

    // ---- establishment ----------------------------------------------------------------------------------------

    /**
     * Opens an association as requestor: connects, proposes {@code contexts} and {@code roles}, and waits (ARTIM)
     * for the answer. A rejection is an {@link AssociationRejectedException}.
     */
    public static Association connect(ClientConfig config, RemoteAe remote, List<PresentationContext> contexts,
            List<RoleSelection> roles, DimseServiceRegistry services) {
        Socket socket = null;
        try {
            socket = config.tls() != null ? config.tls().clientSocketFactory().createSocket() : new Socket();
            socket.connect(new InetSocketAddress(remote.host(), remote.port()), config.connectTimeoutMillis());
            if (socket instanceof javax.net.ssl.SSLSocket ssl) {
                ssl.startHandshake();
            }
            Association as = new Association(socket, true, services, config.maxPduLength());
            as.request = new AssociateRequest(remote.aet(), config.callingAet(), AssociateRequest.DICOM_APPLICATION_CONTEXT,
                    contexts, new UserInfo(config.maxPduLength(), Implementation.CLASS_UID, Implementation.VERSION_NAME,
                            roles));
            as.writeRaw(Pdu.encodeAssociate(Pdu.ASSOCIATE_RQ, as.request));
            socket.setSoTimeout(config.artimTimeoutMillis());
            int type = as.readPduHeader();
            byte[] body = as.readControlBody();
            switch (type) {
                case Pdu.ASSOCIATE_AC -> as.accepted(Pdu.decodeAssociate(type, body));
                case Pdu.ASSOCIATE_RJ -> throw new AssociationRejectedException(Pdu.decodeReject(body));
                case Pdu.ABORT -> throw new DicomNetworkException("association aborted by " + remote + " during negotiation");
                default -> {
                    as.abort(Pdu.ABORT_SOURCE_PROVIDER, Pdu.ABORT_REASON_UNEXPECTED_PDU);
                    throw new Pdu.ProtocolException("unexpected PDU type " + type + " from " + remote, false);
                }
            }
            socket.setSoTimeout(config.responseTimeoutMillis());
            as.idleTimeoutMillis = config.responseTimeoutMillis();
            return as;
        } catch (DicomNetworkException e) {
            closeQuietly(socket);
            throw e;
        } catch (IOException e) {
            closeQuietly(socket);
            throw new DicomNetworkException("cannot associate with " + remote + ": " + describe(e), e);
        }
    }

    private void accepted(AssociateRequest ac) {
        this.accept = ac;
        Map<Integer, PresentationContext> proposed = new LinkedHashMap<>();
        for (PresentationContext pc : request.contexts()) {
            proposed.put(pc.id(), pc);
        }
        for (PresentationContext pc : ac.contexts()) {
            PresentationContext rq = proposed.get(pc.id());
            if (rq != null && pc.accepted() && pc.transferSyntax() != null) {
                accepted.put(pc.id(), new PresentationContext(pc.id(), rq.abstractSyntax(), pc.transferSyntaxes(),
                        PresentationContext.ACCEPTANCE));
            }
        }
        peerMaxData = maxData(ac.userInfo().maxPduLength());
    }

    /**
     * Runs the acceptor side of establishment on a freshly accepted socket: waits (ARTIM) for A-ASSOCIATE-RQ, applies
     * the access rules and answers AC or RJ. Returns null when the association was rejected or the peer misbehaved
     * (the socket is closed then).
     */
    static Association accept(Socket socket, ServerConfig config, DimseServiceRegistry services,
            AssociationListener listener) throws IOException {
        Association as = new Association(socket, false, services, config.maxPduLength());
        socket.setSoTimeout(config.artimTimeoutMillis());
        try {
            int type = as.readPduHeader();
            if (type != Pdu.ASSOCIATE_RQ) {
                as.abort(Pdu.ABORT_SOURCE_PROVIDER, Pdu.ABORT_REASON_UNEXPECTED_PDU);
                listener.onProtocolError(socket.getInetAddress(), "expected A-ASSOCIATE-RQ, got PDU type " + type);
                return null;
            }
            AssociateRequest rq;
            try {
                rq = Pdu.decodeAssociate(type, as.readControlBody());
            } catch (Pdu.ProtocolException e) {
                if (e.versionRejected()) {
                    as.reject(AssociateReject.PROTOCOL_VERSION_NOT_SUPPORTED);
                } else {
                    as.abort(Pdu.ABORT_SOURCE_PROVIDER, Pdu.ABORT_REASON_INVALID_PARAMETER);
                }
                listener.onProtocolError(socket.getInetAddress(), e.getMessage());
                return null;
            }
            as.request = rq;
            AssociateReject rj = config.access().check(rq, socket.getInetAddress(), config.aet());
            if (rj == null && !AssociateRequest.DICOM_APPLICATION_CONTEXT.equals(rq.applicationContext())) {
                rj = AssociateReject.APPLICATION_CONTEXT_NOT_SUPPORTED;
            }
            if (rj != null) {
                as.reject(rj);
                listener.onRejected(rq, socket.getInetAddress(), rj);
                return null;
            }
            List<PresentationContext> answers = new ArrayList<>();
            for (PresentationContext pc : rq.contexts()) {
                answers.add(TransferCapability.negotiate(config.capabilities(), pc));
            }
            List<RoleSelection> roles = new ArrayList<>();
            for (RoleSelection r : rq.userInfo().roleSelections()) {
                // This AE never acts as SCU on an association it accepted, so only the requestor's SCU role stands.
                roles.add(new RoleSelection(r.sopClass(), r.scu(), false));
            }
            AssociateRequest ac = new AssociateRequest(rq.calledAet(), rq.callingAet(), rq.applicationContext(), answers,
                    new UserInfo(config.maxPduLength(), Implementation.CLASS_UID, Implementation.VERSION_NAME, roles));
            as.writeRaw(Pdu.encodeAssociate(Pdu.ASSOCIATE_AC, ac));
            as.accept = ac;
            for (int i = 0; i < answers.size(); i++) {
                PresentationContext answer = answers.get(i);
                if (answer.accepted()) {
                    as.accepted.put(answer.id(), new PresentationContext(answer.id(), rq.contexts().get(i).abstractSyntax(),
                            answer.transferSyntaxes(), PresentationContext.ACCEPTANCE));
                }
            }
            as.peerMaxData = maxData(rq.userInfo().maxPduLength());
            as.idleTimeoutMillis = config.idleTimeoutMillis();
            socket.setSoTimeout(config.idleTimeoutMillis());
            return as;
        } catch (Pdu.ProtocolException e) {
            as.abort(Pdu.ABORT_SOURCE_PROVIDER, Pdu.ABORT_REASON_UNRECOGNIZED_PDU);
            listener.onProtocolError(socket.getInetAddress(), e.getMessage());
            return null;
        } catch (SocketTimeoutException e) {
            as.abort(Pdu.ABORT_SOURCE_PROVIDER, Pdu.ABORT_REASON_NOT_SPECIFIED);
            listener.onProtocolError(socket.getInetAddress(), "no A-ASSOCIATE-RQ within the ARTIM timeout");
            return null;
        }
    }

    private static int maxData(long peerMaxPdu) {
        // One PDV per PDU: the PDV item header (length 4, context 1, control 1) takes 6 bytes.
        long max = peerMaxPdu == 0 ? UNLIMITED_SEND_PDU : Math.min(peerMaxPdu, UNLIMITED_SEND_PDU);
        return (int) Math.max(max - 6, 1);
    }

    private void reject(AssociateReject rj) throws IOException {
        writeRaw(Pdu.encodeReject(rj));
        closeQuietly(socket);
        closed = true;
    }

    // ---- what was negotiated ----------------------------------------------------------------------------------

    public String callingAet() {
        return request.callingAet();
    }

    public String calledAet() {
        return request.calledAet();
    }

    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) socket.getRemoteSocketAddress();
    }

    /** The peer's implementation class UID and version name. */
    public String peerImplementation() {
        UserInfo u = (requestor ? accept : request).userInfo();
        return u.implementationClassUid() + (u.implementationVersionName() == null ? "" : " " + u.implementationVersionName());
    }

    /** The accepted presentation contexts by id (abstract syntax, the one transfer syntax). */
    public Map<Integer, PresentationContext> acceptedContexts() {
        return Collections.unmodifiableMap(accepted);
    }

    /** All answers to our proposals (requestor) or to the peer's (acceptor), including rejections. */
    public List<PresentationContext> contextAnswers() {
        return accept.contexts();
    }

    public String transferSyntax(int pcid) {
        PresentationContext pc = accepted.get(pcid);
        return pc == null ? null : pc.transferSyntax();
    }

    /** An accepted context for the abstract syntax with one of the transfer syntaxes in order, or -1. */
    public int findContext(String abstractSyntax, List<String> transferSyntaxes) {
        for (String ts : transferSyntaxes) {
            for (PresentationContext pc : accepted.values()) {
                if (pc.abstractSyntax().equals(abstractSyntax) && pc.transferSyntax().equals(ts)) {
                    return pc.id();
                }
            }
        }
        return -1;
    }

    /** Any accepted context for the abstract syntax, or -1. */
    public int findContext(String abstractSyntax) {
        for (PresentationContext pc : accepted.values()) {
            if (pc.abstractSyntax().equals(abstractSyntax)) {
                return pc.id();
            }
        }
        return -1;
    }

    public synchronized int nextMessageId() {
        int id = nextMessageId;
        nextMessageId = nextMessageId == 0xFFFF ? 1 : nextMessageId + 1;
        return id;
    }

    public boolean isOpen() {
        return !closed;
    }

    // ---- sending ----------------------------------------------------------------------------------------------

    /** Sends a command and its dataset (may be null), split into PDVs no larger than the peer accepts. */
    public synchronized void send(int pcid, Attributes command, byte[] dataset) throws IOException {
        byte[] cmd = Dimse.encode(command);
        sendFragments(pcid, true, new java.io.ByteArrayInputStream(cmd), cmd.length);
        if (dataset != null) {
            sendFragments(pcid, false, new java.io.ByteArrayInputStream(dataset), dataset.length);
        }
        out.flush();
    }

    /** Sends a command followed by {@code length} dataset bytes streamed from {@code dataset}. */
    public synchronized void send(int pcid, Attributes command, InputStream dataset, long length) throws IOException {
        byte[] cmd = Dimse.encode(command);
        sendFragments(pcid, true, new java.io.ByteArrayInputStream(cmd), cmd.length);
        sendFragments(pcid, false, dataset, length);
        out.flush();
    }

    private void sendFragments(int pcid, boolean command, InputStream data, long length) throws IOException {
        // Fragments must have even lengths (PS3.5 7.1); an odd deflated stream gets its NUL pad byte (PS3.5 A.5).
        long padded = length + (length & 1);
        byte[] buf = new byte[(int) Math.min(peerMaxData & ~1, Math.max(padded, 2))];
        long remaining = padded;
        do {
            int n = (int) Math.min(buf.length, remaining);
            int want = (int) Math.min(n, remaining - (padded - length));
            if (data.readNBytes(buf, 0, want) < want) {
                throw new EOFException("dataset shorter than announced");
            }
            if (want < n) {
                buf[n - 1] = 0;
            }
            remaining -= n;
            int control = (command ? 1 : 0) | (remaining == 0 ? 2 : 0);
            int pdvLength = n + 2;
            writeHeader(Pdu.P_DATA_TF, pdvLength + 4);
            out.write(pdvLength >>> 24);
            out.write(pdvLength >>> 16);
            out.write(pdvLength >>> 8);
            out.write(pdvLength);
            out.write(pcid);
            out.write(control);
            out.write(buf, 0, n);
        } while (remaining > 0);
    }

    private void writeHeader(int type, int length) throws IOException {
        out.write(type);
        out.write(0);
        out.write(length >>> 24);
        out.write(length >>> 16);
        out.write(length >>> 8);
        out.write(length);
    }

    private synchronized void writeRaw(byte[] pduBytes) throws IOException {
        out.write(pduBytes);
        out.flush();
    }

    // ---- receiving --------------------------------------------------------------------------------------------

    /**
     * Reads the next complete DIMSE message. Returns null when the peer released the association (an acceptor
     * answers A-RELEASE-RP first). A peer abort, a lost connection, garbage or an idle timeout end the association
     * with a {@link DicomNetworkException}, after discarding any partly received dataset.
     */
    public DimseMessage readMessage() {
        try {
            while (true) {
                if (pduPos >= pduEnd) {
                    if (!nextPData()) {
                        return null;
                    }
                    continue;
                }
                DimseMessage m = nextPdv();
                if (m != null) {
                    return m;
                }
            }
        } catch (SocketTimeoutException e) {
            abortAndDiscard(Pdu.ABORT_SOURCE_PROVIDER, Pdu.ABORT_REASON_NOT_SPECIFIED);
            throw new DicomNetworkException("association idle for " + idleTimeoutMillis + " ms; aborted");
        } catch (Pdu.ProtocolException e) {
            abortAndDiscard(Pdu.ABORT_SOURCE_PROVIDER, Pdu.ABORT_REASON_INVALID_PARAMETER);
            throw e;
        } catch (DicomNetworkException e) {
            discardPartial();
            closeQuietly(socket);
            closed = true;
            throw e;
        } catch (IOException e) {
            discardPartial();
            closeQuietly(socket);
            closed = true;
            throw new DicomNetworkException("connection lost: " + describe(e), e);
        }
    }

    /** Reads PDUs until a P-DATA-TF; false on release. */
    private boolean nextPData() throws IOException {
        int type = readPduHeader();
        switch (type) {
            case Pdu.P_DATA_TF -> {
                if (pduLength > pdu.length) {
                    if (pduLength > Math.max(ourMaxPdu, 16 * 1024) * 4L) {
                        throw new Pdu.ProtocolException("P-DATA-TF of " + pduLength + " bytes exceeds the maximum "
                                + ourMaxPdu, false);
                    }
                    pdu = new byte[(int) pduLength];
                }
                in.readFully(pdu, 0, (int) pduLength);
                pduPos = 0;
                pduEnd = (int) pduLength;
                return true;
            }
            case Pdu.RELEASE_RQ -> {
                readControlBody();
                if (sink != null || pendingCommand != null || commandBytes.size() > 0) {
                    throw new Pdu.ProtocolException("A-RELEASE-RQ in the middle of a DIMSE message", false);
                }
                writeRaw(Pdu.encodeRelease(Pdu.RELEASE_RP));
                close();
                return false;
            }
            case Pdu.ABORT -> {
                readControlBody();
                throw new AssociationAbortedException("association aborted by the peer");
            }
            default -> throw new Pdu.ProtocolException("unexpected PDU type " + type + " during data transfer", false);
        }
    }

    private DimseMessage nextPdv() throws IOException {
        if (pduEnd - pduPos < 6) {
            throw new Pdu.ProtocolException("truncated PDV item", false);
        }
        int itemLength = ((pdu[pduPos] & 0xFF) << 24) | ((pdu[pduPos + 1] & 0xFF) << 16) | ((pdu[pduPos + 2] & 0xFF) << 8)
                | (pdu[pduPos + 3] & 0xFF);
        if (itemLength < 2 || itemLength > pduEnd - pduPos - 4) {
            throw new Pdu.ProtocolException("PDV item length " + itemLength + " overruns its PDU", false);
        }
        int pcid = pdu[pduPos + 4] & 0xFF;
        int control = pdu[pduPos + 5] & 0xFF;
        int off = pduPos + 6;
        int len = itemLength - 2;
        pduPos += 4 + itemLength;
        boolean command = (control & 1) != 0;
        boolean last = (control & 2) != 0;
        if (!accepted.containsKey(pcid)) {
            throw new Pdu.ProtocolException("PDV on presentation context " + pcid + " that was not accepted", false);
        }
        if (command) {
            if (pendingCommand != null) {
                throw new Pdu.ProtocolException("command fragment while a dataset was expected", false);
            }
            commandBytes.write(pdu, off, len);
            if (!last) {
                return null;
            }
            byte[] cmdBytes = commandBytes.toByteArray();
            commandBytes.reset();
            Attributes cmd = Dimse.decode(cmdBytes, cmdBytes.length);
            if (!Dimse.hasDataset(cmd)) {
                return new DimseMessage(pcid, cmd, null);
            }
            pendingCommand = cmd;
            pendingPcid = pcid;
            int field = cmd.getInt(Tag.CommandField, 0);
            if (Dimse.isResponse(field)) {
                sink = new MemorySink();
            } else {
                DimseService service = services.find(field, cmd.getString(Tag.AffectedSOPClassUID));
                // A request nobody serves is answered "not supported" without keeping its dataset.
                sink = service == null ? DISCARD : service.openDataSink(this, pcid, cmd);
                if (sink == null) {
                    sink = new MemorySink();
                }
            }
            return null;
        }
        if (pendingCommand == null || pcid != pendingPcid) {
            throw new Pdu.ProtocolException("dataset fragment without its command", false);
        }
        sink.write(pdu, off, len);
        if (!last) {
            return null;
        }
        DimseMessage m = new DimseMessage(pcid, pendingCommand, sink.finish());
        pendingCommand = null;
        sink = null;
        return m;
    }

    private long pduLength;

    /** Reads a PDU header and validates type and length; garbage becomes a protocol error. */
    private int readPduHeader() throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("connection closed by the peer");
        }
        in.readUnsignedByte();
        pduLength = in.readInt() & 0xFFFFFFFFL;
        if (type < Pdu.ASSOCIATE_RQ || type > Pdu.ABORT) {
            throw new Pdu.ProtocolException(String.format("unrecognized PDU type 0x%02X", type), false);
        }
        if (type != Pdu.P_DATA_TF && pduLength > MAX_CONTROL_PDU) {
            throw new Pdu.ProtocolException("PDU type " + type + " with implausible length " + pduLength, false);
        }
        return type;
    }

    private byte[] readControlBody() throws IOException {
        byte[] body = new byte[(int) pduLength];
        in.readFully(body);
        return body;
    }

    // ---- DIMSE request/response -------------------------------------------------------------------------------

    /** Receives responses to one request; pending ones arrive before the final one. */
    @FunctionalInterface
    public interface ResponseHandler {
        void onResponse(DimseMessage response) throws IOException;
    }

    /**
     * Sends a request and reads until its final response, passing every response (pending and final) to
     * {@code handler}. Requests the peer sends meanwhile (C-STORE sub-operations of a C-GET) go to the registered
     * services. Returns the final response.
     */
    public DimseMessage invoke(int pcid, Attributes rq, byte[] dataset, ResponseHandler handler) throws IOException {
        send(pcid, rq, dataset);
        return awaitResponse(rq.getInt(Tag.MessageID, 0), handler);
    }

    /** Like {@link #invoke(int, Attributes, byte[], ResponseHandler)} with a streamed dataset. */
    public DimseMessage invoke(int pcid, Attributes rq, InputStream dataset, long length, ResponseHandler handler)
            throws IOException {
        send(pcid, rq, dataset, length);
        return awaitResponse(rq.getInt(Tag.MessageID, 0), handler);
    }

    private DimseMessage awaitResponse(int messageId, ResponseHandler handler) throws IOException {
        while (true) {
            DimseMessage m = readMessage();
            if (m == null) {
                throw new DicomNetworkException("peer released the association before responding");
            }
            if (!Dimse.isResponse(m.commandField())) {
                services.dispatch(this, m);
                continue;
            }
            if (m.command().getInt(Tag.MessageIDBeingRespondedTo, -1) != messageId) {
                continue;
            }
            if (handler != null) {
                handler.onResponse(m);
            }
            if (!Status.isPending(m.status())) {
                return m;
            }
        }
    }

    /** Acceptor loop: serves requests until the peer releases; ends with an exception on abort or error. */
    public void serve() throws IOException {
        while (true) {
            DimseMessage m = readMessage();
            if (m == null) {
                return;
            }
            if (!Dimse.isResponse(m.commandField())) {
                services.dispatch(this, m);
            }
        }
    }

    // ---- release and abort ------------------------------------------------------------------------------------

    /** Orderly release (requestor): A-RELEASE-RQ, then wait for A-RELEASE-RP. */
    public void release() {
        if (closed) {
            return;
        }
        try {
            writeRaw(Pdu.encodeRelease(Pdu.RELEASE_RQ));
            while (true) {
                int type = readPduHeader();
                if (type == Pdu.P_DATA_TF) {
                    in.skipNBytes(pduLength);
                    continue;
                }
                readControlBody();
                if (type == Pdu.RELEASE_RP || type == Pdu.ABORT) {
                    break;
                }
                if (type == Pdu.RELEASE_RQ) {
                    // Release collision (PS3.8 9.2.2.1): the requestor answers RP and waits for the peer's RP.
                    writeRaw(Pdu.encodeRelease(Pdu.RELEASE_RP));
                }
            }
        } catch (IOException | DicomNetworkException e) {
            // The association ends either way; nothing is pending after a completed DIMSE exchange.
        } finally {
            close();
        }
    }

    /** A-ABORT as service user, then close. */
    public void abort() {
        abortAndDiscard(Pdu.ABORT_SOURCE_USER, Pdu.ABORT_REASON_NOT_SPECIFIED);
    }

    /**
     * Aborts from another thread (server shutdown): sends A-ABORT and closes the socket only; the thread reading
     * the association then fails and discards its partial instance itself, so the sink is never touched concurrently.
     */
    void abortFromOutside() {
        if (!closed) {
            try {
                writeRaw(Pdu.encodeAbort(Pdu.ABORT_SOURCE_PROVIDER, Pdu.ABORT_REASON_NOT_SPECIFIED));
            } catch (IOException e) {
                // The socket is closed below either way.
            }
        }
        closeQuietly(socket);
    }

    private void abortAndDiscard(int source, int reason) {
        discardPartial();
        abort(source, reason);
    }

    private void abort(int source, int reason) {
        if (!closed) {
            try {
                writeRaw(Pdu.encodeAbort(source, reason));
            } catch (IOException e) {
                // The peer may already be gone; the socket is closed below either way.
            }
        }
        close();
    }

    private void discardPartial() {
        if (sink != null) {
            sink.discard();
            sink = null;
        }
        pendingCommand = null;
        commandBytes.reset();
    }

    @Override
    public void close() {
        closed = true;
        discardPartial();
        closeQuietly(socket);
    }

    private static void closeQuietly(Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // Closing a socket that failed is best effort.
            }
        }
    }

    static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    @Override
    public String toString() {
        return request.callingAet() + "->" + request.calledAet() + "@" + socket.getRemoteSocketAddress();
    }

    private static final DataSink DISCARD = new DataSink() {
        @Override
        public void write(byte[] buffer, int offset, int length) {
        }

        @Override
        public Object finish() {
            return null;
        }

        @Override
        public void discard() {
        }
    };

    /** Collects a small dataset (query identifiers, responses) in memory. */
    private static final class MemorySink implements DataSink {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public void write(byte[] buffer, int offset, int length) {
            bytes.write(buffer, offset, length);
        }

        @Override
        public Object finish() {
            return bytes.toByteArray();
        }

        @Override
        public void discard() {
            bytes.reset();
        }
    }
}
