package io.distillery.distill;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link HypergradientCheckTest} for ConvNet and AlexNet: the first-order hypergradient (central differences
 * along a with frozen ReLU masks and pool switches; instance-norm statistics recomputed) against a brute-force
 * central difference of the whole unrolled outer loss in float64, for images, soft labels and learning rates.
 * Relative error is norm-wise over the checked entries of each group.
 */
class ModelHypergradientCheckTest {

    @ParameterizedTest(name = "{0} {1}px width {2} {3}")
    @CsvSource({"convnet,16,4,DOUBLE,1e-5", "alexnet,64,2,DOUBLE,1e-5", "convnet,16,4,FLOAT,1e-3"})
    void matchesFiniteDifferenceOfOuterLoss(String model, int side, int width, DataType type, double tolerance) {
        ModelSpec spec = new ModelSpec(model, 1, side, side, 2, width);
        INDArray realX = Gaussian.randn(5, DataType.DOUBLE, 6, 1, side, side);
        int[] realY = {0, 1, 0, 1, 1, 0};
        HypergradientChecks.againstFiniteDifference(spec, type, 1, 2, 3, realX, realY, 4, tolerance);
    }
}
