package io.distillery.dicom.codec;

import io.distillery.dicom.DicomException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Groups the fragments of encapsulated Pixel Data (PS3.5 A.4) into frames. Offsets in the Basic and Extended
 * Offset Tables count from the first byte of the first fragment's Item tag, so each fragment occupies its length
 * plus 8 bytes of item header.
 */
public final class EncapsulatedFrames {
    private static final int ITEM_HEADER = 8;

    private EncapsulatedFrames() {
    }

    /**
     * @param basicOffsetTable the value of the first item (may be empty)
     * @param fragments the remaining items, in order
     * @param numberOfFrames Number of Frames (1 when absent)
     * @return one byte[] per frame, each the concatenation of its fragments
     */
    public static List<byte[]> frames(byte[] basicOffsetTable, List<byte[]> fragments, int numberOfFrames) {
        if (numberOfFrames < 1) {
            throw new DicomException("Number of Frames " + numberOfFrames + " is not positive");
        }
        if (fragments.isEmpty()) {
            throw new DicomException("encapsulated Pixel Data has no fragments");
        }
        if (basicOffsetTable != null && basicOffsetTable.length > 0) {
            if (basicOffsetTable.length % 4 != 0) {
                throw new DicomException("Basic Offset Table length " + basicOffsetTable.length
                        + " is not a multiple of 4");
            }
            long[] offsets = new long[basicOffsetTable.length / 4];
            for (int i = 0; i < offsets.length; i++) {
                offsets[i] = readUInt32LE(basicOffsetTable, i * 4);
            }
            if (offsets.length != numberOfFrames) {
                throw new DicomException("Basic Offset Table has " + offsets.length + " entries for "
                        + numberOfFrames + " frames");
            }
            return byOffsets(fragments, offsets, null);
        }
        if (numberOfFrames == 1) {
            return List.of(join(fragments, 0, fragments.size()));
        }
        if (fragments.size() == numberOfFrames) {
            return List.copyOf(fragments);
        }
        List<Integer> starts = frameStarts(fragments, true);
        if (starts.size() != numberOfFrames) {
            starts = frameStarts(fragments, false);
        }
        if (starts.size() != numberOfFrames) {
            throw new DicomException("cannot map " + fragments.size() + " fragments to " + numberOfFrames
                    + " frames: no offset table and " + starts.size() + " fragments start a codestream");
        }
        List<byte[]> frames = new ArrayList<>(numberOfFrames);
        for (int i = 0; i < starts.size(); i++) {
            int end = i + 1 < starts.size() ? starts.get(i + 1) : fragments.size();
            frames.add(join(fragments, starts.get(i), end));
        }
        return frames;
    }

    /**
     * Frames located by an Extended Offset Table (7FE0,0001) and its lengths (7FE0,0002), both uint64 values
     * counted like the Basic Offset Table's.
     */
    public static List<byte[]> framesByExtendedOffsetTable(List<byte[]> fragments, byte[] extendedOffsetTable,
            byte[] extendedOffsetTableLengths, int numberOfFrames) {
        if (extendedOffsetTable.length % 8 != 0 || extendedOffsetTable.length / 8 != numberOfFrames
                || extendedOffsetTableLengths.length != extendedOffsetTable.length) {
            throw new DicomException("Extended Offset Table (" + extendedOffsetTable.length / 8
                    + " entries) and its lengths (" + extendedOffsetTableLengths.length / 8
                    + ") do not match " + numberOfFrames + " frames");
        }
        long[] offsets = new long[numberOfFrames];
        long[] lengths = new long[numberOfFrames];
        for (int i = 0; i < numberOfFrames; i++) {
            offsets[i] = readInt64LE(extendedOffsetTable, i * 8);
            lengths[i] = readInt64LE(extendedOffsetTableLengths, i * 8);
        }
        return byOffsets(fragments, offsets, lengths);
    }

