package io.distillery.dicom;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A dataset: elements kept sorted by tag in parallel arrays (tag, VR, value), after dcm4che's compact container.
 *
 * <p>Values are held in one normal form whatever the transfer syntax they came from, so that code above the codec
 * never sees byte order or character sets:
 * <ul>
 *   <li>string VRs: a Java {@code String}, values separated by backslash (except LT/ST/UT), padding removed,
 *       already decoded with the Specific Character Set;</li>
 *   <li>binary and bulk VRs: little-endian {@code byte[]}, or a {@link BulkData} reference left in the file;</li>
 *   <li>SQ: a {@link Sequence}; encapsulated pixel data: {@link Fragments};</li>
 *   <li>{@code null}: the element is present with an empty value.</li>
 * </ul>
 */
public final class Attributes {
    private static final int[] NO_TAGS = new int[0];

    private Attributes parent;
    private int[] tags = NO_TAGS;
    private VR[] vrs = new VR[0];
    private Object[] values = new Object[0];
    private int size;

    public Attributes() {
    }

    Attributes(Attributes parent) {
        this.parent = parent;
    }

    /** The dataset this item is nested in, or null at the top level. */
    public Attributes parent() {
        return parent;
    }

    void setParent(Attributes parent) {
        this.parent = parent;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** The tags present, in ascending order (unsigned). */
    public int[] tags() {
        return Arrays.copyOf(tags, size);
    }

    public boolean contains(int tag) {
        return indexOf(tag) >= 0;
    }

    /** True when the element is present and has a non-empty value. */
    public boolean containsValue(int tag) {
        int i = indexOf(tag);
        return i >= 0 && values[i] != null && !(values[i] instanceof String s && s.isEmpty());
    }

    public VR getVR(int tag) {
        int i = indexOf(tag);
        return i < 0 ? null : vrs[i];
    }

    /** The raw held value (see the class comment), or null when absent or empty. */
    public Object getValue(int tag) {
        int i = indexOf(tag);
        return i < 0 ? null : values[i];
    }

    // ---- strings ------------------------------------------------------------------------------------------

    /** The whole string value (all values joined by backslash), or null when absent or empty. */
    public String getString(int tag) {
        Object v = getValue(tag);
        if (v == null) {
            return null;
        }
        if (v instanceof String s) {
            return s;
        }
        VR vr = getVR(tag);
        if (v instanceof byte[] b && vr != null && vr.kind() == VR.Kind.BINARY) {
            return String.join("\\", Values.toStrings(vr, b));
        }
        return null;
    }

    /** The string value, or {@code def} when absent or empty. */
    public String getString(int tag, String def) {
        String s = getString(tag);
        return s == null || s.isEmpty() ? def : s;
    }

    /** Value {@code index} of a multi-valued element, or null. */
    public String getString(int tag, int index) {
        String[] all = getStrings(tag);
        return index < all.length ? all[index] : null;
    }

    /** All values; empty array when absent or empty. */
    public String[] getStrings(int tag) {
        Object v = getValue(tag);
        VR vr = getVR(tag);
        if (v == null || vr == null) {
            return new String[0];
        }
        if (v instanceof String s) {
            return vr.kind() == VR.Kind.TEXT ? new String[] {s} : s.split("\\\\", -1);
        }
        if (v instanceof byte[] b && vr.kind() == VR.Kind.BINARY) {
            return Values.toStrings(vr, b);
        }
        return new String[0];
    }

    // ---- numbers ------------------------------------------------------------------------------------------

    /** First value as an int (binary VRs, IS, DS rounded), or {@code def} when absent, empty or unparsable. */
    public int getInt(int tag, int def) {
        int[] v = getInts(tag);
        return v.length == 0 ? def : v[0];
    }

    public int[] getInts(int tag) {
        Object v = getValue(tag);
        VR vr = getVR(tag);
        if (v == null || vr == null) {
            return new int[0];
        }
        try {
            if (v instanceof byte[] b && (vr.kind() == VR.Kind.BINARY || vr == VR.OW || vr == VR.OB || vr == VR.OL)) {
                return Values.toInts(vr, b);
            }
            if (v instanceof String) {
                String[] s = getStrings(tag);
                int[] out = new int[s.length];
                for (int i = 0; i < s.length; i++) {
                    out[i] = (int) Math.round(Double.parseDouble(s[i].trim()));
                }
                return out;
            }
        } catch (NumberFormatException e) {
            return new int[0];
        }
        return new int[0];
    }

    /** First value as a double (FL, FD, DS, IS, integer VRs), or {@code def}. */
    public double getDouble(int tag, double def) {
        double[] v = getDoubles(tag);
        return v.length == 0 ? def : v[0];
    }

    public double[] getDoubles(int tag) {
        Object v = getValue(tag);
        VR vr = getVR(tag);
        if (v == null || vr == null) {
            return new double[0];
        }
        try {
            if (v instanceof byte[] b && vr.kind() == VR.Kind.BINARY) {
                return Values.toDoubles(vr, b);
            }
            if (v instanceof String) {
                String[] s = getStrings(tag);
                double[] out = new double[s.length];
                for (int i = 0; i < s.length; i++) {
                    out[i] = Double.parseDouble(s[i].trim());
                }
                return out;
            }
        } catch (NumberFormatException e) {
            return new double[0];
        }
        return new double[0];
    }

    /** Little-endian bytes of a binary or bulk value (loading a {@link BulkData} reference), or null. */
    public byte[] getBytes(int tag) {
        Object v = getValue(tag);
        if (v instanceof byte[] b) {
            return b;
        }
        if (v instanceof BulkData bd) {
            byte[] b = bd.bytes();
            VR vr = getVR(tag);
            if (bd.bigEndian() && vr != null) {
                Values.swap(b, Values.swapUnit(tag, vr, this));
            }
            return b;
        }
        return null;
    }

    public Sequence getSequence(int tag) {
        return getValue(tag) instanceof Sequence s ? s : null;
    }

    /** The first item of a sequence, or null. */
    public Attributes getNestedDataset(int tag) {
        Sequence s = getSequence(tag);
        return s == null || s.isEmpty() ? null : s.get(0);
    }

    public Fragments getFragments(int tag) {
        return getValue(tag) instanceof Fragments f ? f : null;
    }

    // ---- setters ------------------------------------------------------------------------------------------

    /** Sets a string-VR element; several values are joined with backslash; no values means empty. */
    public Attributes setString(int tag, VR vr, String... values) {
        requireKind(vr, true);
        String v = values.length == 0 ? null : String.join("\\", values);
        return setValue(tag, vr, v);
    }

    /** Sets an integer element (US, SS, UL, SL, AT, SV, UV little-endian; IS as text). */
    public Attributes setInt(int tag, VR vr, int... ints) {
        if (vr == VR.IS || vr == VR.DS) {
            String[] s = new String[ints.length];
            for (int i = 0; i < ints.length; i++) {
                s[i] = Integer.toString(ints[i]);
            }
            return setString(tag, vr, s);
        }
        return setValue(tag, vr, Values.fromInts(vr, ints));
    }

    /** Sets a floating-point element (FL, FD little-endian; DS as text). */
    public Attributes setDouble(int tag, VR vr, double... doubles) {
        if (vr == VR.DS) {
            String[] s = new String[doubles.length];
            for (int i = 0; i < doubles.length; i++) {
                s[i] = Values.formatDS(doubles[i]);
            }
            return setString(tag, vr, s);
        }
        return setValue(tag, vr, Values.fromDoubles(vr, doubles));
    }

    /** Sets a binary/bulk value from little-endian bytes. */
    public Attributes setBytes(int tag, VR vr, byte[] bytes) {
        return setValue(tag, vr, bytes);
    }

    /** Replaces any value of {@code tag} with a new empty sequence and returns it. */
    public Sequence newSequence(int tag) {
        Sequence s = new Sequence(this);
        setValue(tag, VR.SQ, s);
        return s;
    }

    /**
     * Inserts or replaces an element. The value must be in the normal form of the class comment; a nested
     * {@link Sequence} created elsewhere is re-parented to this dataset.
     */
    public Attributes setValue(int tag, VR vr, Object value) {
        Objects.requireNonNull(vr, "vr");
        if (value instanceof Sequence s) {
            for (Attributes item : s.list()) {
                item.setParent(this);
            }
        }
        int i = indexOf(tag);
        if (i >= 0) {
            vrs[i] = vr;
            values[i] = value;
            return this;
        }
        int at = -i - 1;
        if (size == tags.length) {
            int cap = Math.max(16, size * 2);
            tags = Arrays.copyOf(tags, cap);
            vrs = Arrays.copyOf(vrs, cap);
            values = Arrays.copyOf(values, cap);
        }
        System.arraycopy(tags, at, tags, at + 1, size - at);
        System.arraycopy(vrs, at, vrs, at + 1, size - at);
        System.arraycopy(values, at, values, at + 1, size - at);
        tags[at] = tag;
        vrs[at] = vr;
        values[at] = value;
        size++;
        return this;
    }

    /** Removes an element; returns whether it was there. */
    public boolean remove(int tag) {
        int i = indexOf(tag);
        if (i < 0) {
            return false;
        }
        System.arraycopy(tags, i + 1, tags, i, size - i - 1);
        System.arraycopy(vrs, i + 1, vrs, i, size - i - 1);
        System.arraycopy(values, i + 1, values, i, size - i - 1);
        size--;
        values[size] = null;
        return true;
    }

    /** Visits every element in tag order; the visitor may not add or remove elements of this dataset. */
    public void forEach(ElementVisitor visitor) {
        for (int i = 0; i < size; i++) {
            visitor.visit(tags[i], vrs[i], values[i]);
        }
    }

    /** Visitor over (tag, VR, held value). */
    @FunctionalInterface
    public interface ElementVisitor {
        void visit(int tag, VR vr, Object value);
    }

    /** The Specific Character Set values that apply to this dataset (its own, else inherited), maybe empty. */
    public String[] specificCharacterSet() {
        for (Attributes a = this; a != null; a = a.parent) {
            if (a.contains(Tag.SpecificCharacterSet)) {
                return a.getStrings(Tag.SpecificCharacterSet);
            }
        }
        return new String[0];
    }

    /** A deep copy: nested items are copied, byte arrays are shared (they are treated as immutable). */
    public Attributes deepCopy() {
        Attributes copy = new Attributes(parent);
        copyInto(copy);
        return copy;
    }

    private void copyInto(Attributes copy) {
        for (int i = 0; i < size; i++) {
            Object v = values[i];
            if (v instanceof Sequence s) {
                Sequence ns = new Sequence(copy);
                for (Attributes item : s) {
                    Attributes ni = new Attributes(copy);
                    item.copyInto(ni);
                    ns.list().add(ni);
                }
                v = ns;
            } else if (v instanceof Fragments f) {
                Fragments nf = new Fragments();
                f.items().forEach(nf::add);
                v = nf;
            }
            copy.setValue(tags[i], vrs[i], v);
        }
    }

    private int indexOf(int tag) {
        // Tags compare unsigned: (FFFE,E000) sorts after (7FE0,0010).
        int lo = 0;
        int hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Integer.compareUnsigned(tags[mid], tag);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    private static void requireKind(VR vr, boolean string) {
        if (vr.isStringLike() != string) {
            throw new IllegalArgumentException(vr + " is not a string VR");
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < size; i++) {
            Object v = values[i];
            String shown = v == null ? "" : v instanceof String s ? s
                    : v instanceof byte[] b ? (vrs[i].kind() == VR.Kind.BINARY && b.length <= 64
                            ? String.join("\\", Values.toStrings(vrs[i], b)) : "<" + b.length + " bytes>")
                    : v instanceof Sequence s ? "<" + s.size() + " items>"
                    : v instanceof Fragments f ? "<" + f.fragmentCount() + " fragments>"
                    : v instanceof BulkData bd ? "<bulk " + bd.length() + " bytes>" : v.toString();
            sb.append(Tag.toString(tags[i])).append(' ').append(vrs[i]).append(' ')
                    .append(ElementDictionary.keywordOf(tags[i])).append(" [").append(shown).append("]\n");
        }
        return sb.toString();
    }

    /** Little-endian byte helpers shared by the container and the codecs. */
    public static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }
}
