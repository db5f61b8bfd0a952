package io.distillery.dicom.codec;

import static io.distillery.dicom.codec.ReferenceTools.corpus;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.distillery.dicom.DicomException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * No encoder at hand writes restart markers, so this test builds such a stream from real encoder output: at a
 * restart marker T.87 resets all coding state, exactly as at the start of an image. The top and bottom halves
 * of an image are encoded separately by dcmcjpls and spliced into one stream with a DRI marker (restart interval
 * = half the lines) and an RST0 marker between the two halves' scan data.
 */
class JpegLsRestartMarkerTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"+il", "+is"})
    void decodesStreamWithRestartInterval(String interleave) throws Exception {
        ImageFile original = ImageFile.read(corpus("pydicom-data/SC_rgb.dcm"));
        ImageDescriptor image = original.descriptor();
        byte[] pixels = original.nativePixelData();
        int half = image.rows() / 2;
        int halfBytes = pixels.length / 2;
        byte[] top = encodeHalf(Arrays.copyOfRange(pixels, 0, halfBytes), image, half, interleave, "top");
        byte[] bottom = encodeHalf(Arrays.copyOfRange(pixels, halfBytes, pixels.length), image, half, interleave,
                "bottom");

        byte[] spliced = splice(top, bottom, image.rows(), half);
        DecodedFrame decoded = new JpegLsDecoder().decode(spliced, image);
        assertArrayEquals(pixels, decoded.data());

        // Without the restart marker the second half's data is read as the first half's continuation.
        byte[] noMarker = splice(top, bottom, image.rows(), 0);
        DicomException e = assertThrows(DicomException.class, () -> {
            byte[] wrong = new JpegLsDecoder().decode(noMarker, image).data();
            if (!Arrays.equals(wrong, pixels)) {
                throw new DicomException("decoded differently");
            }
        });
        assertEquals(false, e.getMessage().contains("\n"));
    }

    private byte[] encodeHalf(byte[] pixels, ImageDescriptor image, int rows, String interleave, String name)
            throws Exception {
        Path in = tmp.resolve(name + ".dcm");
        Path out = tmp.resolve(name + ".jls.dcm");
        Files.write(in, nativeFile(pixels, image, rows));
        Process p = new ProcessBuilder("dcmcjpls", interleave, in.toString(), out.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), log);
        return ImageFile.read(out).compressedFrames().get(0);
    }

    /** SOI..scan data of the top half, RST0, scan data of the bottom half, EOI; frame height and DRI patched. */
    private static byte[] splice(byte[] top, byte[] bottom, int rows, int restartInterval) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int topSos = find(top, 0xDA);
        byte[] header = Arrays.copyOfRange(top, 0, topSos);
        int sof = find(header, 0xF7);
        header[sof + 5] = (byte) (rows >> 8);
        header[sof + 6] = (byte) rows;
        out.writeBytes(header);
        if (restartInterval > 0) {
            out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xDD, 0, 4, (byte) (restartInterval >> 8),
                (byte) restartInterval});
        }
        out.writeBytes(Arrays.copyOfRange(top, topSos, scanEnd(top)));
        if (restartInterval > 0) {
            out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD0});
        }
        int bottomSos = find(bottom, 0xDA);
        int bottomData = bottomSos + 2 + ((bottom[bottomSos + 2] & 0xFF) << 8 | bottom[bottomSos + 3] & 0xFF);
        out.writeBytes(Arrays.copyOfRange(bottom, bottomData, scanEnd(bottom)));
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD9});
        return out.toByteArray();
    }

    /** Offset of the EOI marker, before any fill bytes that precede it. */
    private static int scanEnd(byte[] frame) {
        int eoi = frame.length - 2;
        while (!((frame[eoi] & 0xFF) == 0xFF && (frame[eoi + 1] & 0xFF) == 0xD9)) {
            eoi--;
        }
        while ((frame[eoi - 1] & 0xFF) == 0xFF) {
            eoi--;
        }
        return eoi;
    }

    private static int find(byte[] frame, int marker) {
        for (int i = 0; i + 1 < frame.length; i++) {
            if ((frame[i] & 0xFF) == 0xFF && (frame[i + 1] & 0xFF) == marker) {
                return i;
            }
        }
        throw new AssertionError("marker FF" + Integer.toHexString(marker) + " not found");
    }

    /** A minimal explicit VR little-endian Secondary Capture file with native pixel data. */
    private static byte[] nativeFile(byte[] pixels, ImageDescriptor image, int rows) {
        ByteBuffer b = ByteBuffer.allocate(1024 + pixels.length).order(ByteOrder.LITTLE_ENDIAN);
        b.position(128);
        b.put("DICM".getBytes(StandardCharsets.US_ASCII));
        element(b, 0x0002, 0x0001, "OB", new byte[] {0, 1});
        element(b, 0x0002, 0x0002, "UI", uid("1.2.840.10008.5.1.4.1.1.7"));
        element(b, 0x0002, 0x0003, "UI", uid("1.2.826.0.1.3680043.2.1143.1"));
        element(b, 0x0002, 0x0010, "UI", uid("1.2.840.10008.1.2.1"));
        element(b, 0x0008, 0x0016, "UI", uid("1.2.840.10008.5.1.4.1.1.7"));
        element(b, 0x0008, 0x0018, "UI", uid("1.2.826.0.1.3680043.2.1143.1"));
        element(b, 0x0028, 0x0002, "US", us(image.samplesPerPixel()));
        element(b, 0x0028, 0x0004, "CS", image.photometricInterpretation().getBytes(StandardCharsets.US_ASCII));
        element(b, 0x0028, 0x0006, "US", us(0));
        element(b, 0x0028, 0x0010, "US", us(rows));
        element(b, 0x0028, 0x0011, "US", us(image.columns()));
        element(b, 0x0028, 0x0100, "US", us(image.bitsAllocated()));
        element(b, 0x0028, 0x0101, "US", us(image.bitsStored()));
        element(b, 0x0028, 0x0102, "US", us(image.bitsStored() - 1));
        element(b, 0x0028, 0x0103, "US", us(image.pixelRepresentation()));
        element(b, 0x7FE0, 0x0010, "OB", pixels);
        return Arrays.copyOf(b.array(), b.position());
    }

    private static void element(ByteBuffer b, int group, int elem, String vr, byte[] value) {
        byte[] v = value.length % 2 == 0 ? value : Arrays.copyOf(value, value.length + 1);
        if (vr.equals("CS") && value.length % 2 != 0) {
            v[v.length - 1] = ' ';
        }
        b.putShort((short) group).putShort((short) elem).put(vr.getBytes(StandardCharsets.US_ASCII));
        if (vr.equals("OB")) {
            b.putShort((short) 0).putInt(v.length);
        } else {
            b.putShort((short) v.length);
        }
        b.put(v);
    }

    private static byte[] uid(String uid) {
        return uid.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] us(int value) {
        return new byte[] {(byte) value, (byte) (value >> 8)};
    }
}