    private static List<byte[]> byOffsets(List<byte[]> fragments, long[] offsets, long[] lengths) {
        long[] fragmentStart = new long[fragments.size() + 1];
        for (int i = 0; i < fragments.size(); i++) {
            fragmentStart[i + 1] = fragmentStart[i] + ITEM_HEADER + fragments.get(i).length;
        }
        List<byte[]> frames = new ArrayList<>(offsets.length);
        int first = 0;
        for (int f = 0; f < offsets.length; f++) {
            while (first < fragments.size() && fragmentStart[first] < offsets[f]) {
                first++;
            }
            if (first >= fragments.size() || fragmentStart[first] != offsets[f]
                    || (f > 0 && offsets[f] <= offsets[f - 1])) {
                throw new DicomException("offset table entry " + f + " (" + offsets[f]
                        + ") does not point at the start of a fragment");
            }
            long nextOffset = f + 1 < offsets.length ? offsets[f + 1] : fragmentStart[fragments.size()];
            int last = first;
            while (last < fragments.size() && fragmentStart[last] < nextOffset) {
                last++;
            }
            byte[] frame = join(fragments, first, last);
            if (lengths != null) {
                if (lengths[f] < 0 || lengths[f] > frame.length) {
                    throw new DicomException("Extended Offset Table length " + lengths[f] + " of frame " + f
                            + " exceeds its " + frame.length + " bytes of fragments");
                }
                if (lengths[f] < frame.length) {
                    frame = java.util.Arrays.copyOf(frame, (int) lengths[f]); // drops the fragment's even padding
                }
            }
            frames.add(frame);
            first = last;
        }
        return frames;
    }

    /**
     * Fragments that begin a codestream: JPEG / JPEG-LS SOI (FFD8), a JPEG 2000 codestream SOC (FF4F) or a JP2
     * signature box. Strict mode also requires the previous fragment to end with an end marker (FFD9, which is
     * both JPEG EOI and J2K EOC, possibly followed by one padding byte), so that a fragment that merely happens to
     * start with those bytes inside a codestream does not split it.
     */
    private static List<Integer> frameStarts(List<byte[]> fragments, boolean strict) {
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < fragments.size(); i++) {
            if (i == 0) {
                starts.add(0);
                continue;
            }
            if (startsCodestream(fragments.get(i)) && (!strict || endsCodestream(fragments.get(i - 1)))) {
                starts.add(i);
            }
        }
        return starts;
    }

    private static boolean startsCodestream(byte[] f) {
        if (f.length >= 2 && (f[0] & 0xFF) == 0xFF && ((f[1] & 0xFF) == 0xD8 || (f[1] & 0xFF) == 0x4F)) {
            return true;
        }
        // JP2 signature box: length 12, type 'jP  '
        return f.length >= 12 && f[0] == 0 && f[1] == 0 && f[2] == 0 && f[3] == 12 && f[4] == 'j' && f[5] == 'P'
                && f[6] == ' ' && f[7] == ' ';
    }

    private static boolean endsCodestream(byte[] f) {
        int n = f.length;
        if (n >= 2 && (f[n - 2] & 0xFF) == 0xFF && (f[n - 1] & 0xFF) == 0xD9) {
            return true;
        }
        return n >= 3 && f[n - 1] == 0 && (f[n - 3] & 0xFF) == 0xFF && (f[n - 2] & 0xFF) == 0xD9;
    }

    private static byte[] join(List<byte[]> fragments, int from, int to) {
        if (to - from == 1) {
            return fragments.get(from);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = from; i < to; i++) {
            out.writeBytes(fragments.get(i));
        }
        return out.toByteArray();
    }

    private static long readUInt32LE(byte[] b, int pos) {
        return (b[pos] & 0xFFL) | (b[pos + 1] & 0xFFL) << 8 | (b[pos + 2] & 0xFFL) << 16 | (b[pos + 3] & 0xFFL) << 24;
    }

    private static long readInt64LE(byte[] b, int pos) {
        return readUInt32LE(b, pos) | readUInt32LE(b, pos + 4) << 32;
    }
}
