package io.distillery.distill;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Outer loss and its gradient with respect to the distilled images, soft labels and raw learning rates,
 * through T unrolled inner SGD steps, using first-order gradients only.
 *
 * <p>Forward: θ_{t+1} = θ_t − η_t g_t with g_t = ∇θ ℓ(θ_t; x̃_s, ỹ_s), s = t mod S, storing every θ_t and g_t.
 * Backward, with a = ∂L/∂θ_T and t = T−1 … 0:
 * ∂L/∂η_t = −a·g_t; ∂L/∂x̃_s += −η_t ∇x̃(a·∇θℓ); ∂L/∂ỹ_s += −η_t ∇ỹ(a·∇θℓ); a ← a − η_t H_t a.
 * Each second-order term is the derivative of a first-order gradient along a, so one central difference of
 * the ordinary gradients at θ_t ± εa (ε = c/‖a‖) yields all three. Both evaluations reuse the ReLU masks and
 * max-pool switches of θ_t ({@link Network#forwardFrozen}): that is the branch automatic differentiation
 * differentiates, and it is smooth, so the error is O(ε²). With switches taken at θ_t ± εa instead, a kink
 * inside ±ε adds a gradient jump divided by 2ε (measured on LeNet: c = 1e-4 crossed a max-pool switch on
 * random data, image gradient wrong by 400x) — rare, but one such spike inflates Adam's second moment for
 * thousands of iterations. The inner trajectory and the differences run in float64 (n distilled images per
 * step: cheap), and only the real-batch pass that dominates the cost runs in the model's type. {@code HypergradientCheckTest} bounds the result
 * against a brute-force difference of the whole outer loss.
 */
public final class Hypergradient {
    /** Finite-difference step scale in float64 (see the class comment). */
    public static final double DEFAULT_STEP = 1e-6;

    private final Network net;
    private final Network outerNet;
    private final INDArray outerGrad;
    private final double c;
    private final long p;
    private INDArray[] thetas = new INDArray[0];
    private INDArray[] grads = new INDArray[0];
    private final INDArray a;
    private final INDArray thetaShift;
    private final INDArray gPlus;
    private final INDArray gMinus;

    /**
     * @param net      float64 network for the inner trajectory and the differences
     * @param outerNet the same architecture in the type used for the real batch (may be {@code net} itself)
     * @param c        the finite-difference step along a is c/‖a‖
     */
    public Hypergradient(Network net, Network outerNet, double c) {
        if (net.dataType() != org.nd4j.linalg.api.buffer.DataType.DOUBLE || net.numParams() != outerNet.numParams()) {
            throw new IllegalArgumentException("inner network must be float64 and match the outer network");
        }
        this.net = net;
        this.outerNet = outerNet;
        this.outerGrad = Nd4j.create(outerNet.dataType(), net.numParams());
        this.c = c;
        this.p = net.numParams();
        this.a = Nd4j.create(net.dataType(), p);
        this.thetaShift = Nd4j.create(net.dataType(), p);
        this.gPlus = Nd4j.create(net.dataType(), p);
        this.gMinus = Nd4j.create(net.dataType(), p);
    }

    /** Gradients of the outer loss; {@code labels} is null in hard-label mode (not learned). */
    public record Result(double loss, INDArray images, INDArray labels, INDArray rawLr) {
    }

    /**
     * Runs the inner loop in float64 from {@code theta0} (not modified) over float64 distilled data and returns
     * θ_T (a buffer reused by the next call).
     */
    public INDArray unroll(INDArray theta0, DistilledData d) {
        int steps = d.innerSteps();
        ensureTrajectory(steps);
        thetas[0].assign(theta0);
        for (int t = 0; t < steps; t++) {
            int s = t % d.steps();
            INDArray z = net.forward(thetas[t], d.stepImages(s));
            INDArray dz = Nd4j.create(net.dataType(), z.shape());
            CrossEntropy.soft(z, d.stepLabels(s), dz, null);
            net.backward(dz, grads[t], null);
            thetas[t + 1].assign(grads[t]).muli(-d.learningRate(t)).addi(thetas[t]);
        }
        return thetas[steps];
    }

    /** The outer loss L(θ_T) on a real batch (in the outer network's type), forward only (used by checks and evaluation). */
    public double outerLoss(INDArray theta0, DistilledData d, INDArray realX, int[] realY) {
        INDArray thetaT = unroll(theta0, d).castTo(outerNet.dataType());
        INDArray z = outerNet.forward(thetaT, realX);
        return CrossEntropy.soft(z, CrossEntropy.oneHot(realY, (int) z.size(1)), null, null);
    }

    /**
     * How a = ∂L/∂θ_T is formed from the real data: the only place real data enters the hypergradient (what
     * follows depends on a and the distilled data alone), so a differentially private a makes the whole
     * hypergradient private by post-processing.
     */
    @FunctionalInterface
    public interface OuterGradient {
        /** Writes the real-data gradient at θ_T into {@code grad} (the outer network's type); returns the loss. */
        double compute(Network outerNet, INDArray thetaT, INDArray grad);
    }

    /** The plain outer gradient: mean cross-entropy over the real batch. */
    public Result compute(INDArray theta0, DistilledData d, INDArray realX, int[] realY, boolean learnLabels) {
        return compute(theta0, d, (net, thetaT, grad) -> {
            INDArray z = net.forward(thetaT, realX);
            INDArray dz = Nd4j.create(net.dataType(), z.shape());
            double loss = CrossEntropy.soft(z, CrossEntropy.oneHot(realY, (int) z.size(1)), dz, null);
            net.backward(dz, grad, null);
            return loss;
        }, learnLabels);
    }

    public Result compute(INDArray theta0, DistilledData d, OuterGradient outerGradient, boolean learnLabels) {
        int steps = d.innerSteps();
        INDArray thetaT = unroll(theta0, d).castTo(outerNet.dataType());
        double loss = outerGradient.compute(outerNet, thetaT, outerGrad);
        a.assign(outerGrad);

        INDArray gImages = Nd4j.create(net.dataType(), d.images().shape());
        double[] gLabels = new double[(int) d.labels().length()];
        double[] gRaw = new double[steps];
        int n = d.imagesPerStep();
        int k = (int) d.labels().size(1);
        INDArray gxPlus = Nd4j.create(net.dataType(), d.stepImages(0).shape());
        INDArray gxMinus = Nd4j.create(net.dataType(), gxPlus.shape());
        double[] gyPlus = new double[n * k];
        double[] gyMinus = new double[n * k];
        for (int t = steps - 1; t >= 0; t--) {
            int s = t % d.steps();
            double eta = d.learningRate(t);
            gRaw[t] = -Nd4j.getBlasWrapper().dot(a, grads[t]) * DistilledData.sigmoid(d.rawLr().getDouble(t));
            double norm = a.norm2Number().doubleValue();
            if (norm == 0) {
                continue;
            }
            double eps = c / norm;
            INDArray xs = d.stepImages(s);
            double[] ys = d.stepLabels(s);
            net.forward(thetas[t], xs); // records the switches of θ_t
            gradientAt(thetas[t], eps, xs, ys, gPlus, gxPlus, gyPlus);
            gradientAt(thetas[t], -eps, xs, ys, gMinus, gxMinus, gyMinus);
            double scale = -eta / (2 * eps);
            // ∂L/∂x̃_s += −η ∇x̃(a·∇θℓ)
            rows(gImages, s, n)
                    .addi(gxPlus.subi(gxMinus).muli(scale));
            for (int i = 0; i < n * k; i++) {
                gLabels[s * n * k + i] += scale * (gyPlus[i] - gyMinus[i]);
            }
            // a ← a − η H_t a
            a.addi(gPlus.subi(gMinus).muli(scale));
        }
        INDArray labels = learnLabels ? Nd4j.createFromArray(gLabels).reshape(d.labels().shape()) : null;
        return new Result(loss, gImages, labels, Nd4j.createFromArray(gRaw));
    }

    private static INDArray rows(INDArray images, int step, int n) {
        return images.get(NDArrayIndex.interval((long) step * n, (long) (step + 1) * n), NDArrayIndex.all(),
                NDArrayIndex.all(), NDArrayIndex.all());
    }

    /** First-order gradients of the inner loss at θ + shift·a (switches of θ), w.r.t. θ, x̃ and ỹ. */
    private void gradientAt(INDArray theta, double shift, INDArray x, double[] y, INDArray gTheta, INDArray gX,
                            double[] gY) {
        thetaShift.assign(a).muli(shift).addi(theta);
        INDArray z = net.forwardFrozen(thetaShift, x);
        INDArray dz = Nd4j.create(net.dataType(), z.shape());
        CrossEntropy.soft(z, y, dz, gY);
        net.backward(dz, gTheta, gX);
    }

    private void ensureTrajectory(int steps) {
        if (thetas.length == steps + 1) {
            return;
        }
        thetas = new INDArray[steps + 1];
        grads = new INDArray[steps];
        for (int i = 0; i <= steps; i++) {
            thetas[i] = Nd4j.create(net.dataType(), p);
            if (i < steps) {
                grads[i] = Nd4j.create(net.dataType(), p);
            }
        }
    }
}
