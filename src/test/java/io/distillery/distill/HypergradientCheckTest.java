package io.distillery.distill;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The first-order hypergradient of LeNet against a brute-force central difference of the whole unrolled outer loss
 * (computed in float64), for images, soft labels and learning rates ({@link HypergradientChecks}). In float32 mode
 * the real-batch pass runs in float32 and the inner trajectory in float64 (see {@link Hypergradient}).
 */
class HypergradientCheckTest {
    private static final ModelSpec SPEC = new ModelSpec("lenet", 1, 28, 28, 2);

    @ParameterizedTest(name = "{0} S={1} n={2} E={3}")
    @CsvSource({"DOUBLE,1,2,3,1e-5", "DOUBLE,2,2,2,1e-5", "FLOAT,1,2,3,1e-3"})
    void matchesFiniteDifferenceOfOuterLoss(DataType type, int steps, int n, int epochs, double tolerance) {
        INDArray realX = Gaussian.randn(5, DataType.DOUBLE, 8, 1, 28, 28);
        int[] realY = new int[8];
        for (int i = 0; i < realY.length; i++) {
            realY[i] = i % 2;
        }
        HypergradientChecks.againstFiniteDifference(SPEC, type, steps, n, epochs, realX, realY, 8, tolerance);
    }
}
