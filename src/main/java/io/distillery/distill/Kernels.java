package io.distillery.distill;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The layout operations of the networks as plain loops over the arrays' off-heap memory: im2col and col2im
 * through a per-image index plan, axis swaps, max-pool through stored switches, ReLU through a stored mask.
 * libnd4j's im2col and permuted copies in this release cost ~7-11 ns per value (measured, bench/README.md);
 * these loops are memory-bound. Keeping the max-pool switches and ReLU masks of a forward pass also lets a
 * later pass reuse them ({@link Network#forwardFrozen}), which the hypergradient's finite differences need.
 *
 * <p>Every array must be C-ordered and contiguous (views at an offset are fine); FLOAT and DOUBLE only.
 */
final class Kernels {
    private Kernels() {
    }

    /** dst[j] = src[idx[j]] (max-pool forward through its switches). */
    static void gather(INDArray src, int[] idx, INDArray dst) {
        int s0 = base(src);
        int d0 = base(dst);
        if (src.dataType() == DataType.FLOAT) {
            FloatBuffer s = src.data().asNioFloat();
            FloatBuffer d = dst.data().asNioFloat();
            for (int j = 0; j < idx.length; j++) {
                d.put(d0 + j, s.get(s0 + idx[j]));
            }
        } else {
            DoubleBuffer s = double64(src);
            DoubleBuffer d = double64(dst);
            for (int j = 0; j < idx.length; j++) {
                d.put(d0 + j, s.get(s0 + idx[j]));
            }
        }
    }

    /** The adjoint of {@link #gather}: dst = 0, then dst[idx[j]] += src[j]. */
    static void scatterAdd(INDArray src, int[] idx, INDArray dst) {
        dst.assign(0);
        int s0 = base(src);
        int d0 = base(dst);
        if (src.dataType() == DataType.FLOAT) {
            FloatBuffer s = src.data().asNioFloat();
            FloatBuffer d = dst.data().asNioFloat();
            for (int j = 0; j < idx.length; j++) {
                d.put(d0 + idx[j], d.get(d0 + idx[j]) + s.get(s0 + j));
            }
        } else {
            DoubleBuffer s = double64(src);
            DoubleBuffer d = double64(dst);
            for (int j = 0; j < idx.length; j++) {
                d.put(d0 + idx[j], d.get(d0 + idx[j]) + s.get(s0 + j));
            }
        }
    }

    /**
     * im2col plan of one image [C, H, W] for a stride-1 k×k convolution with zero padding {@code pad}: entry
     * ((c·k + ki)·k + kj)·oH·oW + oy·oW + ox is the input offset it reads, or −1 in the padding.
     */
    static int[] im2colPlan(int c, int h, int w, int k, int pad) {
        return im2colPlan(c, h, w, k, pad, 1);
    }

    /** As {@link #im2colPlan(int, int, int, int, int)} with stride: outputs are (side + 2·pad − k) / stride + 1. */
    static int[] im2colPlan(int c, int h, int w, int k, int pad, int stride) {
        int oh = (h + 2 * pad - k) / stride + 1;
        int ow = (w + 2 * pad - k) / stride + 1;
        int[] plan = new int[c * k * k * oh * ow];
        int j = 0;
        for (int ch = 0; ch < c; ch++) {
            for (int ki = 0; ki < k; ki++) {
                for (int kj = 0; kj < k; kj++) {
                    for (int oy = 0; oy < oh; oy++) {
                        int y = oy * stride + ki - pad;
                        for (int ox = 0; ox < ow; ox++) {
                            int x = ox * stride + kj - pad;
                            plan[j++] = y < 0 || y >= h || x < 0 || x >= w ? -1 : (ch * h + y) * w + x;
                        }
                    }
                }
            }
        }
        return plan;
    }

    /**
     * im2col of a batch into channel-major columns: col[r, i, q] (r < plan.length / hw, i < n, q < hw) =
     * x[i·imageSize + plan[r·hw + q]], or 0 where the plan says padding. One matrix product with the
     * weights then convolves the whole batch.
     */
    static void im2col(INDArray x, int[] plan, long imageSize, long n, int hw, INDArray col) {
        int rows = plan.length / hw;
        int x0 = base(x);
        int c0 = base(col);
        boolean f = x.dataType() == DataType.FLOAT;
        FloatBuffer fx = f ? x.data().asNioFloat() : null;
        FloatBuffer fc = f ? col.data().asNioFloat() : null;
        DoubleBuffer dx = f ? null : double64(x);
        DoubleBuffer dc = f ? null : double64(col);
        int o = c0;
        for (int r = 0; r < rows; r++) {
            int p0 = r * hw;
            for (long i = 0; i < n; i++) {
                int xi = (int) (x0 + i * imageSize);
                if (f) {
                    for (int q = 0; q < hw; q++) {
                        int at = plan[p0 + q];
                        fc.put(o++, at < 0 ? 0f : fx.get(xi + at));
                    }
                } else {
                    for (int q = 0; q < hw; q++) {
                        int at = plan[p0 + q];
                        dc.put(o++, at < 0 ? 0.0 : dx.get(xi + at));
                    }
                }
            }
        }
    }

    /** The adjoint of {@link #im2col}: dx = 0, then dx[i·imageSize + plan[r·hw + q]] += col[r, i, q]. */
    static void col2im(INDArray col, int[] plan, long imageSize, long n, int hw, INDArray dx) {
        dx.assign(0);
        int rows = plan.length / hw;
        int x0 = base(dx);
        int c0 = base(col);
        boolean f = col.dataType() == DataType.FLOAT;
        FloatBuffer fx = f ? dx.data().asNioFloat() : null;
        FloatBuffer fc = f ? col.data().asNioFloat() : null;
        DoubleBuffer ddx = f ? null : double64(dx);
        DoubleBuffer dc = f ? null : double64(col);
        int o = c0;
        for (int r = 0; r < rows; r++) {
            int p0 = r * hw;
            for (long i = 0; i < n; i++) {
                int xi = (int) (x0 + i * imageSize);
                if (f) {
                    for (int q = 0; q < hw; q++, o++) {
                        int at = plan[p0 + q];
                        if (at >= 0) {
                            fx.put(xi + at, fx.get(xi + at) + fc.get(o));
                        }
                    }
                } else {
                    for (int q = 0; q < hw; q++, o++) {
                        int at = plan[p0 + q];
                        if (at >= 0) {
                            ddx.put(xi + at, ddx.get(xi + at) + dc.get(o));
                        }
                    }
                }
            }
        }
    }

    /**
     * Swaps the two leading axes of a [a, b, hw] array into [b, a, hw] (plane copies), adding {@code bias[j]}
     * (length a, may be null) to every value of plane j of the source.
     */
    static void swapLeading(INDArray src, long a, long b, int hw, INDArray bias, INDArray dst) {
        int s0 = base(src);
        int d0 = base(dst);
        boolean f = src.dataType() == DataType.FLOAT;
        FloatBuffer fs = f ? src.data().asNioFloat() : null;
        FloatBuffer fd = f ? dst.data().asNioFloat() : null;
        DoubleBuffer ds = f ? null : double64(src);
        DoubleBuffer dd = f ? null : double64(dst);
        for (long j = 0; j < a; j++) {
            double add = bias == null ? 0 : bias.getDouble(j);
            for (long i = 0; i < b; i++) {
                int so = (int) (s0 + (j * b + i) * hw);
                int dOff = (int) (d0 + (i * a + j) * hw);
                if (f) {
                    if (add == 0) {
                        fd.put(dOff, fs, so, hw);
                    } else {
                        float fa = (float) add;
                        for (int q = 0; q < hw; q++) {
                            fd.put(dOff + q, fs.get(so + q) + fa);
                        }
                    }
                } else {
                    if (add == 0) {
                        dd.put(dOff, ds, so, hw);
                    } else {
                        for (int q = 0; q < hw; q++) {
                            dd.put(dOff + q, ds.get(so + q) + add);
                        }
                    }
                }
            }
        }
    }

    /**
     * 2×2 max-pool switches of x [N, C, H, W] (H, W even): argmax[o] is the flat offset (within x) of the
     * largest of the four inputs of output o (first one on ties), outputs in [N, C, H/2, W/2] order.
     */
    static void maxPoolSwitches(INDArray x, int[] argmax) {
        long n = x.size(0) * x.size(1);
        int h = (int) x.size(2);
        int w = (int) x.size(3);
        int x0 = base(x);
        int o = 0;
        boolean f = x.dataType() == DataType.FLOAT;
        FloatBuffer fs = f ? x.data().asNioFloat() : null;
        DoubleBuffer ds = f ? null : double64(x);
        for (long plane = 0; plane < n; plane++) {
            int p0 = (int) (plane * h * w);
            for (int y = 0; y < h; y += 2) {
                for (int xx = 0; xx < w; xx += 2) {
                    int best = p0 + y * w + xx;
                    double bestV = f ? fs.get(x0 + best) : ds.get(x0 + best);
                    int first = best;
                    for (int q = 1; q < 4; q++) {
                        int cand = first + (q >> 1) * w + (q & 1);
                        double v = f ? fs.get(x0 + cand) : ds.get(x0 + cand);
                        if (v > bestV) {
                            bestV = v;
                            best = cand;
                        }
                    }
                    argmax[o++] = best;
                }
            }
        }
    }

    /** mask[i] = x[i] > 0. */
    static void positive(INDArray x, boolean[] mask) {
        int x0 = base(x);
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer s = x.data().asNioFloat();
            for (int i = 0; i < mask.length; i++) {
                mask[i] = s.get(x0 + i) > 0;
            }
        } else {
            DoubleBuffer s = double64(x);
            for (int i = 0; i < mask.length; i++) {
                mask[i] = s.get(x0 + i) > 0;
            }
        }
    }

    /** out[i] = mask[i] ? x[i] : 0 (ReLU forward with given switches, and its backward). */
    static void mask(INDArray x, boolean[] mask, INDArray out) {
        int x0 = base(x);
        int o0 = base(out);
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer s = x.data().asNioFloat();
            FloatBuffer d = out.data().asNioFloat();
            for (int i = 0; i < mask.length; i++) {
                d.put(o0 + i, mask[i] ? s.get(x0 + i) : 0f);
            }
        } else {
            DoubleBuffer s = double64(x);
            DoubleBuffer d = double64(out);
            for (int i = 0; i < mask.length; i++) {
                d.put(o0 + i, mask[i] ? s.get(x0 + i) : 0.0);
            }
        }
    }

    static DoubleBuffer double64(INDArray a) {
        if (a.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException("FLOAT or DOUBLE arrays only, got " + a.dataType());
        }
        return a.data().asNioDouble();
    }

    /** Offset of the array's first element in its buffer; rejects layouts the loops cannot walk linearly. */
    static int base(INDArray a) {
        if (a.ordering() != 'c' || a.elementWiseStride() != 1) {
            throw new IllegalArgumentException("kernels need C-ordered contiguous arrays, got "
                    + a.shapeInfoToString());
        }
        return Math.toIntExact(a.offset());
    }
}
