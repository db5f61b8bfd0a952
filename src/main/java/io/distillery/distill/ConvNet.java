package io.distillery.distill;

import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The "ConvNet" of the dataset-distillation literature (Zhao et al., Cazenavette et al.): three blocks of
 * conv 3x3 (width channels, padding 1) - instance norm (affine per channel) - ReLU - average pool 2x2, then one
 * linear classifier. Width is {@link ModelSpec#netWidth()} (128 in the references). Made for 64 px inputs
 * (8x8 features after the third block); any side of at least 8 px works, an odd side loses its last row or
 * column at a pool as in PyTorch. The conv biases are kept, as in the references, although the norm cancels
 * them (their gradient is zero). Each batch size keeps the ReLU masks of its last forward pass for
 * {@link #forwardFrozen} and the backward pass; the norm statistics are recomputed (they are smooth).
 */
public final class ConvNet implements Network {
    static final int BLOCKS = 3;
    private static final int MIN_SIDE = 1 << BLOCKS;

    private final ModelSpec spec;
    private final DataType type;
    private final int netWidth;
    private final ParamLayout layout = new ParamLayout();
    private final ParamViews views = new ParamViews(layout);
    private final int[] heights = new int[BLOCKS + 1]; // input side of block b; [BLOCKS]: after the last pool
    private final int[] widths = new int[BLOCKS + 1];
    private final long features;
    private final int fcW;
    private final int fcB;
    private final Map<Long, Buffers> buffers = new HashMap<>();
    private Buffers last;
    private INDArray[] lastParams;

    public ConvNet(ModelSpec spec, DataType type) {
        if (spec.height() < MIN_SIDE || spec.width() < MIN_SIDE) {
            throw new DistillException("convnet takes images of at least " + MIN_SIDE + "x" + MIN_SIDE
                    + " px (made for 64x64), got " + spec.height() + "x" + spec.width());
        }
        if (spec.netWidth() < 1) {
            throw new DistillException("convnet width must be positive, got " + spec.netWidth());
        }
        this.spec = spec;
        this.type = type;
        this.netWidth = spec.netWidth();
        heights[0] = spec.height();
        widths[0] = spec.width();
        for (int b = 0; b < BLOCKS; b++) {
            heights[b + 1] = heights[b] / 2;
            widths[b + 1] = widths[b] / 2;
        }
        this.features = (long) netWidth * heights[BLOCKS] * widths[BLOCKS];
        int in = spec.channels();
        for (int b = 0; b < BLOCKS; b++) {
            layout.add("conv" + (b + 1) + ".w", in * 9L, netWidth * 9L, netWidth, in, 3, 3);
            layout.add("conv" + (b + 1) + ".b", 0, 0, netWidth);
            layout.add("norm" + (b + 1) + ".gamma", 0, 0, netWidth);
            layout.add("norm" + (b + 1) + ".beta", 0, 0, netWidth);
            in = netWidth;
        }
        fcW = layout.add("fc.w", features, spec.numClasses(), features, spec.numClasses());
        fcB = layout.add("fc.b", 0, 0, spec.numClasses());
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

    /** Xavier-normal conv and classifier weights, zero biases, and norm scales γ = 1 (PyTorch's default). */
    @Override
    public void initialise(INDArray theta, long seed) {
        layout.xavierNormal(theta, seed);
        INDArray[] p = layout.views(theta);
        for (int b = 0; b < BLOCKS; b++) {
            p[gamma(b)].assign(1);
        }
    }

    private static int conv(int b) {
        return 4 * b;
    }

    private static int gamma(int b) {
        return 4 * b + 2;
    }

    /** Activations and their gradients for one batch size, allocated once. */
    private final class Buffers {
        final Conv2d[] conv = new Conv2d[BLOCKS];
        final InstanceNorm[] norm = new InstanceNorm[BLOCKS];
        final INDArray[] a = new INDArray[BLOCKS];       // conv output
        final INDArray[] y = new INDArray[BLOCKS];       // norm output, then ReLU output (in place)
        final INDArray[] p = new INDArray[BLOCKS];       // pool output (the next block's input)
        final INDArray[] dp = new INDArray[BLOCKS];
        final INDArray[] d = new INDArray[BLOCKS];       // gradient at the ReLU output, then at the conv output
        final boolean[][] relu = new boolean[BLOCKS][];
        final INDArray flat;
        final INDArray dFlat;
        final INDArray z;

        Buffers(long n) {
            int in = spec.channels();
            for (int b = 0; b < BLOCKS; b++) {
                int h = heights[b];
                int w = widths[b];
                conv[b] = new Conv2d(type, n, in, netWidth, 3, 1, h, w);
                norm[b] = new InstanceNorm(n, netWidth, h * w);
                a[b] = Nd4j.create(type, n, netWidth, h, w);
                y[b] = Nd4j.create(type, n, netWidth, h, w);
                p[b] = Nd4j.create(type, n, netWidth, heights[b + 1], widths[b + 1]);
                dp[b] = Nd4j.create(type, n, netWidth, heights[b + 1], widths[b + 1]);
                d[b] = Nd4j.create(type, n, netWidth, h, w);
                relu[b] = new boolean[Math.toIntExact(y[b].length())];
                in = netWidth;
            }
            flat = p[BLOCKS - 1].reshape(n, features);
            dFlat = dp[BLOCKS - 1].reshape(n, features);
            z = Nd4j.create(type, n, spec.numClasses());
        }
    }

    @Override
    public INDArray forward(INDArray theta, INDArray x) {
        return forward(theta, x, false);
    }

    @Override
    public INDArray forwardFrozen(INDArray theta, INDArray x) {
        if (!buffers.containsKey(x.size(0))) {
            throw new IllegalStateException("no forward pass of a batch of " + x.size(0) + " to take masks from");
        }
        return forward(theta, x, true);
    }

    private INDArray forward(INDArray theta, INDArray x, boolean frozen) {
        Buffers s = buffers.computeIfAbsent(x.size(0), Buffers::new);
        INDArray[] p = views.of(theta);
        INDArray in = x;
        for (int b = 0; b < BLOCKS; b++) {
            int c = conv(b);
            s.conv[b].forward(in, p[c], p[c + 1], s.a[b]);
            s.norm[b].forward(s.a[b], p[c + 2], p[c + 3], s.y[b]);
            if (!frozen) {
                Kernels.positive(s.y[b], s.relu[b]);
            }
            Kernels.mask(s.y[b], s.relu[b], s.y[b]);
            PoolKernels.avgPool2(s.y[b], s.p[b]);
            in = s.p[b];
        }
        Ops.dense(s.flat, p[fcW], p[fcB], s.z);
        last = s;
        lastParams = p;
        return s.z;
    }

    @Override
    public void backward(INDArray dLogits, INDArray gradTheta, INDArray gradX) {
        Buffers s = last;
        INDArray[] p = lastParams;
        INDArray[] g = views.of(gradTheta);
        Ops.denseBp(s.flat, p[fcW], dLogits, g[fcW], g[fcB], s.dFlat);
        for (int b = BLOCKS - 1; b >= 0; b--) {
            int c = conv(b);
            PoolKernels.avgPool2Backward(s.dp[b], s.d[b]);
            Kernels.mask(s.d[b], s.relu[b], s.d[b]);
            s.norm[b].backward(s.a[b], s.d[b], p[c + 2], g[c + 2], g[c + 3], s.d[b]);
            s.conv[b].backward(p[c], s.d[b], g[c], g[c + 1], b > 0 ? s.dp[b - 1] : gradX);
        }
    }
}
