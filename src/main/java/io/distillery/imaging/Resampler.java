package io.distillery.imaging;

/**
 * Separable resampling of a single-channel image with pixel centres at half-integers (the convention of PIL and
 * OpenCV's INTER_AREA / INTER_LINEAR): an axis that shrinks is averaged over exact areas (box filter with fractional
 * coverage), an axis that grows is interpolated bilinearly or bicubically (Keys, a = -0.5, edges clamped).
 */
final class Resampler {
    private Resampler() {
    }

    static double[] resize(double[] src, int rows, int cols, int newRows, int newCols,
            NormalizeOptions.Interpolation enlarge) {
        double[] horizontal = new double[rows * newCols];
        for (int r = 0; r < rows; r++) {
            resample1d(src, r * cols, 1, cols, horizontal, r * newCols, 1, newCols, enlarge);
        }
        double[] out = new double[newRows * newCols];
        for (int c = 0; c < newCols; c++) {
            resample1d(horizontal, c, newCols, rows, out, c, newCols, newRows, enlarge);
        }
        return out;
    }

    private static void resample1d(double[] in, int inOff, int inStride, int n, double[] out, int outOff,
            int outStride, int m, NormalizeOptions.Interpolation enlarge) {
        if (m == n) {
            for (int i = 0; i < n; i++) {
                out[outOff + i * outStride] = in[inOff + i * inStride];
            }
        } else if (m < n) {
            double scale = (double) n / m;
            for (int j = 0; j < m; j++) {
                double start = j * scale;
                double end = start + scale;
                double sum = 0;
                for (int i = (int) Math.floor(start); i < Math.ceil(end) && i < n; i++) {
                    double overlap = Math.min(end, i + 1) - Math.max(start, i);
                    if (overlap > 0) {
                        sum += overlap * in[inOff + i * inStride];
                    }
                }
                out[outOff + j * outStride] = sum / scale;
            }
        } else {
            double scale = (double) n / m;
            for (int j = 0; j < m; j++) {
                double x = (j + 0.5) * scale - 0.5;
                int x0 = (int) Math.floor(x);
                double t = x - x0;
                double v;
                if (enlarge == NormalizeOptions.Interpolation.BILINEAR) {
                    v = (1 - t) * at(in, inOff, inStride, n, x0) + t * at(in, inOff, inStride, n, x0 + 1);
                } else {
                    v = 0;
                    for (int k = -1; k <= 2; k++) {
                        v += keys(t - k) * at(in, inOff, inStride, n, x0 + k);
                    }
                }
                out[outOff + j * outStride] = v;
            }
        }
    }

    private static double at(double[] in, int off, int stride, int n, int i) {
        return in[off + Math.max(0, Math.min(n - 1, i)) * stride];
    }

    /** Keys' cubic convolution kernel with a = -0.5. */
    private static double keys(double x) {
        double a = -0.5;
        x = Math.abs(x);
        if (x <= 1) {
            return ((a + 2) * x - (a + 3)) * x * x + 1;
        }
        if (x < 2) {
            return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
        }
        return 0;
    }
}
