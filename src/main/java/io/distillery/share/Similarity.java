package io.distillery.share;

/**
 * Image similarity on [0, 1] grey images of one size: SSIM (Wang et al. 2004) with a 7x7 uniform window over
 * every fully inside position, K1 = 0.01, K2 = 0.03, data range 1, sample covariances — the defaults of
 * scikit-image's {@code structural_similarity} — and normalised cross-correlation (Pearson correlation of the
 * pixel values, 1 for images equal up to brightness and contrast).
 */
final class Similarity {
    static final int WINDOW = 7;
    private static final double C1 = 0.01 * 0.01;
    private static final double C2 = 0.03 * 0.03;

    private Similarity() {
    }

    /** An image with the summed-area tables SSIM needs for every pair it takes part in. */
    static final class Prepared {
        final double[] px;
        final int h;
        final int w;
        final double[] sum;
        final double[] sumSq;
        final double mean;
        final double norm; // sqrt of Σ(x − mean)²

        Prepared(double[] px, int h, int w) {
            this.px = px;
            this.h = h;
            this.w = w;
            this.sum = integral(px, null, h, w);
            double[] sq = new double[px.length];
            double s = 0;
            for (int i = 0; i < px.length; i++) {
                sq[i] = px[i] * px[i];
                s += px[i];
            }
            this.sumSq = integral(sq, null, h, w);
            this.mean = s / px.length;
            double ss = 0;
            for (double v : px) {
                ss += (v - mean) * (v - mean);
            }
            this.norm = Math.sqrt(ss);
        }
    }

    static double ssim(Prepared a, Prepared b) {
        int h = a.h;
        int w = a.w;
        double[] prod = new double[a.px.length];
        for (int i = 0; i < prod.length; i++) {
            prod[i] = a.px[i] * b.px[i];
        }
        double[] sumAB = integral(prod, null, h, w);
        int n = WINDOW * WINDOW;
        double cov = n / (n - 1.0);
        double total = 0;
        int count = 0;
        for (int y = 0; y + WINDOW <= h; y++) {
            for (int x = 0; x + WINDOW <= w; x++) {
                double ma = box(a.sum, w, y, x) / n;
                double mb = box(b.sum, w, y, x) / n;
                double va = cov * (box(a.sumSq, w, y, x) / n - ma * ma);
                double vb = cov * (box(b.sumSq, w, y, x) / n - mb * mb);
                double vab = cov * (box(sumAB, w, y, x) / n - ma * mb);
                total += ((2 * ma * mb + C1) * (2 * vab + C2)) / ((ma * ma + mb * mb + C1) * (va + vb + C2));
                count++;
            }
        }
        return total / count;
    }

    /** Pearson correlation of the pixels; 0 when either image is constant. */
    static double ncc(Prepared a, Prepared b) {
        if (a.norm == 0 || b.norm == 0) {
            return 0;
        }
        double s = 0;
        for (int i = 0; i < a.px.length; i++) {
            s += (a.px[i] - a.mean) * (b.px[i] - b.mean);
        }
        return s / (a.norm * b.norm);
    }

    /** Summed-area table with a zero first row and column: (h+1) x (w+1). */
    private static double[] integral(double[] v, double[] out, int h, int w) {
        double[] s = out != null ? out : new double[(h + 1) * (w + 1)];
        for (int y = 0; y < h; y++) {
            double row = 0;
            for (int x = 0; x < w; x++) {
                row += v[y * w + x];
                s[(y + 1) * (w + 1) + x + 1] = s[y * (w + 1) + x + 1] + row;
            }
        }
        return s;
    }

    private static double box(double[] s, int w, int y, int x) {
        int W = w + 1;
        return s[(y + WINDOW) * W + x + WINDOW] - s[y * W + x + WINDOW] - s[(y + WINDOW) * W + x] + s[y * W + x];
    }
}
