package io.distillery.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

class Dl4jLeNetTest {
    @TempDir
    Path tmp;

    /** The zip restored by stock DL4J computes softmax of the engine's logits, at both input sizes (pad 2 / 0). */
    @ParameterizedTest
    @CsvSource({"1, 28, 2", "3, 32, 10"})
    void restoredZipMatchesTheEngine(int channels, int side, int classes) throws IOException {
        ModelSpec spec = new ModelSpec("lenet", channels, side, side, classes);
        LeNet lenet = new LeNet(spec, DataType.FLOAT);
        INDArray theta = Nd4j.create(DataType.FLOAT, lenet.numParams());
        lenet.initialise(theta, 7);
        // non-zero biases too, so a bias mapped to the wrong layer or position shows
        Nd4j.getRandom().setSeed(11);
        theta.addi(Nd4j.randn(DataType.FLOAT, theta.length()).muli(0.05));
        INDArray x = Nd4j.randn(DataType.FLOAT, 5, channels, side, side);

        INDArray logits = lenet.forward(theta, x).dup();
        INDArray expected = Transforms.softmax(logits, true);

        Path zip = tmp.resolve("net.dl4j.zip");
        Dl4jLeNet.write(spec, theta, zip);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(zip.toFile());
        INDArray actual = restored.output(x);

        assertEquals(5, actual.size(0));
        assertEquals(classes, actual.size(1));
        double maxDiff = Transforms.abs(actual.sub(expected)).maxNumber().doubleValue();
        assertTrue(maxDiff < 1e-5, "softmax differs by " + maxDiff);
        // log-softmax recovers the logits up to a per-row shift: compare those too, softmax can hide small errors
        INDArray shift = logits.sub(Transforms.log(actual, true));
        INDArray spread = shift.max(1).sub(shift.min(1));
        assertTrue(spread.maxNumber().doubleValue() < 1e-4, "logits differ beyond a row shift: " + spread);
        // and the inputs were not degenerate: classes get distinct probabilities
        assertTrue(expected.max(1).sub(expected.min(1)).minNumber().doubleValue() > 1e-3, expected.toString());
    }

    @Test
    void wrongParameterCountIsAClearError() {
        ModelSpec spec = new ModelSpec("lenet", 1, 28, 28, 2);
        DistillException e = assertThrows(DistillException.class,
                () -> Dl4jLeNet.build(spec, Nd4j.create(DataType.FLOAT, 10)));
        assertTrue(e.getMessage().contains("got 10"), e.getMessage());
    }
}
