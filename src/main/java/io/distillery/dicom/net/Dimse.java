package io.distillery.dicom.net;

import io.distillery.dicom.Attributes;
import io.distillery.dicom.Tag;
import io.distillery.dicom.VR;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * DIMSE command sets (PS3.7 section 9 and E): command field values and the codec for the command group, which is
 * always Implicit VR Little Endian and holds only a few simple VRs, so it gets its own small encoder rather than
 * the full dataset writer.
 */
public final class Dimse {
    public static final int C_STORE_RQ = 0x0001;
    public static final int C_STORE_RSP = 0x8001;
    public static final int C_GET_RQ = 0x0010;
    public static final int C_GET_RSP = 0x8010;
    public static final int C_FIND_RQ = 0x0020;
    public static final int C_FIND_RSP = 0x8020;
    public static final int C_MOVE_RQ = 0x0021;
    public static final int C_MOVE_RSP = 0x8021;
    public static final int C_ECHO_RQ = 0x0030;
    public static final int C_ECHO_RSP = 0x8030;
    public static final int C_CANCEL_RQ = 0x0FFF;

    /** CommandDataSetType value meaning "no dataset follows". */
    public static final int NO_DATASET = 0x0101;
    public static final int PRIORITY_MEDIUM = 0;

    private static final Map<Integer, VR> COMMAND_VRS = Map.ofEntries(
            Map.entry(Tag.CommandGroupLength, VR.UL),
            Map.entry(Tag.AffectedSOPClassUID, VR.UI),
            Map.entry(Tag.RequestedSOPClassUID, VR.UI),
            Map.entry(Tag.CommandField, VR.US),
            Map.entry(Tag.MessageID, VR.US),
            Map.entry(Tag.MessageIDBeingRespondedTo, VR.US),
            Map.entry(Tag.MoveDestination, VR.AE),
            Map.entry(Tag.Priority, VR.US),
            Map.entry(Tag.CommandDataSetType, VR.US),
            Map.entry(Tag.Status, VR.US),
            Map.entry(Tag.OffendingElement, VR.AT),
            Map.entry(Tag.ErrorComment, VR.LO),
            Map.entry(Tag.AffectedSOPInstanceUID, VR.UI),
            Map.entry(Tag.RequestedSOPInstanceUID, VR.UI),
            Map.entry(Tag.NumberOfRemainingSuboperations, VR.US),
            Map.entry(Tag.NumberOfCompletedSuboperations, VR.US),
            Map.entry(Tag.NumberOfFailedSuboperations, VR.US),
            Map.entry(Tag.NumberOfWarningSuboperations, VR.US),
            Map.entry(Tag.MoveOriginatorApplicationEntityTitle, VR.AE),
            Map.entry(0x00001031, VR.US));

    private Dimse() {
    }

    public static boolean isResponse(int commandField) {
        return (commandField & 0x8000) != 0;
    }

    public static boolean hasDataset(Attributes command) {
        return command.getInt(Tag.CommandDataSetType, NO_DATASET) != NO_DATASET;
    }

    /** A request command: field, SOP class (affected), message ID and whether a dataset follows. */
    public static Attributes request(int field, String sopClass, int messageId, boolean dataset) {
        Attributes c = new Attributes();
        c.setString(Tag.AffectedSOPClassUID, VR.UI, sopClass);
        c.setInt(Tag.CommandField, VR.US, field);
        c.setInt(Tag.MessageID, VR.US, messageId);
        if (field != C_ECHO_RQ) {
            c.setInt(Tag.Priority, VR.US, PRIORITY_MEDIUM);
        }
        c.setInt(Tag.CommandDataSetType, VR.US, dataset ? 0 : NO_DATASET);
        return c;
    }

