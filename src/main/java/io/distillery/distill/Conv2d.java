package io.distillery.distill;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A convolution of a whole batch as one matrix product: im2col into channel-major columns
 * [C·k·k, N·oH·oW], weights [oC, C·k·k] × columns, then the [oC, N, oH·oW] result swapped to NCHW. Buffers
 * are for one batch size. Measured here (float32, 1 thread, batch 256, CPU time, LeNet's first layer):
 * libnd4j's conv2d took 45 ms and conv2d_bp 273 ms, its im2col op 35 ms and a permuted copy 56 ms; per-image
 * batched products of small matrices were slower than one product over the batch. The layout work is in
 * {@link Kernels}.
 */
final class Conv2d {
    private final int in;
    private final int out;
    private final int h;
    private final int w;
    private final long n;
    private final long kk;
    private final int hw;
    private final int[] plan;      // im2col offsets of one image
    private final INDArray col;    // [C·k·k, N·oH·oW]
    private final INDArray yT;     // output, channel-major [oC, N·oH·oW]
    private INDArray dCol;         // [C·k·k, N·oH·oW], allocated by the first backward that needs it

    Conv2d(DataType type, long n, int in, int out, int k, int pad, int h, int w) {
        this(type, n, in, out, k, pad, 1, h, w);
    }

    Conv2d(DataType type, long n, int in, int out, int k, int pad, int stride, int h, int w) {
        this.n = n;
        this.in = in;
        this.out = out;
        this.h = h;
        this.w = w;
        this.kk = (long) in * k * k;
        this.hw = ((h + 2 * pad - k) / stride + 1) * ((w + 2 * pad - k) / stride + 1);
        plan = Kernels.im2colPlan(in, h, w, k, pad, stride);
        col = Nd4j.create(type, kk, n * hw);
        yT = Nd4j.create(type, out, n * hw);
    }

    /** y [N, oC, oH, oW] = conv(x, weights [oC, C, k, k]) + bias. */
    void forward(INDArray x, INDArray weights, INDArray bias, INDArray y) {
        Kernels.im2col(x, plan, (long) in * h * w, n, hw, col);
        Nd4j.gemm(weights.reshape(out, kk), col, yT, false, false, 1.0, 0.0);
        Kernels.swapLeading(yT, out, n, hw, bias, y);
    }

    /** Gradients for the last forward: weights and bias always, input only if {@code gradX} is non-null. */
    void backward(INDArray weights, INDArray gradY, INDArray gradW, INDArray gradB, INDArray gradX) {
        INDArray dyT = yT; // the forward output is no longer needed
        Kernels.swapLeading(gradY, n, out, hw, null, dyT);
        Nd4j.gemm(dyT, col, gradW.reshape(out, kk), false, true, 1.0, 0.0);
        dyT.sum(gradB.reshape(out), 1);
        if (gradX == null) {
            return;
        }
        if (dCol == null) {
            dCol = Nd4j.create(col.dataType(), col.shape());
        }
        Nd4j.gemm(weights.reshape(out, kk), dyT, dCol, true, false, 1.0, 0.0);
        Kernels.col2im(dCol, plan, (long) in * h * w, n, hw, gradX);
    }
    /**
     * Squared L2 norm of each image's own weight and bias gradient for output gradient {@code gradY} [N, oC, oH, oW]
     * of the last forward (whose im2col columns are still in {@code col}): one batched product
     * [N, oC, oH·oW] × [N, oH·oW, C·k·k], added into {@code sq}.
     */
    void addPerExampleSquaredNorms(INDArray gradY, double[] sq) {
        INDArray dy = gradY.reshape(n, out, hw);
        INDArray cols = col.reshape(kk, n, hw).permute(1, 2, 0).dup('c');
        INDArray gw = Nd4j.matmul(dy, cols);
        INDArray gb = dy.sum(2);
        double[] w = gw.mul(gw).sum(1, 2).toDoubleVector();
        double[] b = gb.mul(gb).sum(1).toDoubleVector();
        for (int i = 0; i < sq.length; i++) {
            sq[i] += w[i] + b[i];
        }
    }
}
