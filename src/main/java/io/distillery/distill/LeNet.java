package io.distillery.distill;

import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * LeNet as in the reference dataset-distillation code: conv 5x5 (6, padding 2 at 28 px) - ReLU - maxpool 2
 * - conv 5x5 (16) - ReLU - maxpool 2 - dense 120 - ReLU - dense 84 - ReLU - dense classes. Pooling runs
 * before the ReLU (the same function, since max and ReLU commute) so the ReLU touches 4x fewer values.
 * Each batch size keeps the max-pool switches and ReLU masks of its last forward pass for
 * {@link #forwardFrozen} and the backward pass.
 */
public final class LeNet implements Network, PerExampleGradientNorms {
    private static final int W1 = 0, B1 = 1, W2 = 2, B2 = 3, F1 = 4, C1 = 5, F2 = 6, C2 = 7, F3 = 8, C3 = 9;

    private final ModelSpec spec;
    private final DataType type;
    private final ParamLayout layout = new ParamLayout();
    private final int pad1;
    private final int s1; // conv1 output side
    private final int s2; // conv2 output side
    private final int flat;
    private final Map<Long, Buffers> buffers = new HashMap<>();
    private final ParamViews views = new ParamViews(layout);
    private Buffers last;
    private INDArray[] lastParams;

    public LeNet(ModelSpec spec, DataType type) {
        if (spec.height() != spec.width() || (spec.height() != 28 && spec.height() != 32)) {
            throw new DistillException("LeNet takes 28x28 or 32x32 images, got " + spec.height() + "x" + spec.width());
        }
        this.spec = spec;
        this.type = type;
        this.pad1 = spec.height() == 28 ? 2 : 0;
        this.s1 = spec.height() + 2 * pad1 - 4;
        this.s2 = s1 / 2 - 4;
        this.flat = 16 * (s2 / 2) * (s2 / 2);
        int c = spec.channels();
        layout.add("conv1.w", c * 25L, 6 * 25L, 6, c, 5, 5);
        layout.add("conv1.b", 0, 0, 6);
        layout.add("conv2.w", 6 * 25L, 16 * 25L, 16, 6, 5, 5);
        layout.add("conv2.b", 0, 0, 16);
        layout.add("fc1.w", flat, 120, flat, 120);
        layout.add("fc1.b", 0, 0, 120);
        layout.add("fc2.w", 120, 84, 120, 84);
        layout.add("fc2.b", 0, 0, 84);
        layout.add("fc3.w", 84, spec.numClasses(), 84, spec.numClasses());
        layout.add("fc3.b", 0, 0, spec.numClasses());
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public DataType dataType() {
        return type;
    }

    @Override
    public long numParams() {
        return layout.total();
    }

    @Override
    public void initialise(INDArray theta, long seed) {
        layout.xavierNormal(theta, seed);
    }

    /** Activations and their gradients for one batch size, allocated once. */
    private final class Buffers {
        final INDArray a1, p1raw, p1, a2, p2raw, p2, h1, h1r, h2, h2r, z;
        final INDArray dh2r, dh2, dh1r, dh1, dp2, dp2raw, dp1, dp1raw, da2, da1;
        final Conv2d conv1, conv2;
        final int[] pool1, pool2;                    // max-pool switches (offsets into a1, a2)
        final boolean[] relu1, relu2, relu3, relu4;  // ReLU masks of p1raw, p2raw, h1, h2

        Buffers(long n) {
            int q1 = s1 / 2, q2 = s2 / 2;
            conv1 = new Conv2d(type, n, spec.channels(), 6, 5, pad1, spec.height(), spec.width());
            conv2 = new Conv2d(type, n, 6, 16, 5, 0, q1, q1);
            a1 = Nd4j.create(type, n, 6, s1, s1);
            p1raw = Nd4j.create(type, n, 6, q1, q1);
            p1 = Nd4j.create(type, n, 6, q1, q1);
            a2 = Nd4j.create(type, n, 16, s2, s2);
            p2raw = Nd4j.create(type, n, 16, q2, q2);
            p2 = Nd4j.create(type, n, flat);
            h1 = Nd4j.create(type, n, 120);
            h1r = Nd4j.create(type, n, 120);
            h2 = Nd4j.create(type, n, 84);
            h2r = Nd4j.create(type, n, 84);
            z = Nd4j.create(type, n, spec.numClasses());
            dh2r = Nd4j.create(type, n, 84);
            dh2 = Nd4j.create(type, n, 84);
            dh1r = Nd4j.create(type, n, 120);
            dh1 = Nd4j.create(type, n, 120);
            dp2 = Nd4j.create(type, n, flat);
            dp2raw = Nd4j.create(type, n, 16, q2, q2);
            dp1 = Nd4j.create(type, n, 6, q1, q1);
            dp1raw = Nd4j.create(type, n, 6, q1, q1);
            da2 = Nd4j.create(type, n, 16, s2, s2);
            da1 = Nd4j.create(type, n, 6, s1, s1);
            pool1 = new int[Math.toIntExact(p1raw.length())];
            pool2 = new int[Math.toIntExact(p2raw.length())];
            relu1 = new boolean[pool1.length];
            relu2 = new boolean[pool2.length];
            relu3 = new boolean[Math.toIntExact(h1.length())];
            relu4 = new boolean[Math.toIntExact(h2.length())];
        }
    }

    @Override
    public INDArray forward(INDArray theta, INDArray x) {
        return forward(theta, x, false);
    }

    @Override
    public INDArray forwardFrozen(INDArray theta, INDArray x) {
        if (!buffers.containsKey(x.size(0))) {
            throw new IllegalStateException("no forward pass of a batch of " + x.size(0) + " to take switches from");
        }
        return forward(theta, x, true);
    }

    private INDArray forward(INDArray theta, INDArray x, boolean frozen) {
        long n = x.size(0);
        Buffers b = buffers.computeIfAbsent(n, Buffers::new);
        INDArray[] p = views.of(theta);
        b.conv1.forward(x, p[W1], p[B1], b.a1);
        pool(b.a1, b.pool1, b.p1raw, frozen);
        relu(b.p1raw, b.relu1, b.p1, frozen);
        b.conv2.forward(b.p1, p[W2], p[B2], b.a2);
        pool(b.a2, b.pool2, b.p2raw, frozen);
        relu(b.p2raw, b.relu2, b.p2, frozen);
        Ops.dense(b.p2, p[F1], p[C1], b.h1);
        relu(b.h1, b.relu3, b.h1r, frozen);
        Ops.dense(b.h1r, p[F2], p[C2], b.h2);
        relu(b.h2, b.relu4, b.h2r, frozen);
        Ops.dense(b.h2r, p[F3], p[C3], b.z);
        last = b;
        lastParams = p;
        return b.z;
    }

    /** Views of conv1.w, conv1.b, conv2.w, conv2.b, fc1.w, fc1.b, fc2.w, fc2.b, fc3.w, fc3.b in {@code theta}. */
    INDArray[] parameterViews(INDArray theta) {
        return layout.views(theta);
    }

    /** Padding of the first convolution (2 at 28 px, 0 at 32 px). */
    int firstPadding() {
        return pad1;
    }

    private static void pool(INDArray x, int[] switches, INDArray out, boolean frozen) {
        if (!frozen) {
            Kernels.maxPoolSwitches(x, switches);
        }
        Kernels.gather(x, switches, out);
    }

    private static void relu(INDArray x, boolean[] mask, INDArray out, boolean frozen) {
        if (!frozen) {
            Kernels.positive(x, mask);
        }
        Kernels.mask(x, mask, out);
    }

    @Override
    public void backward(INDArray dLogits, INDArray gradTheta, INDArray gradX) {
        Buffers b = last;
        INDArray[] p = lastParams;
        INDArray[] g = views.of(gradTheta);
        Ops.denseBp(b.h2r, p[F3], dLogits, g[F3], g[C3], b.dh2r);
        Kernels.mask(b.dh2r, b.relu4, b.dh2);
        Ops.denseBp(b.h1r, p[F2], b.dh2, g[F2], g[C2], b.dh1r);
        Kernels.mask(b.dh1r, b.relu3, b.dh1);
        Ops.denseBp(b.p2, p[F1], b.dh1, g[F1], g[C1], b.dp2);
        Kernels.mask(b.dp2, b.relu2, b.dp2raw);
        Kernels.scatterAdd(b.dp2raw, b.pool2, b.da2);
        b.conv2.backward(p[W2], b.da2, g[W2], g[B2], b.dp1);
        Kernels.mask(b.dp1, b.relu1, b.dp1raw);
        Kernels.scatterAdd(b.dp1raw, b.pool1, b.da1);
        b.conv1.backward(p[W1], b.da1, g[W1], g[B1], gradX);
    }
    @Override
    public double[] perExampleSquaredNorms(INDArray dLogits, INDArray scratch) {
        backward(dLogits, scratch, null); // fills the activation gradients of every layer
        Buffers b = last;
        double[] sq = new double[(int) dLogits.size(0)];
        addDense(b.h2r, dLogits, sq);
        addDense(b.h1r, b.dh2, sq);
        addDense(b.p2, b.dh1, sq);
        b.conv2.addPerExampleSquaredNorms(b.da2, sq);
        b.conv1.addPerExampleSquaredNorms(b.da1, sq);
        return sq;
    }

    /** A dense layer's per-example gradient is the outer product input ⊗ δ: norm² = |input|²|δ|² (+ |δ|² bias). */
    private static void addDense(INDArray input, INDArray delta, double[] sq) {
        double[] in = input.mul(input).sum(1).toDoubleVector();
        double[] d = delta.mul(delta).sum(1).toDoubleVector();
        for (int i = 0; i < sq.length; i++) {
            sq[i] += (in[i] + 1) * d[i];
        }
    }
}
