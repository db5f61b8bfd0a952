package io.distillery.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.distillery.dicom.Attributes;
import io.distillery.dicom.DicomException;
import io.distillery.dicom.Tag;
import io.distillery.dicom.VR;
import io.distillery.dicom.codec.ImageDescriptor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each step of the grey pipeline against an independent numpy/PIL computation. */
class NormalizerTest {

    private static double[] random(int n, long seed) {
        Random r = new Random(seed);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = r.nextDouble();
        }
        return d;
    }

    @Test
    void shrinkingAveragesExactAreasLikeNumpySupersampling() throws Exception {
        int rows = 37;
        int cols = 53;
        double[] img = random(rows * cols, 1);
        double[] ours = Resampler.resize(img, rows, cols, 28, 28, NormalizeOptions.Interpolation.BICUBIC);
        // Independent: repeat each pixel m times along an axis, then average n-sized runs: exact box filter.
        double[] ref = NumpyReference.run(img, """
                a = x.reshape(37, 53)
                a = np.repeat(a, 28, axis=0).reshape(28, 37, 53).mean(axis=1)
                a = np.repeat(a, 28, axis=1).reshape(28, 28, 53).mean(axis=2)
                y = a
                """);
        assertArrayEquals(ref, ours, 1e-12);
    }

    @Test
    void bilinearEnlargingMatchesPil() throws Exception {
        double[] img = random(9 * 7, 2);
        double[] ours = Resampler.resize(img, 9, 7, 20, 16, NormalizeOptions.Interpolation.BILINEAR);
        double[] ref = NumpyReference.run(img, """
                from PIL import Image
                im = Image.fromarray(x.reshape(9, 7).astype(np.float32), mode='F')
                y = np.asarray(im.resize((16, 20), Image.BILINEAR), dtype=np.float64)
                """);
        assertArrayEquals(ref, ours, 1e-5); // PIL works in float32
    }

    @Test
    void bicubicEnlargingMatchesPilAwayFromTheBorder() throws Exception {
        // PIL renormalises the kernel at the border where we clamp edge pixels (as OpenCV does); compare inside.
        double[] img = random(10 * 10, 3);
        double[] ours = Resampler.resize(img, 10, 10, 30, 30, NormalizeOptions.Interpolation.BICUBIC);
        double[] ref = NumpyReference.run(img, """
                from PIL import Image
                im = Image.fromarray(x.reshape(10, 10).astype(np.float32), mode='F')
                y = np.asarray(im.resize((30, 30), Image.BICUBIC), dtype=np.float64)
                """);
        for (int r = 6; r < 24; r++) {
            for (int c = 6; c < 24; c++) {
                assertEquals(ref[r * 30 + c], ours[r * 30 + c], 1e-5, "at " + r + "," + c);
            }
        }
    }

    @Test
    void windowFunctionsFollowPs33Formulas() throws Exception {
        double[] x = new double[401];
        for (int i = 0; i < x.length; i++) {
            x[i] = -200 + i;
        }
        double c = 40.5;
        double w = 81;
        double[] linear = Normalizer.window(x, c, w, "LINEAR").values();
        double[] exact = Normalizer.window(x, c, w, "LINEAR_EXACT").values();
        double[] sigmoid = Normalizer.window(x, c, w, "SIGMOID").values();
        double[] refLinear = NumpyReference.run(x, """
                c, w = 40.5, 81.0
                y = np.where(x <= c - 0.5 - (w - 1) / 2, 0.0, np.where(x > c - 0.5 + (w - 1) / 2, 1.0, (x - (c - 0.5)) / (w - 1) + 0.5))
                """);
        double[] refExact = NumpyReference.run(x, "c, w = 40.5, 81.0\ny = np.clip((x - c) / w + 0.5, 0, 1)");
        double[] refSigmoid = NumpyReference.run(x, "c, w = 40.5, 81.0\ny = 1 / (1 + np.exp(-4 * (x - c) / w))");
        assertArrayEquals(refLinear, linear, 1e-12);
        assertArrayEquals(refExact, exact, 1e-12);
        assertArrayEquals(refSigmoid, sigmoid, 1e-12);
    }

    @Test
    void percentileMatchesNumpyLinearMethod() throws Exception {
        double[] x = random(1001, 4);
        double[] sorted = x.clone();
        java.util.Arrays.sort(sorted);
        double[] ref = NumpyReference.run(x, "y = np.percentile(x, [0.5, 99.5, 37.2])");
        assertEquals(ref[0], Normalizer.percentile(sorted, 0.5), 1e-12);
        assertEquals(ref[1], Normalizer.percentile(sorted, 99.5), 1e-12);
        assertEquals(ref[2], Normalizer.percentile(sorted, 37.2), 1e-12);
    }

    private static byte[] le16(int... v) {
        ByteBuffer bb = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int s : v) {
            bb.putShort((short) s);
        }
        return bb.array();
    }

    @Test
    void signedStoredValuesAreSignExtendedFromBitsStoredThenRescaled() {
        // 12 bits stored in 16, signed: 0x0FFF is -1, 0x0800 is -2048; high bits beyond Bits Stored are ignored.
        ImageDescriptor d = new ImageDescriptor(1, 3, 1, 16, 12, 1, "MONOCHROME2", 0, 1);
        double[] stored = Normalizer.storedValues(d, le16(0x0FFF, 0xF800, 0x07FF), false);
        assertArrayEquals(new double[] {-1, -2048, 2047}, stored, 0);
        Attributes ds = new Attributes();
        ds.setString(Tag.RescaleSlope, VR.DS, "2");
        ds.setString(Tag.RescaleIntercept, VR.DS, "-1024");
        assertArrayEquals(new double[] {-1026, -5120, 3070}, Normalizer.modalityLut(ds, stored, false), 0);
    }

    @Test
    void modalityLutSequenceMapsStoredValues() {
        Attributes ds = new Attributes();
        Attributes item = ds.newSequence(Tag.ModalityLUTSequence).addItem();
        item.setInt(Tag.LUTDescriptor, VR.US, 4, 10, 16);
        item.setBytes(Tag.LUTData, VR.OW, le16(100, 200, 300, 400));
        double[] out = Normalizer.modalityLut(ds, new double[] {5, 10, 12, 13, 99}, false);
        assertArrayEquals(new double[] {100, 100, 300, 400, 400}, out, 0);
    }

    @Test
    void monochrome1IsInvertedAfterTheWindow() {
        Attributes ds = new Attributes();
        ds.setString(Tag.WindowCenter, VR.DS, "128");
        ds.setString(Tag.WindowWidth, VR.DS, "256");
        ds.setString(Tag.VOILUTFunction, VR.CS, "LINEAR_EXACT");
        ImageDescriptor d = new ImageDescriptor(1, 2, 1, 8, 8, 0, "MONOCHROME1", 0, 1);
        NormalizeOptions o = NormalizeOptions.of(1, 2).withAspect(NormalizeOptions.Aspect.STRETCH);
        var r = Normalizer.normalize(ds, d, "MONOCHROME1", 0, new byte[] {0, (byte) 192}, false, o);
        assertEquals(1.0, r.pixels()[0], 1e-6);
        assertEquals(0.25, r.pixels()[1], 1e-6);
    }

    @Test
    void rgbBecomesBt601Luma() {
        ImageDescriptor d = new ImageDescriptor(1, 1, 3, 8, 8, 0, "RGB", 0, 1);
        var r = Normalizer.normalize(new Attributes(), d, "RGB", 0, new byte[] {(byte) 255, 0, 0}, false,
                NormalizeOptions.of(1, 1));
        assertEquals(0.299, r.pixels()[0], 1e-6);
    }

    @Test
    void cropKeepsTheCentreAndPadAddsBlack() {
        ImageDescriptor d = new ImageDescriptor(2, 4, 1, 8, 8, 0, "MONOCHROME2", 0, 1);
        byte[] px = {0, (byte) 255, (byte) 255, 0, 0, (byte) 255, (byte) 255, 0};
        NormalizeOptions o = NormalizeOptions.of(2, 2).withVoi(NormalizeOptions.Voi.MIN_MAX);
        var crop = Normalizer.normalize(new Attributes(), d, null, 0, px, false, o);
        assertArrayEquals(new float[] {1, 1, 1, 1}, crop.pixels(), 1e-6f);
        var pad = Normalizer.normalize(new Attributes(), d, null, 0, px, false,
                o.withAspect(NormalizeOptions.Aspect.PAD).withEnlarge(NormalizeOptions.Interpolation.BILINEAR));
        // 2x4 padded to 4x4 (a black row above and below), then averaged down to 2x2.
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, 0.25f}, pad.pixels(), 1e-6f);
    }

    @Test
    void aFrameBeyondTheObjectIsAClearError() {
        DicomException e = assertThrows(DicomException.class,
                () -> Normalizer.selectFrame(2, NormalizeOptions.defaults().withFrame(5)));
        assertEquals("frame 5 requested but the object has 2 frame(s)", e.getMessage());
        assertEquals(1, Normalizer.selectFrame(3, NormalizeOptions.defaults()));
    }
}
