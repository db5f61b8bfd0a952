package io.distillery.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The npy/npz reader and writer against numpy itself (Debian's python3-numpy), in both directions. */
class NpyTest {
    @TempDir
    Path tmp;

    @Test
    void readsWhatNumpyWritesInEveryNumericDtype() throws Exception {
        Path npz = tmp.resolve("numpy.npz");
        python("""
                import numpy as np
                v = [0, 1, 2, 127]
                np.savez_compressed(r'%s',
                    u1=np.array(v, dtype='|u1'), i1=np.array([-128, -1, 0, 127], dtype='|i1'),
                    u2=np.array(v, dtype='<u2'), i2be=np.array([-2, 3, -4, 5], dtype='>i2'),
                    u4=np.array([0, 1, 4294967295, 7], dtype='<u4'), i8=np.array([-(2**40), 1, 2, 3], dtype='<i8'),
                    b1=np.array([True, False, True, True]),
                    f4=np.array([[0.5, -1.25], [3.0e-3, 65504.0]], dtype='<f4'),
                    f8be=np.array([1e300, -2.5, 0.1, 7.0], dtype='>f8'))
                """.formatted(npz));
        Map<String, NpyArray> a = Npy.readNpz(npz);
        assertArrayEquals(new long[] {0, 1, 2, 127}, a.get("u1").toLongs());
        assertArrayEquals(new long[] {-128, -1, 0, 127}, a.get("i1").toLongs());
        assertArrayEquals(new long[] {0, 1, 2, 127}, a.get("u2").toLongs());
        assertArrayEquals(new long[] {-2, 3, -4, 5}, a.get("i2be").toLongs());
        assertArrayEquals(new long[] {0, 1, 4294967295L, 7}, a.get("u4").toLongs());
        assertArrayEquals(new long[] {-(1L << 40), 1, 2, 3}, a.get("i8").toLongs());
        assertArrayEquals(new long[] {1, 0, 1, 1}, a.get("b1").toLongs());
        assertArrayEquals(new int[] {2, 2}, a.get("f4").shape());
        assertArrayEquals(new float[] {0.5f, -1.25f, 3.0e-3f, 65504f}, a.get("f4").toFloats());
        assertArrayEquals(new double[] {1e300, -2.5, 0.1, 7.0}, a.get("f8be").toDoubles());
        assertThrows(IllegalArgumentException.class, () -> a.get("f4").toLongs());
    }

    @Test
    void numpyReadsWhatWeWrite() throws Exception {
        Path npy = tmp.resolve("ours.npy");
        Npy.write(npy, NpyArray.float32(new int[] {2, 3}, new float[] {0, 1.5f, -2, 3.25f, 1e-7f, 1e7f}));
        Path npz = tmp.resolve("ours.npz");
        Npy.writeNpz(npz, Map.of("x", NpyArray.float32(new int[] {3}, new float[] {1, 2, 3})));
        String out = python("""
                import numpy as np
                a = np.load(r'%s')
                assert a.dtype == np.float32 and a.shape == (2, 3), (a.dtype, a.shape)
                assert (a == np.array([[0, 1.5, -2], [3.25, 1e-7, 1e7]], dtype=np.float32)).all(), a
                z = np.load(r'%s')
                assert list(z.keys()) == ['x'] and z['x'].shape == (3,) and (z['x'] == [1, 2, 3]).all()
                print('ok')
                """.formatted(npy, npz));
        assertEquals("ok", out.trim());
    }

    @Test
    void oneArrayOfAnNpzIsReadByName() throws IOException {
        Path npz = tmp.resolve("two.npz");
        Npy.writeNpz(npz, Map.of("x", NpyArray.float32(new int[] {2}, new float[] {1, 2}),
                "labels", new NpyArray("|u1", new int[] {3}, new byte[] {0, 1, 1})));
        assertArrayEquals(new long[] {0, 1, 1}, Npy.readNpzEntry(npz, "labels").toLongs());
        IOException e = assertThrows(IOException.class, () -> Npy.readNpzEntry(npz, "y"));
        assertTrue(e.getMessage().contains("no array y"), e.getMessage());
    }

    @Test
    void aFileThatIsNoNpzIsRefusedWithAReason() throws IOException {
        Path bad = Files.write(tmp.resolve("bad.npz"), new byte[] {1, 2, 3, 4, 5});
        IOException e = assertThrows(IOException.class, () -> Npy.readNpz(bad));
        assertTrue(e.getMessage().contains("not an npz"), e.getMessage());
    }

    private static String python(String program) throws Exception {
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", program).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("python failed: " + log);
        }
        return log;
    }
}
