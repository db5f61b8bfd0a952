package io.distillery.distill;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Named tensors packed one after another in a flat parameter vector; views share its storage. */
final class ParamLayout {
    record Entry(String name, long[] shape, long offset, long length, long fanIn, long fanOut) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private long total;

    /** A weight tensor with Xavier fans; biases pass fanIn = fanOut = 0 and start at zero. */
    int add(String name, long fanIn, long fanOut, long... shape) {
        long len = 1;
        for (long s : shape) {
            len *= s;
        }
        entries.add(new Entry(name, shape, total, len, fanIn, fanOut));
        total += len;
        return entries.size() - 1;
    }

    long total() {
        return total;
    }

    /** Views of every entry in {@code flat} (contiguous, offset 0 .. total). */
    INDArray[] views(INDArray flat) {
        INDArray[] out = new INDArray[entries.size()];
        for (int i = 0; i < out.length; i++) {
            Entry e = entries.get(i);
            out[i] = flat.get(NDArrayIndex.interval(e.offset, e.offset + e.length)).reshape('c', e.shape);
        }
        return out;
    }

    /** Xavier-normal (gain 1) weights, zero biases: the reference code's initialisation. */
    void xavierNormal(INDArray flat, long seed) {
        Random rng = new Random(seed);
        double[] v = new double[(int) total];
        for (Entry e : entries) {
            if (e.fanIn == 0) {
                continue;
            }
            double std = Math.sqrt(2.0 / (e.fanIn + e.fanOut));
            for (long i = e.offset; i < e.offset + e.length; i++) {
                v[(int) i] = rng.nextGaussian() * std;
            }
        }
        flat.assign(Nd4j.createFromArray(v).castTo(flat.dataType()));
    }
}
