package io.distillery.distill;

import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** N(0, 1) arrays from java.util.Random, so a seed gives the same values on every backend and thread count. */
public final class Gaussian {
    private Gaussian() {
    }

    public static INDArray randn(long seed, DataType type, long... shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        Random rng = new Random(seed);
        double[] v = new double[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextGaussian();
        }
        return Nd4j.createFromArray(v).reshape(shape).castTo(type);
    }
}
