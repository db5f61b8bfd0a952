package io.distillery.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Adam must take the steps of torch.optim.Adam, which the reference uses: ε is added to √v̂ (bias-corrected).
 * Adding it to the raw √v instead made ε 30x larger at the first step, so entries with gradients near 1e-8
 * moved far less than in the reference and the two trajectories parted after one iteration.
 */
class AdamTest {
    @Test
    void stepsMatchTorchAdamIncludingTinyGradients() {
        double lr = 0.01, b1 = 0.5, b2 = 0.999, eps = 1e-8;
        double[] grads1 = {1e-8, -3e-9, 0.2, -1e-3};
        double[] grads2 = {2e-8, 1e-9, -0.1, 5e-4};
        INDArray param = Nd4j.createFromArray(1.0, 2.0, 3.0, 4.0);
        Adam adam = new Adam(param, b1, b2);
        adam.step(param, Nd4j.createFromArray(grads1), lr);
        adam.step(param, Nd4j.createFromArray(grads2), lr);

        // torch.optim.Adam (amsgrad off), written out.
        double[] expected = {1.0, 2.0, 3.0, 4.0};
        double[] m = new double[4];
        double[] v = new double[4];
        double[][] steps = {grads1, grads2};
        for (int t = 1; t <= 2; t++) {
            for (int i = 0; i < 4; i++) {
                double g = steps[t - 1][i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
                expected[i] -= lr / (1 - Math.pow(b1, t)) * m[i] / denom;
            }
        }
        assertEquals(DataType.DOUBLE, param.dataType());
        for (int i = 0; i < 4; i++) {
            assertEquals(expected[i], param.getDouble(i), 1e-12, "entry " + i);
        }
    }
}
