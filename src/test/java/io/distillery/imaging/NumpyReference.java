package io.distillery.imaging;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs an independent computation in Debian's Python 3 with numpy and PIL (python3-numpy, python3-pil): the script
 * reads {@code x} (float64, from a raw file) and must leave its answer in {@code y}.
 */
final class NumpyReference {
    static final String PYTHON = "/usr/bin/python3";

    private NumpyReference() {
    }

    static double[] run(double[] input, String script) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("numpy-ref");
        try {
            Path in = dir.resolve("x.raw");
            Path out = dir.resolve("y.raw");
            ByteBuffer bb = ByteBuffer.allocate(input.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            for (double d : input) {
                bb.putDouble(d);
            }
            Files.write(in, bb.array());
            String program = "import numpy as np\nx = np.fromfile(r'" + in + "', dtype='<f8')\n" + script
                    + "\nnp.asarray(y, dtype='<f8').ravel().tofile(r'" + out + "')\n";
            List<String> cmd = new ArrayList<>(List.of(PYTHON, "-c", program));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("python failed: " + log);
            }
            ByteBuffer res = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
            double[] y = new double[res.remaining() / 8];
            for (int i = 0; i < y.length; i++) {
                y[i] = res.getDouble();
            }
            return y;
        } finally {
            try (var s = Files.list(dir)) {
                s.forEach(f -> f.toFile().delete());
            }
            Files.deleteIfExists(dir);
        }
    }
}
