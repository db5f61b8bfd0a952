package io.distillery.distill;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A {@link Network} that gives every example's own parameter-gradient norm from one batched backward pass. With
 * those norms, clipping costs one more batched backward with each row of the logit gradient scaled by
 * min(1, C/‖g_i‖) (the gradient is linear in the logit gradient), instead of one pass per example.
 */
public interface PerExampleGradientNorms {
    /**
     * Squared L2 norms of the per-example gradients for logit gradients {@code dLogits} (row i belongs to example i
     * alone) at the last forward pass; {@code scratch} (numParams) may be overwritten.
     */
    double[] perExampleSquaredNorms(INDArray dLogits, INDArray scratch);
}