    /** The response to {@code rq} with a status, echoing affected SOP class and instance. */
    public static Attributes response(Attributes rq, int status, boolean dataset) {
        Attributes c = new Attributes();
        c.setString(Tag.AffectedSOPClassUID, VR.UI, rq.getString(Tag.AffectedSOPClassUID, ""));
        c.setInt(Tag.CommandField, VR.US, rq.getInt(Tag.CommandField, 0) | 0x8000);
        c.setInt(Tag.MessageIDBeingRespondedTo, VR.US, rq.getInt(Tag.MessageID, 0));
        c.setInt(Tag.CommandDataSetType, VR.US, dataset ? 0 : NO_DATASET);
        c.setInt(Tag.Status, VR.US, status);
        String iuid = rq.getString(Tag.AffectedSOPInstanceUID);
        if (iuid != null) {
            c.setString(Tag.AffectedSOPInstanceUID, VR.UI, iuid);
        }
        return c;
    }

    /** Implicit VR Little Endian bytes of a command set, with its group length first. */
    public static byte[] encode(Attributes command) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(128);
        command.forEach((tag, vr, value) -> {
            if (tag == Tag.CommandGroupLength) {
                return;
            }
            byte[] v = valueBytes(vr, value);
            ByteBuffer h = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            h.putShort((short) (tag >>> 16)).putShort((short) tag).putInt(v.length);
            body.writeBytes(h.array());
            body.writeBytes(v);
        });
        ByteBuffer out = ByteBuffer.allocate(12 + body.size()).order(ByteOrder.LITTLE_ENDIAN);
        out.putShort((short) 0).putShort((short) 0).putInt(4).putInt(body.size());
        out.put(body.toByteArray());
        return out.array();
    }

    private static byte[] valueBytes(VR vr, Object value) {
        if (value == null) {
            return new byte[0];
        }
        if (value instanceof byte[] b) {
            return b;
        }
        byte[] s = value.toString().getBytes(StandardCharsets.US_ASCII);
        if ((s.length & 1) == 0) {
            return s;
        }
        byte[] padded = java.util.Arrays.copyOf(s, s.length + 1);
        padded[s.length] = (byte) (vr == VR.UI ? 0 : ' ');
        return padded;
    }

    /** Decodes a command set; a malformed one is a protocol error. */
    public static Attributes decode(byte[] bytes, int length) {
        ByteBuffer b = ByteBuffer.wrap(bytes, 0, length).order(ByteOrder.LITTLE_ENDIAN);
        Attributes c = new Attributes();
        try {
            while (b.hasRemaining()) {
                int tag = ((b.getShort() & 0xFFFF) << 16) | (b.getShort() & 0xFFFF);
                int len = b.getInt();
                if (len < 0 || len > b.remaining() || (tag >>> 16) != 0) {
                    throw new Pdu.ProtocolException("malformed DIMSE command set at " + Tag.toString(tag), false);
                }
                byte[] v = new byte[len];
                b.get(v);
                VR vr = COMMAND_VRS.getOrDefault(tag, VR.UN);
                if (vr.isStringLike()) {
                    c.setString(tag, vr, new String(v, StandardCharsets.US_ASCII).replace("\0", "").trim());
                } else {
                    c.setBytes(tag, vr, v);
                }
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new Pdu.ProtocolException("truncated DIMSE command set", false);
        }
        return c;
    }

    public static String commandName(int field) {
        return switch (field) {
            case C_STORE_RQ -> "C-STORE-RQ";
            case C_STORE_RSP -> "C-STORE-RSP";
            case C_GET_RQ -> "C-GET-RQ";
            case C_GET_RSP -> "C-GET-RSP";
            case C_FIND_RQ -> "C-FIND-RQ";
            case C_FIND_RSP -> "C-FIND-RSP";
            case C_MOVE_RQ -> "C-MOVE-RQ";
            case C_MOVE_RSP -> "C-MOVE-RSP";
            case C_ECHO_RQ -> "C-ECHO-RQ";
            case C_ECHO_RSP -> "C-ECHO-RSP";
            case C_CANCEL_RQ -> "C-CANCEL-RQ";
            default -> String.format("command 0x%04X", field);
        };
    }
}
