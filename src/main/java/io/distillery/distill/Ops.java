package io.distillery.distill;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Dense layers on ND4J's GEMM, writing into caller-owned buffers (no allocation per call). */
final class Ops {
    private Ops() {
    }

    /** out = a·b + bias (row vector broadcast). */
    static void dense(INDArray a, INDArray w, INDArray bias, INDArray out) {
        Nd4j.gemm(a, w, out, false, false, 1.0, 0.0);
        out.addiRowVector(bias);
    }

    /** Dense backward: gradW = aᵀ·g, gradB = Σ rows g, gradA = g·wᵀ (skipped if null). */
    static void denseBp(INDArray a, INDArray w, INDArray g, INDArray gradW, INDArray gradB, INDArray gradA) {
        Nd4j.gemm(a, g, gradW, true, false, 1.0, 0.0);
        g.sum(gradB, 0);
        if (gradA != null) {
            Nd4j.gemm(g, w, gradA, false, true, 1.0, 0.0);
        }
    }
}
