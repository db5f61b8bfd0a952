package io.distillery.dicom.net;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Encoding and decoding of the upper layer PDUs of PS3.8 section 9.3 other than P-DATA-TF, which
 * {@link Association} streams itself. Bodies are the bytes after the 6-byte PDU header.
 */
public final class Pdu {
    public static final int ASSOCIATE_RQ = 0x01;
    public static final int ASSOCIATE_AC = 0x02;
    public static final int ASSOCIATE_RJ = 0x03;
    public static final int P_DATA_TF = 0x04;
    public static final int RELEASE_RQ = 0x05;
    public static final int RELEASE_RP = 0x06;
    public static final int ABORT = 0x07;

    /** A-ABORT sources and reasons (PS3.8 9.3.8). */
    public static final int ABORT_SOURCE_USER = 0;
    public static final int ABORT_SOURCE_PROVIDER = 2;
    public static final int ABORT_REASON_NOT_SPECIFIED = 0;
    public static final int ABORT_REASON_UNRECOGNIZED_PDU = 1;
    public static final int ABORT_REASON_UNEXPECTED_PDU = 2;
    public static final int ABORT_REASON_INVALID_PARAMETER = 6;

    private Pdu() {
    }

    /** A-ASSOCIATE-RQ (type 1) or -AC (type 2) with header. */
    public static byte[] encodeAssociate(int type, AssociateRequest a) {
        ByteArrayOutputStream items = new ByteArrayOutputStream();
        item(items, 0x10, ascii(a.applicationContext()));
        for (PresentationContext pc : a.contexts()) {
            ByteArrayOutputStream sub = new ByteArrayOutputStream();
            sub.write(pc.id());
            sub.write(0);
            sub.write(type == ASSOCIATE_RQ ? 0 : pc.result());
            sub.write(0);
            if (type == ASSOCIATE_RQ) {
                item(sub, 0x30, ascii(pc.abstractSyntax()));
            }
            for (String ts : pc.transferSyntaxes()) {
                item(sub, 0x40, ascii(ts));
            }
            item(items, type == ASSOCIATE_RQ ? 0x20 : 0x21, sub.toByteArray());
        }
        UserInfo u = a.userInfo();
        ByteArrayOutputStream user = new ByteArrayOutputStream();
        item(user, 0x51, ByteBuffer.allocate(4).putInt((int) u.maxPduLength()).array());
        item(user, 0x52, ascii(u.implementationClassUid()));
        for (RoleSelection r : u.roleSelections()) {
            byte[] uid = ascii(r.sopClass());
            ByteBuffer b = ByteBuffer.allocate(4 + uid.length);
            b.putShort((short) uid.length).put(uid).put((byte) (r.scu() ? 1 : 0)).put((byte) (r.scp() ? 1 : 0));
            item(user, 0x54, b.array());
        }
        if (u.implementationVersionName() != null) {
            item(user, 0x55, ascii(u.implementationVersionName()));
        }
        item(items, 0x50, user.toByteArray());

        byte[] body = items.toByteArray();
        ByteBuffer pdu = ByteBuffer.allocate(6 + 68 + body.length);
        pdu.put((byte) type).put((byte) 0).putInt(68 + body.length);
        pdu.putShort((short) 1).putShort((short) 0);
        pdu.put(aet(a.calledAet())).put(aet(a.callingAet())).put(new byte[32]).put(body);
        return pdu.array();
    }

    /** Decodes the body of A-ASSOCIATE-RQ/AC; malformed input gives a {@link ProtocolException}. */
    public static AssociateRequest decodeAssociate(int type, byte[] body) {
        try {
            ByteBuffer b = ByteBuffer.wrap(body);
            int version = b.getShort() & 0xFFFF;
            if ((version & 1) == 0) {
                throw new ProtocolException("protocol version " + version + " not supported", true);
            }
            b.getShort();
            String called = trimAet(b, 16);
            String calling = trimAet(b, 16);
            b.position(b.position() + 32);
            String appContext = null;
            List<PresentationContext> contexts = new ArrayList<>();
            UserInfo user = new UserInfo(0, null, null, List.of());
            while (b.hasRemaining()) {
                int itemType = b.get() & 0xFF;
                b.get();
                int len = b.getShort() & 0xFFFF;
                ByteBuffer item = slice(b, len);
                switch (itemType) {
                    case 0x10 -> appContext = string(item, len);
                    case 0x20, 0x21 -> contexts.add(decodeContext(itemType, item));
                    case 0x50 -> user = decodeUserInfo(item);
                    default -> {
                        // Unknown items are skipped, as PS3.8 9.3.1 asks of receivers.
                    }
                }
            }
            if (appContext == null) {
                throw new ProtocolException("A-ASSOCIATE without application context", false);
            }
            return new AssociateRequest(called, calling, appContext, contexts, user);
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw new ProtocolException("malformed A-ASSOCIATE PDU (type " + type + ")", false);
        }
    }

