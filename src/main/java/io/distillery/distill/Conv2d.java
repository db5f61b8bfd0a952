package io.distillery.distill;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastCopyOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A stride-1 convolution as im2col + batched matrix products ([N, oC, C·k·k] × [N, C·k·k, oH·oW]), with
 * buffers for one batch size. Measured here (float32, 1 thread, batch 256, CPU time, LeNet's first layer):
 * libnd4j's conv2d took 45 ms and conv2d_bp 273 ms; im2col takes 35 ms, a permuted copy of its output 56 ms,
 * a batched product 8 ms. Batching per image keeps im2col's layout, so no permuted copy is needed.
 */
final class Conv2d {
    private final int in;
    private final int out;
    private final int k;
    private final int pad;
    private final int h;
    private final int w;
    private final long n;
    private final long kk;
    private final long hw;
    private final INDArray col;    // [N, C·k·k, oH·oW] (im2col's [N, C, k, k, oH, oW])
    private final INDArray wb;     // weights broadcast to [N, oC, C·k·k]
    private final INDArray dCol;   // [N, C·k·k, oH·oW]
    private final INDArray dWb;    // per-image weight gradients [N, oC, C·k·k]

    Conv2d(DataType type, long n, int in, int out, int k, int pad, int h, int w) {
        this.n = n;
        this.in = in;
        this.out = out;
        this.k = k;
        this.pad = pad;
        this.h = h;
        this.w = w;
        int oh = h + 2 * pad - k + 1;
        int ow = w + 2 * pad - k + 1;
        this.kk = (long) in * k * k;
        this.hw = (long) oh * ow;
        col = Nd4j.create(type, n, kk, hw);
        wb = Nd4j.create(type, n, out, kk);
        dCol = Nd4j.create(type, n, kk, hw);
        dWb = Nd4j.create(type, n, out, kk);
    }

    /** y [N, oC, oH, oW] = conv(x, weights [oC, C, k, k]) + bias. */
    void forward(INDArray x, INDArray weights, INDArray bias, INDArray y) {
        Ops.exec("im2col", new INDArray[] {x}, new INDArray[] {col.reshape(n, in, k, k, hw / (w + 2 * pad - k + 1),
                w + 2 * pad - k + 1)}, new int[] {k, k, 1, 1, pad, pad, 1, 1, 0}, 0.0);
        Nd4j.exec(new BroadcastCopyOp(wb, weights.reshape(out, kk), wb, 1, 2));
        INDArray y3 = y.reshape(n, out, hw);
        Ops.exec("matmul", new INDArray[] {wb, col}, new INDArray[] {y3}, new int[0]);
        Nd4j.exec(new BroadcastAddOp(y3, bias.reshape(out), y3, 1));
    }

    /** Gradients for the last forward: weights and bias always, input only if {@code gradX} is non-null. */
    void backward(INDArray weights, INDArray gradY, INDArray gradW, INDArray gradB, INDArray gradX) {
        INDArray g3 = gradY.reshape(n, out, hw);
        gradB.reshape(out).assign(g3.sum(0, 2));
        Ops.exec("matmul", new INDArray[] {g3, col}, new INDArray[] {dWb}, new int[] {0, 1});
        dWb.sum(gradW.reshape(out, kk), 0);
        if (gradX == null) {
            return;
        }
        Ops.exec("matmul", new INDArray[] {wb, g3}, new INDArray[] {dCol}, new int[] {1, 0});
        Ops.exec("col2im", new INDArray[] {dCol.reshape(n, in, k, k, hw / (w + 2 * pad - k + 1), w + 2 * pad - k + 1)},
                new INDArray[] {gradX}, new int[] {1, 1, pad, pad, h, w, 1, 1, 0});
    }
}
