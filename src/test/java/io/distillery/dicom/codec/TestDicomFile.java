package io.distillery.dicom.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Test-only Part 10 reader: just enough to get the Image Pixel attributes and the Pixel Data (native bytes or
 * encapsulated fragments) of the corpus files and dcmtk's output, in Explicit or Implicit VR Little Endian. The
 * toolkit's real reader lives in io.distillery.dicom.
 */
final class TestDicomFile {
    private static final Set<String> LONG_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN",
            "UR", "UT", "UV");

    String transferSyntax;
    int rows;
    int columns;
    int samplesPerPixel = 1;
    int bitsAllocated;
    int bitsStored;
    int pixelRepresentation;
    int planarConfiguration;
    int frames = 1;
    String photometric;
    byte[] nativePixels;
    byte[] basicOffsetTable;
    List<byte[]> fragments;
    /** File offset of the top-level Pixel Data element's tag, so tests can splice in new pixel data. */
    int pixelDataOffset = -1;
    final byte[] bytes;

    private final ByteBuffer buf;

    private TestDicomFile(byte[] bytes) {
        this.bytes = bytes;
        buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    static TestDicomFile read(Path path) throws IOException {
        TestDicomFile f = new TestDicomFile(Files.readAllBytes(path));
        f.parse();
        return f;
    }

    /** Native Pixel Data bytes, or null when the pixel data is encapsulated. */
    byte[] nativePixelData() {
        return nativePixels;
    }

    ImageDescriptor descriptor() {
        return new ImageDescriptor(rows, columns, samplesPerPixel, bitsAllocated, bitsStored, pixelRepresentation,
                photometric, planarConfiguration, frames);
    }

    List<byte[]> compressedFrames() {
        return EncapsulatedFrames.frames(basicOffsetTable, fragments, frames);
    }

    /** Native frame i, colour-by-pixel. */
    byte[] nativeFrame(int i) {
        int length = (int) descriptor().nativeFrameLength();
        byte[] frame = new byte[length];
        System.arraycopy(nativePixels, i * length, frame, 0, length);
        if (planarConfiguration == 1 && samplesPerPixel > 1) {
            int bytes = bitsAllocated / 8;
            int pixels = rows * columns;
            byte[] byPixel = new byte[length];
            for (int s = 0; s < samplesPerPixel; s++) {
                for (int p = 0; p < pixels; p++) {
                    System.arraycopy(frame, (s * pixels + p) * bytes, byPixel, (p * samplesPerPixel + s) * bytes, bytes);
                }
            }
            return byPixel;
        }
        return frame;
    }

    private void parse() {
        // Some corpus files have no preamble: they start with the group 0002 elements.
        boolean preamble = bytes.length > 132 && "DICM".equals(new String(bytes, 128, 4, StandardCharsets.US_ASCII));
        if (!preamble && (bytes.length < 8 || buf.getShort(0) != 0x0002)) {
            throw new IllegalArgumentException("not a Part 10 file");
        }
        buf.position(preamble ? 132 : 0);
        while (buf.remaining() > 8 && buf.getShort(buf.position()) == 0x0002) {
            readElement(true, 0);
        }
        boolean explicit = !"1.2.840.10008.1.2".equals(transferSyntax);
        while (buf.remaining() >= 8) {
            readElement(explicit, 0);
        }
    }

    private void readElement(boolean explicit, int depth) {
        int start = buf.position();
        int group = buf.getShort() & 0xFFFF;
        int element = buf.getShort() & 0xFFFF;
        int tag = group << 16 | element;
        if (tag == 0x7FE00010 && depth == 0) {
            pixelDataOffset = start;
        }
        String vr = null;
        long length;
        if (group == 0xFFFE) {
            length = buf.getInt() & 0xFFFFFFFFL;
        } else if (explicit) {
            vr = "" + (char) buf.get() + (char) buf.get();
            if (LONG_VRS.contains(vr)) {
                buf.getShort();
                length = buf.getInt() & 0xFFFFFFFFL;
            } else {
                length = buf.getShort() & 0xFFFF;
            }
        } else {
            length = buf.getInt() & 0xFFFFFFFFL;
        }
        if (length == 0xFFFFFFFFL) {
            if (tag == 0x7FE00010 && depth == 0) {
                readFragments();
            } else {
                skipUndefined(explicit && !"UN".equals(vr), depth);
            }
            return;
        }
        byte[] value = new byte[(int) length];
        buf.get(value);
        if (depth > 0) {
            return;
        }
        ByteBuffer v = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        switch (tag) {
            case 0x00020010 -> transferSyntax = text(value);
            case 0x00280002 -> samplesPerPixel = v.getShort() & 0xFFFF;
            case 0x00280004 -> photometric = text(value);
            case 0x00280006 -> planarConfiguration = v.getShort() & 0xFFFF;
            case 0x00280008 -> frames = Integer.parseInt(text(value));
            case 0x00280010 -> rows = v.getShort() & 0xFFFF;
            case 0x00280011 -> columns = v.getShort() & 0xFFFF;
            case 0x00280100 -> bitsAllocated = v.getShort() & 0xFFFF;
            case 0x00280101 -> bitsStored = v.getShort() & 0xFFFF;
            case 0x00280103 -> pixelRepresentation = v.getShort() & 0xFFFF;
            case 0x7FE00010 -> nativePixels = value;
            default -> { }
        }
    }

    /** Skips a sequence or item of undefined length up to its delimiter. */
    private void skipUndefined(boolean explicit, int depth) {
        while (buf.remaining() >= 8) {
            int group = buf.getShort(buf.position()) & 0xFFFF;
            int element = buf.getShort(buf.position() + 2) & 0xFFFF;
            if (group == 0xFFFE && (element == 0xE0DD || element == 0xE00D)) {
                buf.position(buf.position() + 8);
                return;
            }
            if (group == 0xFFFE && element == 0xE000) {
                buf.position(buf.position() + 4);
                long length = buf.getInt() & 0xFFFFFFFFL;
                if (length == 0xFFFFFFFFL) {
                    skipUndefined(explicit, depth + 1);
                } else {
                    buf.position(buf.position() + (int) length);
                }
                continue;
            }
            readElement(explicit, depth + 1);
        }
    }

    private void readFragments() {
        fragments = new ArrayList<>();
        boolean first = true;
        while (true) {
            int group = buf.getShort() & 0xFFFF;
            int element = buf.getShort() & 0xFFFF;
            int length = buf.getInt();
            if (group == 0xFFFE && element == 0xE0DD) {
                return;
            }
            byte[] value = new byte[length];
            buf.get(value);
            if (first) {
                basicOffsetTable = value;
                first = false;
            } else {
                fragments.add(value);
            }
        }
    }

    private static String text(byte[] value) {
        return new String(value, StandardCharsets.US_ASCII).replace("\0", "").trim();
    }

    /** This file's bytes up to its Pixel Data, then the given frames as encapsulated Pixel Data, empty BOT. */
    byte[] withEncapsulatedFrames(byte[][] frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes, 0, pixelDataOffset);
        ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        header.putShort((short) 0x7FE0).putShort((short) 0x0010).put((byte) 'O').put((byte) 'B').putShort((short) 0)
                .putInt(-1);
        out.writeBytes(header.array());
        out.writeBytes(item(0xE000, new byte[0]));
        for (byte[] frame : frames) {
            out.writeBytes(item(0xE000, frame.length % 2 == 0 ? frame : java.util.Arrays.copyOf(frame, frame.length + 1)));
        }
        out.writeBytes(item(0xE0DD, new byte[0]));
        return out.toByteArray();
    }

    private static byte[] item(int element, byte[] value) {
        ByteBuffer b = ByteBuffer.allocate(8 + value.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0xFFFE).putShort((short) element).putInt(value.length).put(value);
        return b.array();
    }
}
