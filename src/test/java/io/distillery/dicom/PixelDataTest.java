package io.distillery.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;

/** {@link PixelData} native layouts on hand-built datasets, where the expected samples are known exactly. */
class PixelDataTest {
    private static Attributes image(int rows, int cols, int samples, int allocated, int stored, int signed,
            int frames) {
        Attributes ds = new Attributes();
        ds.setInt(Tag.Rows, VR.US, rows);
        ds.setInt(Tag.Columns, VR.US, cols);
        ds.setInt(Tag.SamplesPerPixel, VR.US, samples);
        ds.setInt(Tag.BitsAllocated, VR.US, allocated);
        ds.setInt(Tag.BitsStored, VR.US, stored);
        ds.setInt(Tag.HighBit, VR.US, stored - 1);
        ds.setInt(Tag.PixelRepresentation, VR.US, signed);
        ds.setString(Tag.NumberOfFrames, VR.IS, Integer.toString(frames));
        ds.setString(Tag.PhotometricInterpretation, VR.CS, samples == 3 ? "RGB" : "MONOCHROME2");
        return ds;
    }

    @Test
    void planarConfigurationOneIsInterleaved() {
        Attributes ds = image(1, 2, 3, 8, 8, 0, 1);
        ds.setInt(Tag.PlanarConfiguration, VR.US, 1);
        ds.setBytes(Tag.PixelData, VR.OB, new byte[] {1, 2, 3, 4, 5, 6}); // R1 R2 G1 G2 B1 B2
        PixelData p = PixelData.of(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        assertArrayEquals(new byte[] {1, 3, 5, 2, 4, 6}, p.frame(0).data());
        assertEquals("|u1", p.numpyDtype());
    }

    @Test
    void oneBitFramesAreUnpackedByBitPositionNotByteBoundary() {
        // 3x3 pixels, 2 frames = 18 bits; frame 2 starts at bit 9 (inside byte 1)
        Attributes ds = image(3, 3, 1, 1, 1, 0, 2);
        int[] bits = {1, 0, 0, 0, 1, 0, 0, 0, 1, /* frame 2 */ 0, 1, 1, 1, 0, 1, 1, 1, 0};
        byte[] packed = new byte[4];
        for (int i = 0; i < bits.length; i++) {
            packed[i / 8] |= (byte) (bits[i] << (i % 8)); // PS3.5 D.2: first pixel in the least significant bit
        }
        ds.setBytes(Tag.PixelData, VR.OB, packed);
        PixelData p = PixelData.of(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        assertEquals("|u1", p.numpyDtype());
        assertArrayEquals(new byte[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, p.frame(0).data());
        assertArrayEquals(new byte[] {0, 1, 1, 1, 0, 1, 1, 1, 0}, p.frame(1).data());
    }

    @Test
    void unusedHighBitsAreClearedOrSignExtended() {
        // 12 stored bits in 16, with junk (an old overlay plane) in bit 15
        byte[] raw = {(byte) 0xFF, (byte) 0x8F, 0x01, (byte) 0x80}; // 0x8FFF, 0x8001
        Attributes unsigned = image(1, 2, 1, 16, 12, 0, 1);
        unsigned.setBytes(Tag.PixelData, VR.OW, raw);
        assertArrayEquals(new byte[] {(byte) 0xFF, 0x0F, 0x01, 0x00},
                PixelData.of(unsigned, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN).frame(0).data());
        Attributes signed = image(1, 2, 1, 16, 12, 1, 1);
        signed.setBytes(Tag.PixelData, VR.OW, raw);
        PixelData p = PixelData.of(signed, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        assertEquals("<i2", p.numpyDtype());
        // 0xFFF is -1 in 12-bit two's complement, 0x001 is 1
        assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xFF, 0x01, 0x00}, p.frame(0).data());
    }

    @Test
    void highBitBelowTheTopIsShiftedDown() {
        Attributes ds = image(1, 1, 1, 16, 8, 0, 1);
        ds.setInt(Tag.HighBit, VR.US, 11); // stored bits 4..11
        ds.setBytes(Tag.PixelData, VR.OW, new byte[] {(byte) 0xA5, 0x0B}); // 0x0BA5 -> bits 4..11 = 0xBA
        assertArrayEquals(new byte[] {(byte) 0xBA, 0},
                PixelData.of(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN).frame(0).data());
    }

    @Test
    void nativeYbrFull422IsExpandedToOneTriplePerPixel() {
        Attributes ds = image(1, 3, 3, 8, 8, 0, 1);
        ds.setString(Tag.PhotometricInterpretation, VR.CS, "YBR_FULL_422");
        // Y1 Y2 Cb Cr for pixels 1-2, then Y3 (Y4 pad) Cb Cr for the odd last column
        ds.setBytes(Tag.PixelData, VR.OB, new byte[] {10, 11, 100, (byte) 200, 12, 0, 101, (byte) 201});
        var frame = PixelData.of(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN).frame(0);
        assertEquals("YBR_FULL", frame.photometricInterpretation());
        assertArrayEquals(new byte[] {10, 100, (byte) 200, 11, 100, (byte) 200, 12, 101, (byte) 201}, frame.data());
    }

    @Test
    void deflatedImageFramesInflateToNativeFrames() throws Exception {
        Attributes ds = image(2, 2, 1, 16, 16, 1, 2);
        Fragments f = new Fragments();
        f.add(new byte[0]);
        byte[][] frames = {{1, 0, 2, 0, 3, 0, (byte) 0xFF, (byte) 0xFF}, {9, 0, 8, 0, 7, 0, 6, 0}};
        for (byte[] frame : frames) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (DeflaterOutputStream d = new DeflaterOutputStream(out, new Deflater(9, true))) {
                d.write(frame);
            }
            byte[] z = out.toByteArray();
            f.add(z.length % 2 == 0 ? z : java.util.Arrays.copyOf(z, z.length + 1));
        }
        ds.setValue(Tag.PixelData, VR.OB, f);
        PixelData p = PixelData.of(ds, TransferSyntax.of("1.2.840.10008.1.2.8.1"));
        assertArrayEquals(frames[0], p.frame(0).data());
        assertArrayEquals(frames[1], p.frame(1).data());
    }

    @Test
    void truncatedNativeDataIsADicomException() {
        Attributes ds = image(4, 4, 1, 16, 16, 0, 2);
        ds.setBytes(Tag.PixelData, VR.OW, new byte[40]);
        PixelData p = PixelData.of(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        p.frame(0);
        DicomException e = assertThrows(DicomException.class, () -> p.frame(1));
        assertTrue(e.getMessage().contains("frame 2 of 2"), e.getMessage());
    }

    @Test
    void unsupportedLayoutsAreRejected() {
        Attributes ds = image(4, 4, 1, 12, 12, 0, 1);
        ds.setBytes(Tag.PixelData, VR.OW, new byte[32]);
        assertThrows(DicomException.class, () -> PixelData.of(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
        Attributes noRows = image(4, 4, 1, 8, 8, 0, 1);
        noRows.remove(Tag.Rows);
        noRows.setBytes(Tag.PixelData, VR.OB, new byte[16]);
        DicomException e = assertThrows(DicomException.class,
                () -> PixelData.of(noRows, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
        assertTrue(e.getMessage().contains("Rows"), e.getMessage());
    }
}
