package io.distillery.distill;

import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The AlexNet of Wang et al.'s dataset-distillation code (torchvision's geometry, no dropout) with its
 * channel counts scaled by a width w = {@link ModelSpec#netWidth()}: conv 11x11 stride 4 padding 2 (w) - ReLU -
 * maxpool 3/2 - conv 5x5 padding 2 (3w) - ReLU - maxpool 3/2 - conv 3x3 (6w) - ReLU - conv 3x3 (4w) - ReLU -
 * conv 3x3 (4w) - ReLU - maxpool 3/2 - dense 64w - ReLU - dense 64w - ReLU - dense classes. w = 64 is the
 * reference (64/192/384/256/256 channels, 4096 hidden units, 6x6 features at 224 px); smaller widths make it
 * trainable on a CPU. Inputs from 63 px per side (then 1x1 features). Max-pooling runs before the ReLU where
 * both follow a conv (the same function) and, as in {@link LeNet}, each batch size keeps the pool switches
 * and ReLU masks of its last forward pass for {@link #forwardFrozen} and the backward pass.
 */
public final class AlexNet implements Network {
    private static final int W1 = 0, B1 = 1, W2 = 2, B2 = 3, W3 = 4, B3 = 5, W4 = 6, B4 = 7, W5 = 8, B5 = 9,
            F1 = 10, C1 = 11, F2 = 12, C2 = 13, F3 = 14, C3 = 15;
    private static final int POOL = 3;
    private static final int POOL_STRIDE = 2;

    private final ModelSpec spec;
    private final DataType type;
    private final ParamLayout layout = new ParamLayout();
    private final ParamViews views = new ParamViews(layout);
    private final int[] ch;                  // conv output channels
    private final int hidden;
    private final int h1, w1, h2, w2, h3, w3, h4, w4; // conv1 output, pool1, pool2 (= conv3..5), pool3
    private final long flat;
    private final Map<Long, Buffers> buffers = new HashMap<>();
    private Buffers last;
    private INDArray[] lastParams;

    public AlexNet(ModelSpec spec, DataType type) {
        if (spec.height() < 63 || spec.width() < 63) {
            throw new DistillException("alexnet takes images of at least 63x63 px (made for 224x224), got "
                    + spec.height() + "x" + spec.width());
        }
        int w = spec.netWidth();
        if (w < 1) {
            throw new DistillException("alexnet width must be positive, got " + w);
        }
        this.spec = spec;
        this.type = type;
        h1 = PoolKernels.outputSide(spec.height() + 4, 11, 4);
        w1 = PoolKernels.outputSide(spec.width() + 4, 11, 4);
        h2 = PoolKernels.outputSide(h1, POOL, POOL_STRIDE);
        w2 = PoolKernels.outputSide(w1, POOL, POOL_STRIDE);
        h3 = PoolKernels.outputSide(h2, POOL, POOL_STRIDE);
        w3 = PoolKernels.outputSide(w2, POOL, POOL_STRIDE);
        h4 = PoolKernels.outputSide(h3, POOL, POOL_STRIDE);
        w4 = PoolKernels.outputSide(w3, POOL, POOL_STRIDE);
        ch = new int[] {w, 3 * w, 6 * w, 4 * w, 4 * w};
        hidden = 64 * w;
        flat = (long) ch[4] * h4 * w4;
        int[] k = {11, 5, 3, 3, 3};
        int in = spec.channels();
        for (int i = 0; i < 5; i++) {
            long kk = (long) k[i] * k[i];
            layout.add("conv" + (i + 1) + ".w", in * kk, ch[i] * kk, ch[i], in, k[i], k[i]);
            layout.add("conv" + (i + 1) + ".b", 0, 0, ch[i]);
            in = ch[i];
        }
        layout.add("fc1.w", flat, hidden, flat, hidden);
        layout.add("fc1.b", 0, 0, hidden);
        layout.add("fc2.w", hidden, hidden, hidden, hidden);
        layout.add("fc2.b", 0, 0, hidden);
        layout.add("fc3.w", hidden, spec.numClasses(), hidden, spec.numClasses());
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
        final Conv2d conv1, conv2, conv3, conv4, conv5;
        final INDArray a1, p1raw, p1, a2, p2raw, p2, a3, r3, a4, r4, a5, p5raw, p5, h1a, h1r, h2a, h2r, z;
        final INDArray dh2r, dh2, dh1r, dh1, dp5, dp5raw, da5, dr4, da4, dr3, da3, dp2, dp2raw, da2, dp1, dp1raw, da1;
        final int[] pool1, pool2, pool5;
        final boolean[] relu1, relu2, relu3, relu4, relu5, relu6, relu7;

        Buffers(long n) {
            conv1 = new Conv2d(type, n, spec.channels(), ch[0], 11, 2, 4, spec.height(), spec.width());
            conv2 = new Conv2d(type, n, ch[0], ch[1], 5, 2, h2, w2);
            conv3 = new Conv2d(type, n, ch[1], ch[2], 3, 1, h3, w3);
            conv4 = new Conv2d(type, n, ch[2], ch[3], 3, 1, h3, w3);
            conv5 = new Conv2d(type, n, ch[3], ch[4], 3, 1, h3, w3);
            a1 = Nd4j.create(type, n, ch[0], h1, w1);
            p1raw = Nd4j.create(type, n, ch[0], h2, w2);
            p1 = Nd4j.create(type, n, ch[0], h2, w2);
            a2 = Nd4j.create(type, n, ch[1], h2, w2);
            p2raw = Nd4j.create(type, n, ch[1], h3, w3);
            p2 = Nd4j.create(type, n, ch[1], h3, w3);
            a3 = Nd4j.create(type, n, ch[2], h3, w3);
            r3 = Nd4j.create(type, n, ch[2], h3, w3);
            a4 = Nd4j.create(type, n, ch[3], h3, w3);
            r4 = Nd4j.create(type, n, ch[3], h3, w3);
            a5 = Nd4j.create(type, n, ch[4], h3, w3);
            p5raw = Nd4j.create(type, n, ch[4], h4, w4);
            p5 = Nd4j.create(type, n, flat);
            h1a = Nd4j.create(type, n, hidden);
            h1r = Nd4j.create(type, n, hidden);
            h2a = Nd4j.create(type, n, hidden);
            h2r = Nd4j.create(type, n, hidden);
            z = Nd4j.create(type, n, spec.numClasses());
            dh2r = Nd4j.create(type, n, hidden);
            dh2 = Nd4j.create(type, n, hidden);
            dh1r = Nd4j.create(type, n, hidden);
            dh1 = Nd4j.create(type, n, hidden);
            dp5 = Nd4j.create(type, n, flat);
            dp5raw = Nd4j.create(type, n, ch[4], h4, w4);
            da5 = Nd4j.create(type, n, ch[4], h3, w3);
            dr4 = Nd4j.create(type, n, ch[3], h3, w3);
            da4 = Nd4j.create(type, n, ch[3], h3, w3);
            dr3 = Nd4j.create(type, n, ch[2], h3, w3);
            da3 = Nd4j.create(type, n, ch[2], h3, w3);
            dp2 = Nd4j.create(type, n, ch[1], h3, w3);
            dp2raw = Nd4j.create(type, n, ch[1], h3, w3);
            da2 = Nd4j.create(type, n, ch[1], h2, w2);
            dp1 = Nd4j.create(type, n, ch[0], h2, w2);
            dp1raw = Nd4j.create(type, n, ch[0], h2, w2);
            da1 = Nd4j.create(type, n, ch[0], h1, w1);
            pool1 = new int[Math.toIntExact(p1raw.length())];
            pool2 = new int[Math.toIntExact(p2raw.length())];
            pool5 = new int[Math.toIntExact(p5raw.length())];
            relu1 = new boolean[pool1.length];
            relu2 = new boolean[pool2.length];
            relu3 = new boolean[Math.toIntExact(a3.length())];
            relu4 = new boolean[Math.toIntExact(a4.length())];
            relu5 = new boolean[pool5.length];
            relu6 = new boolean[Math.toIntExact(h1a.length())];
            relu7 = new boolean[Math.toIntExact(h2a.length())];
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
        Buffers b = buffers.computeIfAbsent(x.size(0), Buffers::new);
        INDArray[] p = views.of(theta);
        b.conv1.forward(x, p[W1], p[B1], b.a1);
        pool(b.a1, b.pool1, b.p1raw, frozen);
        relu(b.p1raw, b.relu1, b.p1, frozen);
        b.conv2.forward(b.p1, p[W2], p[B2], b.a2);
        pool(b.a2, b.pool2, b.p2raw, frozen);
        relu(b.p2raw, b.relu2, b.p2, frozen);
        b.conv3.forward(b.p2, p[W3], p[B3], b.a3);
        relu(b.a3, b.relu3, b.r3, frozen);
        b.conv4.forward(b.r3, p[W4], p[B4], b.a4);
        relu(b.a4, b.relu4, b.r4, frozen);
        b.conv5.forward(b.r4, p[W5], p[B5], b.a5);
        pool(b.a5, b.pool5, b.p5raw, frozen);
        relu(b.p5raw, b.relu5, b.p5, frozen);
        Ops.dense(b.p5, p[F1], p[C1], b.h1a);
        relu(b.h1a, b.relu6, b.h1r, frozen);
        Ops.dense(b.h1r, p[F2], p[C2], b.h2a);
        relu(b.h2a, b.relu7, b.h2r, frozen);
        Ops.dense(b.h2r, p[F3], p[C3], b.z);
        last = b;
        lastParams = p;
        return b.z;
    }

    private static void pool(INDArray x, int[] switches, INDArray out, boolean frozen) {
        if (!frozen) {
            PoolKernels.maxPoolSwitches(x, POOL, POOL_STRIDE, switches);
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
        Kernels.mask(b.dh2r, b.relu7, b.dh2);
        Ops.denseBp(b.h1r, p[F2], b.dh2, g[F2], g[C2], b.dh1r);
        Kernels.mask(b.dh1r, b.relu6, b.dh1);
        Ops.denseBp(b.p5, p[F1], b.dh1, g[F1], g[C1], b.dp5);
        Kernels.mask(b.dp5, b.relu5, b.dp5raw);
        Kernels.scatterAdd(b.dp5raw, b.pool5, b.da5);
        b.conv5.backward(p[W5], b.da5, g[W5], g[B5], b.dr4);
        Kernels.mask(b.dr4, b.relu4, b.da4);
        b.conv4.backward(p[W4], b.da4, g[W4], g[B4], b.dr3);
        Kernels.mask(b.dr3, b.relu3, b.da3);
        b.conv3.backward(p[W3], b.da3, g[W3], g[B3], b.dp2);
        Kernels.mask(b.dp2, b.relu2, b.dp2raw);
        Kernels.scatterAdd(b.dp2raw, b.pool2, b.da2);
        b.conv2.backward(p[W2], b.da2, g[W2], g[B2], b.dp1);
        Kernels.mask(b.dp1, b.relu1, b.dp1raw);
        Kernels.scatterAdd(b.dp1raw, b.pool1, b.da1);
        b.conv1.backward(p[W1], b.da1, g[W1], g[B1], gradX);
    }
}
