package io.distillery.dicom.net;

import io.distillery.dicom.DicomException;
import io.distillery.dicom.Tag;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The Part 10 file meta information the network layer needs (PS3.10 7.1): enough to name what a file holds and
 * where its dataset starts when sending it, and to write the header of a spooled instance before its dataset
 * bytes stream in. The meta group is always Explicit VR Little Endian.
 */
public record FileMetaInfo(String sopClass, String sopInstance, String transferSyntax, String implementationClassUid,
        String implementationVersionName, String sourceAet, long datasetOffset) {

    /** Writes preamble, "DICM" and the meta group. */
    public void write(OutputStream out) throws IOException {
        ByteArrayOutputStream group = new ByteArrayOutputStream(256);
        element(group, Tag.FileMetaInformationVersion, "OB", new byte[] {0, 1});
        element(group, Tag.MediaStorageSOPClassUID, "UI", uid(sopClass));
        element(group, Tag.MediaStorageSOPInstanceUID, "UI", uid(sopInstance));
        element(group, Tag.TransferSyntaxUID, "UI", uid(transferSyntax));
        element(group, Tag.ImplementationClassUID, "UI", uid(implementationClassUid));
        if (implementationVersionName != null) {
            element(group, Tag.ImplementationVersionName, "SH", text(implementationVersionName));
        }
        if (sourceAet != null && !sourceAet.isEmpty()) {
            element(group, Tag.SourceApplicationEntityTitle, "AE", text(sourceAet));
        }
        out.write(new byte[128]);
        out.write(new byte[] {'D', 'I', 'C', 'M'});
        ByteArrayOutputStream length = new ByteArrayOutputStream(12);
        element(length, Tag.FileMetaInformationGroupLength, "UL",
                ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(group.size()).array());
        length.writeTo(out);
        group.writeTo(out);
    }

    private static void element(ByteArrayOutputStream out, int tag, String vr, byte[] value) {
        boolean longHeader = vr.equals("OB");
        ByteBuffer h = ByteBuffer.allocate(longHeader ? 12 : 8).order(ByteOrder.LITTLE_ENDIAN);
        h.putShort((short) (tag >>> 16)).putShort((short) tag).put((byte) vr.charAt(0)).put((byte) vr.charAt(1));
        if (longHeader) {
            h.putShort((short) 0).putInt(value.length);
        } else {
            h.putShort((short) value.length);
        }
        out.writeBytes(h.array());
        out.writeBytes(value);
    }

    private static byte[] uid(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return (b.length & 1) == 0 ? b : Arrays.copyOf(b, b.length + 1);
    }

    private static byte[] text(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        if ((b.length & 1) == 0) {
            return b;
        }
        byte[] p = Arrays.copyOf(b, b.length + 1);
        p[b.length] = ' ';
        return p;
    }

    /** Reads the meta group of a Part 10 file; a file without one is a clear {@link DicomException}. */
    public static FileMetaInfo read(Path file) {
        try (InputStream raw = Files.newInputStream(file)) {
            DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw, 8192));
            byte[] head = in.readNBytes(132);
            long pos;
            byte[] pending;
            if (head.length == 132 && head[128] == 'D' && head[129] == 'I' && head[130] == 'C' && head[131] == 'M') {
                pos = 132;
                pending = new byte[0];
            } else if (head.length >= 2 && head[0] == 2 && head[1] == 0) {
                // No preamble: the meta group starts at offset 0.
                pos = 0;
                pending = head;
            } else {
                throw new DicomException(file + ": not a DICOM Part 10 file (no DICM prefix and no file meta)");
            }
            InputStream src = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(pending), in);
            DataInputStream d = new DataInputStream(src);
            String cls = null;
            String inst = null;
            String ts = null;
            String impl = null;
            String ver = null;
            String aet = null;
            while (true) {
                d.mark(0);
                byte[] hdr = d.readNBytes(8);
                if (hdr.length < 8) {
                    break;
                }
                ByteBuffer h = ByteBuffer.wrap(hdr).order(ByteOrder.LITTLE_ENDIAN);
                int group = h.getShort() & 0xFFFF;
                int elem = h.getShort() & 0xFFFF;
                if (group != 2) {
                    break;
                }
                String vr = new String(hdr, 4, 2, StandardCharsets.US_ASCII);
                long len;
                int headerLength = 8;
                if (vr.equals("OB") || vr.equals("OW") || vr.equals("UN") || vr.equals("SQ") || vr.equals("UT")) {
                    len = Integer.toUnsignedLong(Integer.reverseBytes(d.readInt()));
                    headerLength = 12;
                } else {
                    len = h.getShort(6) & 0xFFFF;
                }
                if (len > 1 << 16) {
                    throw new DicomException(file + ": implausible file meta element length " + len);
                }
                byte[] v = d.readNBytes((int) len);
                if (v.length < len) {
                    throw new EOFException();
                }
                pos += headerLength + len;
                String s = new String(v, StandardCharsets.US_ASCII).replace("\0", "").trim();
                switch ((group << 16) | elem) {
                    case Tag.MediaStorageSOPClassUID -> cls = s;
                    case Tag.MediaStorageSOPInstanceUID -> inst = s;
                    case Tag.TransferSyntaxUID -> ts = s;
                    case Tag.ImplementationClassUID -> impl = s;
                    case Tag.ImplementationVersionName -> ver = s;
                    case Tag.SourceApplicationEntityTitle -> aet = s;
                    default -> {
                    }
                }
            }
            if (cls == null || inst == null || ts == null) {
                throw new DicomException(file + ": file meta lacks SOP class, SOP instance or transfer syntax UID");
            }
            return new FileMetaInfo(cls, inst, ts, impl, ver, aet, pos);
        } catch (EOFException e) {
            throw new DicomException(file + ": truncated file meta information");
        } catch (IOException e) {
            throw new DicomException(file + ": " + e.getMessage(), e);
        }
    }
}
