package io.distillery.distill;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The learned quantities: images [S·n, C, H, W] (step s uses rows s·n .. s·n+n−1), soft labels [S·n, K] and
 * raw learning rates [T = S·E] with η_t = softplus(raw_t).
 */
public record DistilledData(INDArray images, INDArray labels, INDArray rawLr, int steps, int imagesPerStep) {

    public int innerSteps() {
        return (int) rawLr.length();
    }

    public INDArray stepImages(int step) {
        return images.get(NDArrayIndex.interval((long) step * imagesPerStep, (long) (step + 1) * imagesPerStep),
                NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
    }

    public double[] stepLabels(int step) {
        int k = (int) labels.size(1);
        double[] all = labels.data().asDouble();
        double[] out = new double[imagesPerStep * k];
        System.arraycopy(all, step * imagesPerStep * k, out, 0, out.length);
        return out;
    }

    public double learningRate(int t) {
        return softplus(rawLr.getDouble(t));
    }

    public double[] learningRates() {
        double[] out = new double[innerSteps()];
        for (int t = 0; t < out.length; t++) {
            out[t] = learningRate(t);
        }
        return out;
    }

    static double softplus(double x) {
        return x > 30 ? x : Math.log1p(Math.exp(x));
    }

    static double inverseSoftplus(double y) {
        return y > 30 ? y : Math.log(Math.expm1(y));
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    public DistilledData copy() {
        return new DistilledData(images.dup(), labels.dup(), rawLr.dup(), steps, imagesPerStep);
    }
}
