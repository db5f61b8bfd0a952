package io.distillery.distill;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Cross-entropy with soft targets, ℓ = −(1/n) Σ_i Σ_c y_ic log softmax(z_i)_c, computed in double on the
 * host: logits are at most a few thousand values, so a host round trip is cheaper than a chain of ops.
 * Soft targets are the raw learned values (not renormalised), as in the references.
 */
final class CrossEntropy {
    private CrossEntropy() {
    }

    /** Loss value; writes ∂ℓ/∂z into {@code dLogits} and, when non-null, ∂ℓ/∂y (= −log softmax / n) into {@code dTargets}. */
    static double soft(INDArray logits, double[] targets, INDArray dLogits, double[] dTargets) {
        int n = (int) logits.size(0);
        int k = (int) logits.size(1);
        double[] z = logits.data().asDouble();
        double[] dz = new double[n * k];
        double loss = 0;
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                max = Math.max(max, z[i * k + c]);
            }
            double sum = 0;
            for (int c = 0; c < k; c++) {
                sum += Math.exp(z[i * k + c] - max);
            }
            double logSum = max + Math.log(sum);
            double ySum = 0;
            for (int c = 0; c < k; c++) {
                ySum += targets[i * k + c];
            }
            for (int c = 0; c < k; c++) {
                double logP = z[i * k + c] - logSum;
                double y = targets[i * k + c];
                loss -= y * logP;
                dz[i * k + c] = (Math.exp(logP) * ySum - y) / n;
                if (dTargets != null) {
                    dTargets[i * k + c] = -logP / n;
                }
            }
        }
        if (dLogits != null) {
            dLogits.assign(Nd4j.createFromArray(dz).reshape(n, k));
        }
        return loss / n;
    }

    static double[] oneHot(int[] labels, int k) {
        double[] y = new double[labels.length * k];
        for (int i = 0; i < labels.length; i++) {
            y[i * k + labels[i]] = 1;
        }
        return y;
    }

    /** Class probabilities per row (softmax of the logits). */
    static double[] probabilities(INDArray logits) {
        int n = (int) logits.size(0);
        int k = (int) logits.size(1);
        double[] z = logits.data().asDouble();
        double[] p = new double[n * k];
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                max = Math.max(max, z[i * k + c]);
            }
            double sum = 0;
            for (int c = 0; c < k; c++) {
                p[i * k + c] = Math.exp(z[i * k + c] - max);
                sum += p[i * k + c];
            }
            for (int c = 0; c < k; c++) {
                p[i * k + c] /= sum;
            }
        }
        return p;
    }
}
