package io.distillery.distill;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A classifier whose parameters live in one flat vector, so that an inner SGD step, a stored parameter
 * trajectory and the hypergradient's adjoint are plain vector operations. Forward and backward are written
 * directly on ND4J operations with buffers reused per batch size (the DL4J layer API costs ~70 ms per pass).
 *
 * <p>Not thread safe: {@link #backward} uses the activations of the last {@link #forward} call.
 */
public interface Network {

    ModelSpec spec();

    DataType dataType();

    long numParams();

    /** Xavier-normal weights and zero biases from {@code seed}, written into {@code theta}. */
    void initialise(INDArray theta, long seed);

    /** Logits [N, classes] of {@code x} [N, C, H, W]; the returned array is a reused buffer. */
    INDArray forward(INDArray theta, INDArray x);

    /**
     * Logits of {@code x} with the ReLU masks and max-pool switches of the last {@link #forward} of a batch of
     * this size, not the ones {@code theta} would select: a smooth function of θ and x around that pass, so
     * central differences of its gradients have no kink error.
     */
    INDArray forwardFrozen(INDArray theta, INDArray x);

    /**
     * Gradients of a loss with logit gradient {@code dLogits} for the last forward pass: overwrites
     * {@code gradTheta}, and {@code gradX} (same shape as x) unless it is null.
     */
    void backward(INDArray dLogits, INDArray gradTheta, INDArray gradX);
}
