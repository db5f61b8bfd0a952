package io.distillery.dicom;

import java.math.BigDecimal;
import java.nio.ByteBuffer;

/** Conversions between little-endian binary values and Java numbers or strings. */
public final class Values {
    private Values() {
    }

    public static int[] toInts(VR vr, byte[] b) {
        ByteBuffer bb = Attributes.le(b);
        int n;
        int[] out;
        switch (vr) {
            case US, OW -> {
                n = b.length / 2;
                out = new int[n];
                for (int i = 0; i < n; i++) {
                    out[i] = bb.getShort(2 * i) & 0xFFFF;
                }
            }
            case SS -> {
                n = b.length / 2;
                out = new int[n];
                for (int i = 0; i < n; i++) {
                    out[i] = bb.getShort(2 * i);
                }
            }
            case UL, SL, OL -> {
                n = b.length / 4;
                out = new int[n];
                for (int i = 0; i < n; i++) {
                    out[i] = bb.getInt(4 * i);
                }
            }
            case AT -> {
                n = b.length / 4;
                out = new int[n];
                for (int i = 0; i < n; i++) {
                    out[i] = ((bb.getShort(4 * i) & 0xFFFF) << 16) | (bb.getShort(4 * i + 2) & 0xFFFF);
                }
            }
            case SV, UV -> {
                n = b.length / 8;
                out = new int[n];
                for (int i = 0; i < n; i++) {
                    out[i] = (int) bb.getLong(8 * i);
                }
            }
            case FL -> {
                n = b.length / 4;
                out = new int[n];
                for (int i = 0; i < n; i++) {
                    out[i] = Math.round(bb.getFloat(4 * i));
                }
            }
            case FD -> {
                n = b.length / 8;
                out = new int[n];
                for (int i = 0; i < n; i++) {
                    out[i] = (int) Math.round(bb.getDouble(8 * i));
                }
            }
            case OB -> {
                out = new int[b.length];
                for (int i = 0; i < b.length; i++) {
                    out[i] = b[i] & 0xFF;
                }
            }
            default -> out = new int[0];
        }
        return out;
    }

    public static double[] toDoubles(VR vr, byte[] b) {
        ByteBuffer bb = Attributes.le(b);
        if (vr == VR.FL || vr == VR.OF) {
            double[] out = new double[b.length / 4];
            for (int i = 0; i < out.length; i++) {
                out[i] = bb.getFloat(4 * i);
            }
            return out;
        }
        if (vr == VR.FD || vr == VR.OD) {
            double[] out = new double[b.length / 8];
            for (int i = 0; i < out.length; i++) {
                out[i] = bb.getDouble(8 * i);
            }
            return out;
        }
        if (vr == VR.UL || vr == VR.UV) {
            long[] l = toLongs(vr, b);
            double[] out = new double[l.length];
            for (int i = 0; i < l.length; i++) {
                out[i] = vr == VR.UV && l[i] < 0 ? new BigDecimal(Long.toUnsignedString(l[i])).doubleValue() : l[i];
            }
            return out;
        }
        int[] ints = toInts(vr, b);
        double[] out = new double[ints.length];
        for (int i = 0; i < ints.length; i++) {
            out[i] = ints[i];
        }
        return out;
    }

    /** 64-bit values; UL is zero-extended, SV/UV are taken as stored. */
    public static long[] toLongs(VR vr, byte[] b) {
        ByteBuffer bb = Attributes.le(b);
        if (vr == VR.SV || vr == VR.UV) {
            long[] out = new long[b.length / 8];
            for (int i = 0; i < out.length; i++) {
                out[i] = bb.getLong(8 * i);
            }
            return out;
        }
        if (vr == VR.UL) {
            long[] out = new long[b.length / 4];
            for (int i = 0; i < out.length; i++) {
                out[i] = bb.getInt(4 * i) & 0xFFFFFFFFL;
            }
            return out;
        }
        int[] ints = toInts(vr, b);
        long[] out = new long[ints.length];
        for (int i = 0; i < ints.length; i++) {
            out[i] = ints[i];
        }
        return out;
    }

