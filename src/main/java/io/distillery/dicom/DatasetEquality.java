package io.distillery.dicom;

import java.util.Arrays;
import java.util.Objects;

/**
 * Compares datasets by their normal-form values (see {@link Attributes}): same tags, same VRs, equal strings, equal
 * little-endian bytes whether held in memory or by {@link BulkData} reference, equal items and fragments. Used to
 * check that a transcode or a write/read round trip lost nothing.
 *
 * <p>Two normalisations are part of equality: an odd-length binary value equals itself padded with one NUL byte
 * (writers must pad to even length), and, when {@code implicitVR} is set, a VR the implicit encoding cannot carry
 * may differ (private elements, UN, dictionary VRs such as "US or SS"); the values must then encode to the same
 * bytes.
 */
public final class DatasetEquality {
    private DatasetEquality() {
    }

    public static boolean equal(Attributes a, Attributes b) {
        return describeDifference(a, b) == null;
    }

    /** The first difference as one line ("(0010,0010) value: ..."), or null when the datasets are equal. */
    public static String describeDifference(Attributes a, Attributes b) {
        return diff(a, b, "", false);
    }

    /** As {@link #describeDifference} for a dataset {@code b} that went through Implicit VR Little Endian. */
    public static String describeDifferenceAfterImplicitVR(Attributes a, Attributes b) {
        return diff(a, b, "", true);
    }

    private static String diff(Attributes a, Attributes b, String path, boolean implicitVR) {
        int[] ta = a.tags();
        int[] tb = b.tags();
        int i = 0;
        int j = 0;
        while (i < ta.length || j < tb.length) {
            if (j >= tb.length || i < ta.length && Integer.compareUnsigned(ta[i], tb[j]) < 0) {
                return path + Tag.toString(ta[i]) + " only in the first dataset";
            }
            if (i >= ta.length || Integer.compareUnsigned(ta[i], tb[j]) > 0) {
                return path + Tag.toString(tb[j]) + " only in the second dataset";
            }
            int tag = ta[i];
            String where = path + Tag.toString(tag);
            VR va = a.getVR(tag);
            VR vb = b.getVR(tag);
            String d;
            if (va != vb) {
                if (!implicitVR || !vrLostInImplicit(tag, va, vb)) {
                    return where + " VR " + va + " != " + vb;
                }
                d = diffEncoded(tag, va, a.getValue(tag), vb, b.getValue(tag), where, a, b);
            } else {
                d = diffValue(tag, va, a.getValue(tag), b.getValue(tag), where, implicitVR, a, b);
            }
            if (d != null) {
                return d;
            }
            i++;
            j++;
        }
        return null;
    }

    private static boolean vrLostInImplicit(int tag, VR va, VR vb) {
        return Tag.isPrivate(tag) || va == VR.UN || vb == VR.UN || ElementDictionary.ambiguousVR(tag) != null;
    }

    private static String diffEncoded(int tag, VR va, Object x, VR vb, Object y, String where, Attributes a,
            Attributes b) {
        if (x instanceof Sequence || y instanceof Sequence) {
            if (x instanceof Sequence && y instanceof Sequence) {
                return diffValue(tag, VR.SQ, x, y, where, true, a, b);
            }
            return where + " " + kindOf(x) + " vs " + kindOf(y);
        }
        byte[] ex = encoded(tag, va, x, a);
        byte[] ey = encoded(tag, vb, y, b);
        return Arrays.equals(ex, ey) ? null : where + " encoded bytes differ (" + ex.length + " vs " + ey.length + ")";
    }

    private static byte[] encoded(int tag, VR vr, Object v, Attributes ds) {
        Object value = v instanceof BulkData ? bytes(tag, vr, v, ds) : v;
        if (value instanceof Fragments) {
            return new byte[0];
        }
        return DicomWriter.encodeValue(tag, vr, value, DicomWriter.charsetOf(ds.specificCharacterSet()), 1);
    }

    private static String diffValue(int tag, VR vr, Object x, Object y, String where, boolean implicitVR,
            Attributes a, Attributes b) {
        if (x instanceof Sequence sx) {
            if (!(y instanceof Sequence sy)) {
                return where + " sequence vs " + kindOf(y);
            }
            if (sx.size() != sy.size()) {
                return where + " " + sx.size() + " items vs " + sy.size();
            }
            for (int k = 0; k < sx.size(); k++) {
                String d = diff(sx.get(k), sy.get(k), where + "[" + k + "]", implicitVR);
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (x instanceof Fragments fx) {
            if (!(y instanceof Fragments fy)) {
                return where + " fragments vs " + kindOf(y);
            }
            if (fx.items().size() != fy.items().size()) {
                return where + " " + fx.items().size() + " fragment items vs " + fy.items().size();
            }
            for (int k = 0; k < fx.items().size(); k++) {
                if (!Arrays.equals(Fragments.bytesOf(fx.items().get(k)), Fragments.bytesOf(fy.items().get(k)))) {
                    return where + " fragment item " + k + " differs";
                }
            }
            return null;
        }
        if (x instanceof String || y instanceof String || x == null || y == null) {
            return Objects.equals(x, y) ? null : where + " value \"" + x + "\" vs \"" + y + "\"";
        }
        byte[] bx = bytes(tag, vr, x, a);
        byte[] by = bytes(tag, vr, y, b);
        if (bx == null || by == null) {
            return where + " " + kindOf(x) + " vs " + kindOf(y);
        }
        if (!Arrays.equals(bx, by) && !paddedCopy(bx, by) && !paddedCopy(by, bx)) {
            return where + " bytes differ (" + bx.length + " vs " + by.length + " bytes)";
        }
        return null;
    }

    /** True when {@code longer} is {@code odd} followed by one NUL pad byte. */
    private static boolean paddedCopy(byte[] odd, byte[] longer) {
        return (odd.length & 1) == 1 && longer.length == odd.length + 1 && longer[odd.length] == 0
                && Arrays.equals(odd, 0, odd.length, longer, 0, odd.length);
    }

    /** Little-endian bytes of a binary value held in memory or by reference. */
    static byte[] bytes(int tag, VR vr, Object v, Attributes ds) {
        if (v instanceof byte[] b) {
            return b;
        }
        if (v instanceof BulkData bd) {
            byte[] b = bd.bytes();
            if (bd.bigEndian()) {
                Values.swap(b, Values.swapUnit(tag, vr, ds));
            }
            return b;
        }
        return null;
    }

    private static String kindOf(Object v) {
        return v == null ? "empty" : v.getClass().getSimpleName();
    }
}
