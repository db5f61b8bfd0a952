package io.distillery.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ConvNet and AlexNet: the hand-written backward passes against central differences of their own loss in
 * float64, the frozen pass against the ordinary one, initialisation from a seed, and the input-size checks.
 */
class ModelGradientTest {

    private static ModelSpec spec(String model, int channels, int side, int classes, int width) {
        return new ModelSpec(model, channels, side, side, classes, width);
    }

    @ParameterizedTest(name = "{0} {1}x{2}x{2} width {4}")
    @CsvSource({"convnet,2,16,3,4", "convnet,1,13,2,3", "alexnet,2,64,3,2", "alexnet,1,70,2,1"})
    void parameterAndInputGradientsMatchFiniteDifferences(String model, int channels, int side, int classes,
                                                          int width) {
        Network net = ModelSpec.create(spec(model, channels, side, classes, width), DataType.DOUBLE);
        INDArray theta = Nd4j.create(DataType.DOUBLE, net.numParams());
        net.initialise(theta, 7);
        Random rng = new Random(3);
        // Perturb every parameter a little, so that norm scales and biases are not at their (symmetric) init.
        theta.addi(Gaussian.randn(9, DataType.DOUBLE, net.numParams()).muli(0.05));
        int n = 3;
        INDArray x = Gaussian.randn(5, DataType.DOUBLE, n, channels, side, side);
        double[] y = new double[n * classes];
        for (int i = 0; i < y.length; i++) {
            y[i] = rng.nextDouble();
        }
        INDArray gTheta = Nd4j.create(DataType.DOUBLE, net.numParams());
        INDArray gX = Nd4j.create(DataType.DOUBLE, x.shape());
        INDArray z = net.forward(theta, x);
        INDArray dz = Nd4j.create(DataType.DOUBLE, z.shape());
        double loss = CrossEntropy.soft(z, y, dz, null);
        net.backward(dz, gTheta, gX);
        assertTrue(Double.isFinite(loss));

        double h = 1e-6;
        // Every third parameter of a small network (so every tensor, down to the 3- or 4-entry norm scales);
        // otherwise 100 random ones plus the last layer's biases.
        long p = net.numParams();
        boolean small = p <= 1000;
        int checks = small ? (int) ((p + 2) / 3) : 100;
        double[] got = new double[checks];
        double[] fd = new double[checks];
        for (int trial = 0; trial < checks; trial++) {
            long i = small ? 3L * trial : trial < classes ? p - 1 - trial : (long) (rng.nextDouble() * p);
            double orig = theta.getDouble(i);
            theta.putScalar(i, orig + h);
            double lp = CrossEntropy.soft(net.forward(theta, x), y, null, null);
            theta.putScalar(i, orig - h);
            double lm = CrossEntropy.soft(net.forward(theta, x), y, null, null);
            theta.putScalar(i, orig);
            fd[trial] = (lp - lm) / (2 * h);
            got[trial] = gTheta.getDouble(i);
            assertEquals(fd[trial], got[trial], 1e-6 * Math.max(1, Math.abs(fd[trial])), "theta[" + i + "]");
        }
        assertTrue(norm(fd) > 0, "finite differences are all zero: the check would be vacuous");
        for (int trial = 0; trial < 20; trial++) {
            long i = (long) (rng.nextDouble() * x.length());
            double orig = x.getDouble(i);
            x.putScalar(i, orig + h);
            double lp = CrossEntropy.soft(net.forward(theta, x), y, null, null);
            x.putScalar(i, orig - h);
            double lm = CrossEntropy.soft(net.forward(theta, x), y, null, null);
            x.putScalar(i, orig);
            double d = (lp - lm) / (2 * h);
            assertEquals(d, gX.getDouble(i), 1e-6 * Math.max(1, Math.abs(d)), "x[" + i + "]");
        }
        assertTrue(gX.norm2Number().doubleValue() > 0);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"convnet,16,4", "alexnet,64,2"})
    void frozenPassReproducesTheLastPassAndKeepsItsSwitches(String model, int side, int width) {
        Network net = ModelSpec.create(spec(model, 1, side, 2, width), DataType.DOUBLE);
        INDArray theta = Nd4j.create(DataType.DOUBLE, net.numParams());
        net.initialise(theta, 1);
        INDArray x = Gaussian.randn(2, DataType.DOUBLE, 2, 1, side, side);
        double[] z = net.forward(theta, x).dup().data().asDouble();
        assertArrayEquals(z, net.forwardFrozen(theta, x).data().asDouble(), 1e-12);
        // Far from θ the frozen pass keeps θ's masks, so it differs from an ordinary pass there.
        INDArray far = theta.add(Gaussian.randn(3, DataType.DOUBLE, net.numParams()));
        double[] frozen = net.forwardFrozen(far, x).dup().data().asDouble();
        double[] fresh = net.forward(far, x).dup().data().asDouble();
        assertTrue(!java.util.Arrays.equals(frozen, fresh), "a frozen pass far from θ must keep θ's switches");
        assertThrows(IllegalStateException.class,
                () -> net.forwardFrozen(theta, Gaussian.randn(4, DataType.DOUBLE, 5, 1, side, side)));
    }

    @Test
    void initialisationIsXavierNormalFromTheSeedWithUnitNormScales() {
        ModelSpec s = spec("convnet", 1, 16, 2, 4);
        ConvNet net = new ConvNet(s, DataType.DOUBLE);
        INDArray a = Nd4j.create(DataType.DOUBLE, net.numParams());
        INDArray b = Nd4j.create(DataType.DOUBLE, net.numParams());
        net.initialise(a, 5);
        new ConvNet(s, DataType.FLOAT).initialise(b, 5);
        assertArrayEquals(a.data().asDouble(), b.castTo(DataType.DOUBLE).data().asDouble(), 1e-7);
        // Layout: conv1.w (4·1·9), conv1.b (4), norm1.gamma (4), norm1.beta (4), ...
        assertEquals(4.0, a.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(40, 44)).sumNumber().doubleValue());
        assertEquals(0.0, a.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(36, 40)).norm2Number().doubleValue());
        net.initialise(b, 6);
        assertTrue(!java.util.Arrays.equals(a.data().asDouble(), b.data().asDouble()));
        // Xavier-normal on conv2.w: std √(2 / (fanIn + fanOut)) = √(2 / (36 + 36)).
        INDArray conv2 = a.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(48, 48 + 144));
        assertEquals(Math.sqrt(2.0 / 72), conv2.stdNumber().doubleValue(), 0.04);
    }

    @Test
    void sizesThatDoNotFitTheModelAreRejectedClearly() {
        DistillException small = assertThrows(DistillException.class,
                () -> ModelSpec.create(spec("convnet", 1, 7, 2, 0), DataType.FLOAT));
        assertEquals("convnet takes images of at least 8x8 px (made for 64x64), got 7x7", small.getMessage());
        DistillException alex = assertThrows(DistillException.class,
                () -> ModelSpec.create(spec("alexnet", 3, 32, 10, 0), DataType.FLOAT));
        assertEquals("alexnet takes images of at least 63x63 px (made for 224x224), got 32x32", alex.getMessage());
        DistillException lenet = assertThrows(DistillException.class,
                () -> ModelSpec.create(spec("lenet", 1, 64, 2, 0), DataType.FLOAT));
        assertEquals("LeNet takes 28x28 or 32x32 images, got 64x64", lenet.getMessage());
        assertThrows(DistillException.class, () -> ModelSpec.create(spec("lenet", 1, 28, 2, 16), DataType.FLOAT));
        assertThrows(DistillException.class, () -> ModelSpec.create(spec("convnet", 1, 64, 2, -1), DataType.FLOAT));
        DistillException unknown = assertThrows(DistillException.class,
                () -> ModelSpec.create(spec("resnet", 1, 64, 2, 0), DataType.FLOAT));
        assertEquals("unknown model 'resnet' (supported: lenet, convnet, alexnet)", unknown.getMessage());
        assertEquals(128, spec("convnet", 1, 64, 2, 0).netWidth());
        assertEquals(64, spec("alexnet", 3, 224, 2, 0).netWidth());
    }

    @Test
    void referenceSizesHaveTheReferenceParameterCounts() {
        // PyTorch's ConvNet (width 128, instance norm, 3 blocks) at 64x64x3, 10 classes: 3 convs with bias, 3
        // affine norms, linear 128·8·8 → 10.
        long convnet = (3 * 9 * 128 + 128) + 2 * (128 * 9 * 128 + 128) + 3 * 2 * 128 + 128 * 8 * 8 * 10 + 10;
        assertEquals(convnet, new ConvNet(spec("convnet", 3, 64, 10, 0), DataType.FLOAT).numParams());
        // torchvision's AlexNet at 224x224x3, 1000 classes (without dropout): 61,100,840 parameters.
        assertEquals(61_100_840L, new AlexNet(spec("alexnet", 3, 224, 1000, 0), DataType.FLOAT).numParams());
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d * d;
        }
        return Math.sqrt(s);
    }
}
