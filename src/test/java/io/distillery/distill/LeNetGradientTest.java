package io.distillery.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The hand-written LeNet backward pass against central differences of its own loss, in float64. */
class LeNetGradientTest {
    private static final ModelSpec SPEC = new ModelSpec("lenet", 1, 28, 28, 3);

    @Test
    void parameterAndInputGradientsMatchFiniteDifferences() {
        LeNet net = new LeNet(SPEC, DataType.DOUBLE);
        INDArray theta = Nd4j.create(DataType.DOUBLE, net.numParams());
        net.initialise(theta, 7);
        Random rng = new Random(3);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 4, 1, 28, 28);
        double[] y = new double[4 * 3];
        for (int i = 0; i < y.length; i++) {
            y[i] = rng.nextDouble();
        }
        INDArray gTheta = Nd4j.create(DataType.DOUBLE, net.numParams());
        INDArray gX = Nd4j.create(DataType.DOUBLE, 4, 1, 28, 28);
        INDArray z = net.forward(theta, x);
        INDArray dz = Nd4j.create(DataType.DOUBLE, z.shape());
        CrossEntropy.soft(z, y, dz, null);
        net.backward(dz, gTheta, gX);

        double h = 1e-6;
        // Random coordinates across every parameter tensor, plus every bias of the last layer.
        for (int trial = 0; trial < 40; trial++) {
            long i = trial < 3 ? net.numParams() - 1 - trial : (long) (rng.nextDouble() * net.numParams());
            double orig = theta.getDouble(i);
            theta.putScalar(i, orig + h);
            double lp = CrossEntropy.soft(net.forward(theta, x), y, null, null);
            theta.putScalar(i, orig - h);
            double lm = CrossEntropy.soft(net.forward(theta, x), y, null, null);
            theta.putScalar(i, orig);
            double fd = (lp - lm) / (2 * h);
            assertEquals(fd, gTheta.getDouble(i), 1e-6 * Math.max(1, Math.abs(fd)), "theta[" + i + "]");
        }
        for (int trial = 0; trial < 20; trial++) {
            long i = (long) (rng.nextDouble() * x.length());
            double orig = x.getDouble(i);
            x.putScalar(i, orig + h);
            double lp = CrossEntropy.soft(net.forward(theta, x), y, null, null);
            x.putScalar(i, orig - h);
            double lm = CrossEntropy.soft(net.forward(theta, x), y, null, null);
            x.putScalar(i, orig);
            double fd = (lp - lm) / (2 * h);
            assertEquals(fd, gX.getDouble(i), 1e-6 * Math.max(1, Math.abs(fd)), "x[" + i + "]");
        }
        assertTrue(gTheta.norm2Number().doubleValue() > 0);
    }
}
