package io.distillery.distill;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Affine instance normalisation of [N, C, H, W] (PyTorch's {@code GroupNorm(C, C)}, as in the ConvNet of the
 * dataset-distillation literature): y = γ_c (a − μ)/√(σ² + ε) + β_c with mean μ and biased variance σ² of each
 * image's channel plane. DL4J has no such layer, so forward and backward are written here, as plain loops over
 * the arrays' memory like {@link Kernels}: a version on ND4J ops (mean, column-vector and broadcast ops) took
 * 12-46 ms per forward of a [3, 4, 16, 16] batch on this loaded machine, ~1 ms per op whatever the size.
 * Statistics accumulate in double. The statistics are smooth functions of the input, so a frozen pass
 * ({@link Network#forwardFrozen}) simply recomputes them. Per-plane μ and 1/σ are kept for {@link #backward},
 * which recomputes x̂ from the input instead of storing it. Buffers are for one batch size.
 */
final class InstanceNorm {
    /** PyTorch's default. */
    static final double EPS = 1e-5;

    private final int channels;
    private final int hw;
    private final int planes;
    private final double[] mean;
    private final double[] invStd;
    private final double[] plane;
    private final double[] grad;

    InstanceNorm(long n, int channels, int hw) {
        this.channels = channels;
        this.hw = hw;
        this.planes = Math.toIntExact(n * channels);
        mean = new double[planes];
        invStd = new double[planes];
        plane = new double[hw];
        grad = new double[hw];
    }

    /** y = γ x̂ + β for a, y [N, C, H, W], γ and β [C]. */
    void forward(INDArray a, INDArray gamma, INDArray beta, INDArray y) {
        double[] g = gamma.toDoubleVector();
        double[] b = beta.toDoubleVector();
        Planes in = new Planes(a);
        Planes out = new Planes(y);
        for (int p = 0; p < planes; p++) {
            in.read(p, plane);
            double mu = 0;
            for (int i = 0; i < hw; i++) {
                mu += plane[i];
            }
            mu /= hw;
            double var = 0;
            for (int i = 0; i < hw; i++) {
                double d = plane[i] - mu;
                var += d * d;
            }
            double inv = 1 / Math.sqrt(var / hw + EPS);
            mean[p] = mu;
            invStd[p] = inv;
            int c = p % channels;
            double scale = g[c] * inv;
            double shift = b[c] - mu * scale;
            for (int i = 0; i < hw; i++) {
                plane[i] = plane[i] * scale + shift;
            }
            out.write(p, plane);
        }
    }

    /**
     * Gradients for the last forward of input {@code a}, from dy: dγ = Σ dy·x̂ and dβ = Σ dy over images and
     * pixels, and da = γ/σ · (dy − mean(dy) − x̂·mean(dy·x̂)) with means over each plane. {@code da} may be
     * {@code dy}.
     */
    void backward(INDArray a, INDArray dy, INDArray gamma, INDArray gradGamma, INDArray gradBeta, INDArray da) {
        double[] g = gamma.toDoubleVector();
        double[] dGamma = new double[channels];
        double[] dBeta = new double[channels];
        Planes in = new Planes(a);
        Planes dOut = new Planes(dy);
        Planes dIn = new Planes(da);
        for (int p = 0; p < planes; p++) {
            in.read(p, plane);
            dOut.read(p, grad);
            double mu = mean[p];
            double inv = invStd[p];
            double sumDy = 0;
            double sumDyX = 0;
            for (int i = 0; i < hw; i++) {
                plane[i] = (plane[i] - mu) * inv; // x̂
                sumDy += grad[i];
                sumDyX += grad[i] * plane[i];
            }
            int c = p % channels;
            dBeta[c] += sumDy;
            dGamma[c] += sumDyX;
            double k = g[c] * inv;
            double m1 = sumDy / hw;
            double m2 = sumDyX / hw;
            for (int i = 0; i < hw; i++) {
                grad[i] = k * (grad[i] - m1 - plane[i] * m2);
            }
            dIn.write(p, grad);
        }
        gradGamma.assign(Nd4j.createFromArray(dGamma).castTo(gradGamma.dataType()));
        gradBeta.assign(Nd4j.createFromArray(dBeta).castTo(gradBeta.dataType()));
    }

    /** Plane-wise bulk access to a contiguous FLOAT or DOUBLE array, in double. */
    private final class Planes {
        private final int base;
        private final FloatBuffer f;
        private final DoubleBuffer d;

        Planes(INDArray a) {
            base = Kernels.base(a);
            boolean isFloat = a.dataType() == DataType.FLOAT;
            f = isFloat ? a.data().asNioFloat() : null;
            d = isFloat ? null : Kernels.double64(a);
        }

        void read(int p, double[] dst) {
            int o = base + p * hw;
            if (f != null) {
                for (int i = 0; i < hw; i++) {
                    dst[i] = f.get(o + i);
                }
            } else {
                d.get(o, dst, 0, hw);
            }
        }

        void write(int p, double[] src) {
            int o = base + p * hw;
            if (f != null) {
                for (int i = 0; i < hw; i++) {
                    f.put(o + i, (float) src[i]);
                }
            } else {
                d.put(o, src, 0, hw);
            }
        }
    }
}
