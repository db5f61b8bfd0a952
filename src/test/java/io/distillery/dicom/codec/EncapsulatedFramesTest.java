package io.distillery.dicom.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.dicom.DicomException;
import io.distillery.dicom.Fragments;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EncapsulatedFramesTest {
    private static final byte FF = (byte) 0xFF;

    /** The known trap: 2 JPEG-LS frames in 11 fragments, empty BOT (pydicom 2.3.1 + gdcm gets this wrong). */
    @ParameterizedTest
    @ValueSource(strings = {"dicomparser/multi-frame/CT0012.fragmented_no_bot_jpeg_ls.80.dcm",
        "dicomparser/multi-frame/CT0012.fragmented_no_bot_jpeg_ls.81.dcm"})
    void splitsFragmentedJpegLsWithoutOffsetTable(String relative) throws Exception {
        ImageFile file = ImageFile.read(Corpus.file(relative));
        assertEquals(0, file.basicOffsetTable.length);
        assertTrue(file.fragments.size() > 2);
        List<byte[]> frames = file.compressedFrames();
        assertEquals(2, frames.size());
        long total = 0;
        for (byte[] frame : frames) {
            assertTrue(startsWith(frame, FF, (byte) 0xD8), "frame starts with SOI");
            assertTrue(endsWithEoi(frame), "frame ends with EOI");
            total += frame.length;
        }
        assertEquals(file.fragments.stream().mapToLong(f -> f.length).sum(), total);
    }

    @Test
    void usesTheBasicOffsetTable() throws Exception {
        ImageFile file = ImageFile.read(Corpus.file("dicomparser/multi-frame/CT0012.not_fragmented_bot_rle.dcm"));
        assertEquals(8, file.basicOffsetTable.length);
        List<byte[]> frames = file.compressedFrames();
        assertEquals(2, frames.size());
        assertSame(file.fragments.get(1), frames.get(1));

        ImageFile single = ImageFile.read(
                Corpus.file("dicomparser/single-frame/CT1_UNC.fragmented_bot_jpeg_ls.80.dcm"));
        assertTrue(single.fragments.size() > 1);
        List<byte[]> one = single.compressedFrames();
        assertEquals(1, one.size());
        assertTrue(startsWith(one.get(0), FF, (byte) 0xD8) && endsWithEoi(one.get(0)));
    }

    @Test
    void basicOffsetTableGroupsSeveralFragmentsPerFrame() {
        List<byte[]> fragments = List.of(bytes(1, 2), bytes(3, 4, 5, 6), bytes(7, 8), bytes(9, 10), bytes(11, 12));
        // frame 0 = fragments 0-1 (offset 0), frame 1 = fragment 2 (offset 10+12=22), frame 2 = fragments 3-4 (32)
        List<byte[]> frames = EncapsulatedFrames.frames(uint32s(0, 22, 32), fragments, 3);
        assertArrayEquals(bytes(1, 2, 3, 4, 5, 6), frames.get(0));
        assertArrayEquals(bytes(7, 8), frames.get(1));
        assertArrayEquals(bytes(9, 10, 11, 12), frames.get(2));
        DicomException e = assertThrows(DicomException.class,
                () -> EncapsulatedFrames.frames(uint32s(0, 21, 32), fragments, 3));
        assertTrue(e.getMessage().contains("offset table entry 1"), e.getMessage());
        assertThrows(DicomException.class, () -> EncapsulatedFrames.frames(uint32s(0, 22), fragments, 3));
    }

    @Test
    void acceptsTheToolkitsFragmentsValue() {
        Fragments pixelData = new Fragments();
        pixelData.add(new byte[0]);
        pixelData.add(bytes(0xFF, 0xD8, 1, 0xFF, 0xD9, 0));
        pixelData.add(bytes(0xFF, 0xD8, 2));
        pixelData.add(bytes(0xFF, 0xD9));
        List<byte[]> frames = EncapsulatedFrames.frames(pixelData, 2);
        assertArrayEquals(bytes(0xFF, 0xD8, 2, 0xFF, 0xD9), frames.get(1));
    }

    @Test
    void extendedOffsetTableWithLengths() {
        List<byte[]> fragments = List.of(bytes(1, 2, 3, 0), bytes(4, 5), bytes(6, 7));
        byte[] offsets = uint64s(0, 12);
        byte[] lengths = uint64s(3, 4);
        List<byte[]> frames = EncapsulatedFrames.framesByExtendedOffsetTable(fragments, offsets, lengths, 2);
        assertArrayEquals(bytes(1, 2, 3), frames.get(0));
        assertArrayEquals(bytes(4, 5, 6, 7), frames.get(1));
        assertThrows(DicomException.class,
                () -> EncapsulatedFrames.framesByExtendedOffsetTable(fragments, offsets, uint64s(3, 9), 2));
    }

    @Test
    void withoutOffsetTable() {
        byte[] a = bytes(0xFF, 0xD8, 1, 0xFF, 0xD9, 0);
        byte[] b = bytes(0xFF, 0xD8, 2, 3);
        byte[] c = bytes(4, 0xFF, 0xD9, 0);
        // one frame: everything joined
        assertArrayEquals(bytes(0xFF, 0xD8, 2, 3, 4, 0xFF, 0xD9, 0), EncapsulatedFrames.frames(new byte[0],
                List.of(b, c), 1).get(0));
        // as many fragments as frames: one each
        assertEquals(2, EncapsulatedFrames.frames(null, List.of(b, c), 2).size());
        // split at start markers
        List<byte[]> frames = EncapsulatedFrames.frames(new byte[0], List.of(a, b, c), 2);
        assertArrayEquals(a, frames.get(0));
        assertArrayEquals(bytes(0xFF, 0xD8, 2, 3, 4, 0xFF, 0xD9, 0), frames.get(1));
        // a fragment that happens to start with FFD8 mid-codestream does not start a frame
        byte[] midStream = bytes(0xFF, 0xD8, 9, 0xFF, 0xD9);
        List<byte[]> strict = EncapsulatedFrames.frames(new byte[0], List.of(b, midStream, a), 2);
        assertEquals(b.length + midStream.length, strict.get(0).length);
        assertArrayEquals(a, strict.get(1));
        // JPEG 2000 codestreams and JP2 files
        byte[] j2k = bytes(0xFF, 0x4F, 0xFF, 0x51, 0xFF, 0xD9);
        byte[] jp2 = bytes(0, 0, 0, 12, 'j', 'P', ' ', ' ', 13, 10, 0x87, 10, 0xFF, 0xD9);
        assertEquals(3, EncapsulatedFrames.frames(new byte[0], List.of(j2k, bytes(1, 2), jp2, bytes(3), j2k), 3)
                .size());
        DicomException e = assertThrows(DicomException.class,
                () -> EncapsulatedFrames.frames(new byte[0], List.of(a, c, c), 2));
        assertTrue(e.getMessage().contains("cannot map 3 fragments to 2 frames"), e.getMessage());
    }

    private static boolean startsWith(byte[] data, byte a, byte b) {
        return data.length >= 2 && data[0] == a && data[1] == b;
    }

    private static boolean endsWithEoi(byte[] f) {
        int n = f.length;
        int end = f[n - 1] == 0 ? n - 1 : n;
        return f[end - 2] == FF && f[end - 1] == (byte) 0xD9;
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static byte[] uint32s(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    private static byte[] uint64s(long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return b.array();
    }
}
