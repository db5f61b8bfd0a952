package io.distillery.dicom;

import java.util.Arrays;
import java.util.Objects;

/**
 * Compares datasets by their normal-form values (see {@link Attributes}): same tags, same VRs, equal strings, equal
 * little-endian bytes whether held in memory or by {@link BulkData} reference, equal items and fragments. Used to
 * check that a transcode or a write/read round trip lost nothing.
 */
public final class DatasetEquality {
    private DatasetEquality() {
    }

    public static boolean equal(Attributes a, Attributes b) {
        return describeDifference(a, b) == null;
    }

    /** The first difference as one line ("(0010,0010) value: ..."), or null when the datasets are equal. */
    public static String describeDifference(Attributes a, Attributes b) {
        return diff(a, b, "");
    }

    private static String diff(Attributes a, Attributes b, String path) {
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
            if (va != vb) {
                return where + " VR " + va + " != " + vb;
            }
            String d = diffValue(va, a.getValue(tag), b.getValue(tag), where);
            if (d != null) {
                return d;
            }
            i++;
            j++;
        }
        return null;
    }

    private static String diffValue(VR vr, Object x, Object y, String where) {
        if (x instanceof Sequence sx) {
            if (!(y instanceof Sequence sy)) {
                return where + " sequence vs " + kindOf(y);
            }
            if (sx.size() != sy.size()) {
                return where + " " + sx.size() + " items vs " + sy.size();
            }
            for (int k = 0; k < sx.size(); k++) {
                String d = diff(sx.get(k), sy.get(k), where + "[" + k + "]");
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
        byte[] bx = bytes(vr, x);
        byte[] by = bytes(vr, y);
        if (bx == null || by == null) {
            return where + " " + kindOf(x) + " vs " + kindOf(y);
        }
        if (!Arrays.equals(bx, by)) {
            return where + " bytes differ (" + bx.length + " vs " + by.length + " bytes)";
        }
        return null;
    }

    /** Little-endian bytes of a binary value held in memory or by reference. */
    static byte[] bytes(VR vr, Object v) {
        if (v instanceof byte[] b) {
            return b;
        }
        if (v instanceof BulkData bd) {
            byte[] b = bd.bytes();
            if (bd.bigEndian()) {
                Values.swap(b, DicomReader.swapUnit(vr));
            }
            return b;
        }
        return null;
    }

    private static String kindOf(Object v) {
        return v == null ? "empty" : v.getClass().getSimpleName();
    }
}
