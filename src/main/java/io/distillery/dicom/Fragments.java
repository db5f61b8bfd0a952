package io.distillery.dicom;

import java.util.ArrayList;
import java.util.List;

/**
 * Encapsulated pixel data (PS3.5 A.4): the Basic Offset Table item followed by the fragments, each either a
 * {@code byte[]} or a {@link BulkData} reference.
 */
public final class Fragments {
    private final List<Object> items = new ArrayList<>();

    /** Item 0, the Basic Offset Table (possibly empty), then one entry per fragment. */
    public List<Object> items() {
        return items;
    }

    public void add(Object fragment) {
        if (!(fragment instanceof byte[]) && !(fragment instanceof BulkData)) {
            throw new IllegalArgumentException("fragment must be byte[] or BulkData");
        }
        items.add(fragment);
    }

    /** The Basic Offset Table item's bytes (empty when there is none). */
    public byte[] basicOffsetTable() {
        return items.isEmpty() ? new byte[0] : bytesOf(items.get(0));
    }

    /** Number of fragments after the Basic Offset Table. */
    public int fragmentCount() {
        return Math.max(0, items.size() - 1);
    }

    /** Bytes of fragment {@code i} (0-based, not counting the offset table), loaded if held by reference. */
    public byte[] fragment(int i) {
        return bytesOf(items.get(i + 1));
    }

    public static byte[] bytesOf(Object item) {
        return item instanceof BulkData b ? b.bytes() : (byte[]) item;
    }

    public static long lengthOf(Object item) {
        return item instanceof BulkData b ? b.length() : ((byte[]) item).length;
    }
}
