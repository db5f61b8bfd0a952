package io.distillery.distill;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The pooling layouts of {@link ConvNet} and {@link AlexNet} as plain loops, like {@link Kernels} (same array
 * requirements): k×k max-pool switches at any stride (AlexNet's overlapping 3/2 windows; {@link Kernels#gather}
 * and {@link Kernels#scatterAdd} apply them, and scatterAdd sums where windows overlap), and 2×2 average
 * pooling with its adjoint.
 */
final class PoolKernels {
    private PoolKernels() {
    }

    /** Output side of a k×k pool (or unpadded convolution) with this stride. */
    static int outputSide(int side, int k, int stride) {
        return (side - k) / stride + 1;
    }

    /**
     * k×k max-pool switches of x [N, C, H, W] without padding: argmax[o] is the offset (within x) of the largest
     * input of output o (first one on ties), outputs in [N, C, oH, oW] order.
     */
    static void maxPoolSwitches(INDArray x, int k, int stride, int[] argmax) {
        long planes = x.size(0) * x.size(1);
        int h = (int) x.size(2);
        int w = (int) x.size(3);
        int oh = outputSide(h, k, stride);
        int ow = outputSide(w, k, stride);
        int x0 = Kernels.base(x);
        boolean f = x.dataType() == DataType.FLOAT;
        FloatBuffer fs = f ? x.data().asNioFloat() : null;
        DoubleBuffer ds = f ? null : Kernels.double64(x);
        int o = 0;
        for (long plane = 0; plane < planes; plane++) {
            int p0 = (int) (plane * h * w);
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int best = -1;
                    double bestV = Double.NEGATIVE_INFINITY;
                    for (int ky = 0; ky < k; ky++) {
                        int row = p0 + (oy * stride + ky) * w + ox * stride;
                        for (int kx = 0; kx < k; kx++) {
                            double v = f ? fs.get(x0 + row + kx) : ds.get(x0 + row + kx);
                            if (best < 0 || v > bestV) {
                                bestV = v;
                                best = row + kx;
                            }
                        }
                    }
                    argmax[o++] = best;
                }
            }
        }
    }

    /** out [N, C, H/2, W/2] = mean of each 2×2 window of x [N, C, H, W]; an odd last row or column is dropped. */
    static void avgPool2(INDArray x, INDArray out) {
        long planes = x.size(0) * x.size(1);
        int h = (int) x.size(2);
        int w = (int) x.size(3);
        int oh = h / 2;
        int ow = w / 2;
        int x0 = Kernels.base(x);
        int o0 = Kernels.base(out);
        boolean f = x.dataType() == DataType.FLOAT;
        FloatBuffer fs = f ? x.data().asNioFloat() : null;
        FloatBuffer fd = f ? out.data().asNioFloat() : null;
        DoubleBuffer ds = f ? null : Kernels.double64(x);
        DoubleBuffer dd = f ? null : Kernels.double64(out);
        int o = o0;
        for (long plane = 0; plane < planes; plane++) {
            int p0 = (int) (x0 + plane * h * w);
            for (int oy = 0; oy < oh; oy++) {
                int r0 = p0 + 2 * oy * w;
                int r1 = r0 + w;
                for (int ox = 0; ox < ow; ox++, o++) {
                    int c = 2 * ox;
                    if (f) {
                        fd.put(o, 0.25f * (fs.get(r0 + c) + fs.get(r0 + c + 1) + fs.get(r1 + c) + fs.get(r1 + c + 1)));
                    } else {
                        dd.put(o, 0.25 * (ds.get(r0 + c) + ds.get(r0 + c + 1) + ds.get(r1 + c) + ds.get(r1 + c + 1)));
                    }
                }
            }
        }
    }

    /** The adjoint of {@link #avgPool2}: every input of a window gets a quarter of its output's gradient. */
    static void avgPool2Backward(INDArray gradOut, INDArray gradX) {
        gradX.assign(0);
        long planes = gradX.size(0) * gradX.size(1);
        int h = (int) gradX.size(2);
        int w = (int) gradX.size(3);
        int oh = h / 2;
        int ow = w / 2;
        int x0 = Kernels.base(gradX);
        int o0 = Kernels.base(gradOut);
        boolean f = gradX.dataType() == DataType.FLOAT;
        FloatBuffer fx = f ? gradX.data().asNioFloat() : null;
        FloatBuffer fo = f ? gradOut.data().asNioFloat() : null;
        DoubleBuffer dx = f ? null : Kernels.double64(gradX);
        DoubleBuffer dOut = f ? null : Kernels.double64(gradOut);
        int o = o0;
        for (long plane = 0; plane < planes; plane++) {
            int p0 = (int) (x0 + plane * h * w);
            for (int oy = 0; oy < oh; oy++) {
                int r0 = p0 + 2 * oy * w;
                int r1 = r0 + w;
                for (int ox = 0; ox < ow; ox++, o++) {
                    int c = 2 * ox;
                    if (f) {
                        float g = 0.25f * fo.get(o);
                        fx.put(r0 + c, g).put(r0 + c + 1, g).put(r1 + c, g).put(r1 + c + 1, g);
                    } else {
                        double g = 0.25 * dOut.get(o);
                        dx.put(r0 + c, g).put(r0 + c + 1, g).put(r1 + c, g).put(r1 + c + 1, g);
                    }
                }
            }
        }
    }
}
