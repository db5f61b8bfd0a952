package io.distillery.dicom.codec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Test-only reader for explicit VR little-endian Part 10 files: top-level elements by tag, and Pixel Data either
 * native or as encapsulated fragments. Just enough to feed codecs from the corpus; the toolkit's real reader lives
 * elsewhere.
 */
final class TestDicomFile {
    private static final Set<String> LONG_VRS = Set.of("OB", "OW", "OF", "OD", "OL", "OV", "SQ", "UT", "UN", "UC",
            "UR", "SV", "UV");
    private static final int PIXEL_DATA = 0x7FE00010;

    final String transferSyntax;
    private final Map<Integer, byte[]> elements = new HashMap<>();
    /** Encapsulated Pixel Data: the Basic Offset Table item first, then the fragments. Empty when native. */
    final List<byte[]> items = new ArrayList<>();

    private TestDicomFile(ByteBuffer buf) {
        // Some corpus files have no preamble: they start with the group 2 elements.
        boolean preamble = buf.limit() > 132 && buf.get(128) == 'D' && buf.get(129) == 'I' && buf.get(130) == 'C'
                && buf.get(131) == 'M';
        buf.order(ByteOrder.LITTLE_ENDIAN).position(preamble ? 132 : 0);
        readElements(buf, buf.limit(), true);
        transferSyntax = string(0x00020010);
        if (!"1.2.840.10008.1.2.1".equals(transferSyntax) && !transferSyntax.startsWith("1.2.840.10008.1.2.4")) {
            throw new IllegalArgumentException("test reader handles explicit VR little endian only: "
                    + transferSyntax);
        }
    }

    static TestDicomFile read(Path file) throws IOException {
        return new TestDicomFile(ByteBuffer.wrap(Files.readAllBytes(file)));
    }

    private void readElements(ByteBuffer buf, int end, boolean topLevel) {
        while (buf.position() + 8 <= end) {
            int tag = (buf.getShort() & 0xFFFF) << 16 | buf.getShort() & 0xFFFF;
            if (tag == 0xFFFEE00D || tag == 0xFFFEE0DD) {
                buf.getInt();
                return;
            }
            String vr = new String(new byte[] {buf.get(), buf.get()}, StandardCharsets.US_ASCII);
            long length = LONG_VRS.contains(vr) ? (buf.getShort() == 0 ? buf.getInt() & 0xFFFFFFFFL : 0)
                    : buf.getShort() & 0xFFFF;
            if (length == 0xFFFFFFFFL) {
                if (tag == PIXEL_DATA && topLevel) {
                    readFragments(buf);
                } else {
                    skipItems(buf);
                }
                continue;
            }
            byte[] value = new byte[(int) length];
            buf.get(value);
            if (topLevel) {
                elements.put(tag, value);
            }
        }
    }

    private void skipItems(ByteBuffer buf) {
        while (true) {
            int tag = (buf.getShort() & 0xFFFF) << 16 | buf.getShort() & 0xFFFF;
            long length = buf.getInt() & 0xFFFFFFFFL;
            if (tag == 0xFFFEE0DD) {
                return;
            }
            if (length == 0xFFFFFFFFL) {
                readElements(buf, buf.limit(), false);
            } else {
                buf.position(buf.position() + (int) length);
            }
        }
    }

    private void readFragments(ByteBuffer buf) {
        while (true) {
            int tag = (buf.getShort() & 0xFFFF) << 16 | buf.getShort() & 0xFFFF;
            int length = buf.getInt();
            if (tag == 0xFFFEE0DD) {
                return;
            }
            byte[] item = new byte[length];
            buf.get(item);
            items.add(item);
        }
    }

    int us(int tag) {
        byte[] v = elements.get(tag);
        return v == null ? 0 : (v[0] & 0xFF) | (v[1] & 0xFF) << 8;
    }

    String string(int tag) {
        byte[] v = elements.get(tag);
        return v == null ? "" : new String(v, StandardCharsets.US_ASCII).replace("\0", "").trim();
    }

    byte[] nativePixelData() {
        return elements.get(PIXEL_DATA);
    }

    int frames() {
        String s = string(0x00280008);
        return s.isEmpty() ? 1 : Integer.parseInt(s);
    }

    ImageDescriptor descriptor() {
        return new ImageDescriptor(us(0x00280010), us(0x00280011), us(0x00280002), us(0x00280100), us(0x00280101),
                us(0x00280103), string(0x00280004), us(0x00280006), frames());
    }

    /**
     * The compressed frames, for the layouts these tests use: one frame in any number of fragments, one fragment
     * per frame, or several fragments per frame located by the Basic Offset Table.
     */
    List<byte[]> compressedFrames() {
        List<byte[]> fragments = items.subList(1, items.size());
        int frames = frames();
        if (frames == fragments.size()) {
            return List.copyOf(fragments);
        }
        byte[] bot = items.get(0);
        if (frames == 1 || bot.length == 4 * frames) {
            List<byte[]> result = new ArrayList<>();
            ByteBuffer offsets = ByteBuffer.wrap(bot).order(ByteOrder.LITTLE_ENDIAN);
            long[] starts = new long[frames + 1];
            for (int f = 0; f < frames; f++) {
                starts[f] = frames == 1 ? 0 : offsets.getInt(4 * f) & 0xFFFFFFFFL;
            }
            starts[frames] = Long.MAX_VALUE;
            long offset = 0;
            int f = -1;
            java.io.ByteArrayOutputStream current = null;
            for (byte[] fragment : fragments) {
                if (f + 1 < frames && offset == starts[f + 1]) {
                    if (current != null) {
                        result.add(current.toByteArray());
                    }
                    current = new java.io.ByteArrayOutputStream();
                    f++;
                }
                current.writeBytes(fragment);
                offset += 8 + fragment.length;
            }
            result.add(current.toByteArray());
            return result;
        }
        // No offset table: a test-only heuristic, new frame where a fragment starts with an SOI marker.
        List<byte[]> result = new ArrayList<>();
        java.io.ByteArrayOutputStream current = null;
        for (byte[] fragment : fragments) {
            boolean soi = fragment.length > 2 && (fragment[0] & 0xFF) == 0xFF && (fragment[1] & 0xFF) == 0xD8;
            if (soi || current == null) {
                if (current != null) {
                    result.add(current.toByteArray());
                }
                current = new java.io.ByteArrayOutputStream();
            }
            current.writeBytes(fragment);
        }
        result.add(current.toByteArray());
        if (result.size() != frames) {
            throw new IllegalArgumentException(frames + " frames but " + result.size() + " SOI fragments");
        }
        return result;
    }
}
