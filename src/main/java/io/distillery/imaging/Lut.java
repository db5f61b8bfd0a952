package io.distillery.imaging;

import io.distillery.dicom.Attributes;
import io.distillery.dicom.DicomException;
import io.distillery.dicom.Tag;
import io.distillery.dicom.VR;
import io.distillery.dicom.Values;

/**
 * A lookup table item (Modality LUT Sequence, VOI LUT Sequence or palette), PS3.3 C.11.1: LUT Descriptor gives the
 * number of entries (0 means 65536), the first stored value mapped, and the bits per entry.
 */
record Lut(int firstMapped, int bits, int[] data) {

    static Lut fromItem(Attributes item) {
        return of(item, Tag.LUTDescriptor, Tag.LUTData);
    }

    static Lut of(Attributes ds, int descriptorTag, int dataTag) {
        int[] desc = ds.getInts(descriptorTag);
        if (desc.length < 3) {
            throw new DicomException("LUT Descriptor " + Tag.toString(descriptorTag) + " needs 3 values");
        }
        int entries = desc[0] == 0 ? 65536 : desc[0] & 0xFFFF;
        // The first mapped value is US or SS depending on the pixel representation; the container gives it unsigned.
        int first = desc[1];
        if (ds.getVR(descriptorTag) == VR.SS || (first > 32767 && ds.getVR(descriptorTag) != VR.US)) {
            first = (short) first;
        }
        int bits = desc[2];
        byte[] raw = ds.getBytes(dataTag);
        if (raw == null) {
            throw new DicomException("LUT Data " + Tag.toString(dataTag) + " is missing");
        }
        int[] data;
        if (raw.length >= entries * 2L) {
            data = java.util.Arrays.copyOf(Values.toInts(VR.OW, raw), entries);
        } else if (raw.length >= entries && bits <= 8) {
            data = java.util.Arrays.copyOf(Values.toInts(VR.OB, raw), entries);
        } else {
            throw new DicomException("LUT Data " + Tag.toString(dataTag) + " has " + raw.length + " bytes for "
                    + entries + " entries");
        }
        // Descriptors that understate the depth are common (dcmtk +Mv); trust the data where it is larger.
        int max = 0;
        for (int v : data) {
            max = Math.max(max, v);
        }
        int effectiveBits = Math.max(bits, 32 - Integer.numberOfLeadingZeros(max));
        return new Lut(first, Math.min(16, Math.max(1, effectiveBits)), data);
    }

    double lookup(double x) {
        long i = Math.round(Math.floor(x)) - firstMapped;
        if (i < 0) {
            i = 0;
        } else if (i >= data.length) {
            i = data.length - 1;
        }
        return data[(int) i];
    }

    double maxOutput() {
        return (1 << bits) - 1;
    }
}