    /** Text form of binary values: decimal numbers, AT as GGGGEEEE; floats in shortest round-trip form. */
    public static String[] toStrings(VR vr, byte[] b) {
        switch (vr) {
            case FL, FD -> {
                double[] d = toDoubles(vr, b);
                String[] s = new String[d.length];
                ByteBuffer bb = Attributes.le(b);
                for (int i = 0; i < d.length; i++) {
                    s[i] = vr == VR.FL ? Float.toString(bb.getFloat(4 * i)) : Double.toString(d[i]);
                }
                return s;
            }
            case AT -> {
                int[] t = toInts(vr, b);
                String[] s = new String[t.length];
                for (int i = 0; i < t.length; i++) {
                    s[i] = Tag.toHex(t[i]);
                }
                return s;
            }
            case UL, SV, UV -> {
                long[] l = toLongs(vr, b);
                String[] s = new String[l.length];
                for (int i = 0; i < l.length; i++) {
                    s[i] = vr == VR.UV ? Long.toUnsignedString(l[i]) : Long.toString(l[i]);
                }
                return s;
            }
            default -> {
                int[] v = toInts(vr, b);
                String[] s = new String[v.length];
                for (int i = 0; i < v.length; i++) {
                    s[i] = Integer.toString(v[i]);
                }
                return s;
            }
        }
    }

    public static byte[] fromInts(VR vr, int... v) {
        int w = vr.bytesPerValue() == 0 ? 4 : vr.bytesPerValue();
        ByteBuffer bb = Attributes.le(new byte[v.length * w]);
        for (int x : v) {
            switch (w) {
                case 2 -> bb.putShort((short) x);
                case 4 -> {
                    if (vr == VR.AT) {
                        bb.putShort((short) (x >>> 16)).putShort((short) x);
                    } else if (vr == VR.FL) {
                        bb.putFloat(x);
                    } else {
                        bb.putInt(x);
                    }
                }
                case 8 -> {
                    if (vr == VR.FD) {
                        bb.putDouble(x);
                    } else {
                        bb.putLong(vr == VR.UV ? x & 0xFFFFFFFFL : x);
                    }
                }
                default -> bb.put((byte) x);
            }
        }
        return bb.array();
    }

    public static byte[] fromDoubles(VR vr, double... v) {
        ByteBuffer bb = Attributes.le(new byte[v.length * (vr == VR.FL || vr == VR.OF ? 4 : 8)]);
        for (double x : v) {
            if (vr == VR.FL || vr == VR.OF) {
                bb.putFloat((float) x);
            } else {
                bb.putDouble(x);
            }
        }
        return bb.array();
    }

    /** A DS value in at most 16 characters (PS3.5 6.2), shortest exact form where it fits. */
    public static String formatDS(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        String s = Double.toString(d);
        if (s.length() <= 16) {
            return s;
        }
        for (int p = 15; p > 0; p--) {
            s = new BigDecimal(d).round(new java.math.MathContext(p)).stripTrailingZeros().toString();
            if (s.length() <= 16) {
                return s;
            }
        }
        return s;
    }

    /** Reverses the byte order of each {@code unit}-byte value in place (unit 1: nothing to do). */
    public static void swap(byte[] b, int unit) {
        if (unit <= 1) {
            return;
        }
        for (int i = 0; i + unit <= b.length; i += unit) {
            for (int j = 0; j < unit / 2; j++) {
                byte t = b[i + j];
                b[i + j] = b[i + unit - 1 - j];
                b[i + unit - 1 - j] = t;
            }
        }
    }

    /**
     * How many bytes to reverse per value when converting {@code tag} between big- and little-endian: AT swaps
     * group and element separately, OB and UN nothing, other VRs their value size. OW pixel data with Bits Allocated
     * 32 or 64 swaps whole pixel cells, as pydicom and GDCM read Explicit VR Big Endian files (the corpus's
     * rtdose_expb.dcm equals rtdose.dcm only that way).
     */
    public static int swapUnit(int tag, VR vr, Attributes ds) {
        switch (vr) {
            case AT:
                return 2;
            case UN:
            case OB:
                return 1;
            case OW:
                if (tag == Tag.PixelData) {
                    for (Attributes a = ds; a != null; a = a.parent()) {
                        if (a.contains(Tag.BitsAllocated)) {
                            int bits = a.getInt(Tag.BitsAllocated, 16);
                            return bits == 32 || bits == 64 ? bits / 8 : 2;
                        }
                    }
                }
                return 2;
            default:
                return Math.max(1, vr.bytesPerValue());
        }
    }
}