    private static PresentationContext decodeContext(int itemType, ByteBuffer b) {
        int id = b.get() & 0xFF;
        b.get();
        int result = b.get() & 0xFF;
        b.get();
        String abstractSyntax = null;
        List<String> ts = new ArrayList<>();
        while (b.hasRemaining()) {
            int sub = b.get() & 0xFF;
            b.get();
            int len = b.getShort() & 0xFFFF;
            ByteBuffer v = slice(b, len);
            if (sub == 0x30) {
                abstractSyntax = string(v, len);
            } else if (sub == 0x40) {
                ts.add(string(v, len));
            }
        }
        return new PresentationContext(id, abstractSyntax, ts, itemType == 0x20 ? PresentationContext.ACCEPTANCE : result);
    }

    private static UserInfo decodeUserInfo(ByteBuffer b) {
        long max = 0;
        String implClass = null;
        String implVersion = null;
        List<RoleSelection> roles = new ArrayList<>();
        while (b.hasRemaining()) {
            int sub = b.get() & 0xFF;
            b.get();
            int len = b.getShort() & 0xFFFF;
            ByteBuffer v = slice(b, len);
            switch (sub) {
                case 0x51 -> max = v.getInt() & 0xFFFFFFFFL;
                case 0x52 -> implClass = string(v, len);
                case 0x54 -> {
                    int uidLen = v.getShort() & 0xFFFF;
                    String uid = string(slice(v, uidLen), uidLen);
                    roles.add(new RoleSelection(uid, v.get() == 1, v.get() == 1));
                }
                case 0x55 -> implVersion = string(v, len);
                default -> {
                    // Asynchronous window, extended negotiation, user identity: not used, left unanswered.
                }
            }
        }
        return new UserInfo(max, implClass, implVersion, roles);
    }

    public static byte[] encodeReject(AssociateReject rj) {
        return new byte[] {ASSOCIATE_RJ, 0, 0, 0, 0, 4, 0, (byte) rj.result(), (byte) rj.source(), (byte) rj.reason()};
    }

    public static AssociateReject decodeReject(byte[] body) {
        if (body.length < 4) {
            throw new ProtocolException("malformed A-ASSOCIATE-RJ", false);
        }
        return new AssociateReject(body[1] & 0xFF, body[2] & 0xFF, body[3] & 0xFF);
    }

    public static byte[] encodeAbort(int source, int reason) {
        return new byte[] {ABORT, 0, 0, 0, 0, 4, 0, 0, (byte) source, (byte) reason};
    }

    public static byte[] encodeRelease(int type) {
        return new byte[] {(byte) type, 0, 0, 0, 0, 4, 0, 0, 0, 0};
    }

    private static void item(ByteArrayOutputStream out, int type, byte[] value) {
        out.write(type);
        out.write(0);
        out.write(value.length >> 8);
        out.write(value.length);
        out.writeBytes(value);
    }

    private static ByteBuffer slice(ByteBuffer b, int len) {
        if (len > b.remaining()) {
            throw new IllegalArgumentException("item overruns its parent");
        }
        ByteBuffer s = b.slice();
        s.limit(len);
        b.position(b.position() + len);
        return s;
    }

    private static String string(ByteBuffer b, int len) {
        byte[] bytes = new byte[len];
        b.get(bytes);
        // UIDs may arrive padded with NUL or blanks.
        return new String(bytes, StandardCharsets.US_ASCII).replace("\0", "").trim();
    }

    private static String trimAet(ByteBuffer b, int len) {
        return string(b, len);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] aet(String s) {
        byte[] out = new byte[16];
        java.util.Arrays.fill(out, (byte) ' ');
        byte[] v = ascii(s);
        System.arraycopy(v, 0, out, 0, Math.min(16, v.length));
        return out;
    }

    /** A violation of the upper layer protocol by the peer; {@code versionRejected} asks for A-ASSOCIATE-RJ instead of abort. */
    public static final class ProtocolException extends DicomNetworkException {
        private static final long serialVersionUID = 1L;
        private final boolean versionRejected;

        public ProtocolException(String message, boolean versionRejected) {
            super(message);
            this.versionRejected = versionRejected;
        }

        public boolean versionRejected() {
            return versionRejected;
        }
    }
}
