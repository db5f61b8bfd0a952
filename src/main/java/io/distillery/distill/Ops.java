package io.distillery.distill;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/** Thin calls to libnd4j custom ops writing into caller-owned buffers (no allocation per call). */
final class Ops {
    private Ops() {
    }

    static void exec(String name, INDArray[] in, INDArray[] out, int[] iArgs, double... tArgs) {
        DynamicCustomOp.DynamicCustomOpsBuilder b = DynamicCustomOp.builder(name).addInputs(in).addOutputs(out);
        if (iArgs.length > 0) {
            b.addIntegerArguments(iArgs);
        }
        if (tArgs.length > 0) {
            b.addFloatingPointArguments(java.util.Arrays.stream(tArgs).boxed().toArray(Double[]::new));
        }
        Nd4j.exec(b.build());
    }

    /** Pool2D iArgs: kH,kW,sH,sW,pH,pW,dH,dW,sameMode,extra(avg: 0 = divide by window incl. padding),NCHW(0). */
    static int[] poolArgs(int k) {
        return new int[] {k, k, k, k, 0, 0, 1, 1, 0, 0, 0};
    }

    static void maxPool(INDArray x, INDArray out, int[] args) {
        exec("maxpool2d", new INDArray[] {x}, new INDArray[] {out}, args);
    }

    static void maxPoolBp(INDArray x, INDArray gradOut, INDArray gradX, int[] args) {
        exec("maxpool2d_bp", new INDArray[] {x, gradOut}, new INDArray[] {gradX}, args);
    }

    static void relu(INDArray x, INDArray out) {
        exec("relu", new INDArray[] {x}, new INDArray[] {out}, new int[0], 0.0);
    }

    /** gradX = gradOut where x > 0, else 0. */
    static void reluBp(INDArray x, INDArray gradOut, INDArray gradX) {
        exec("relu_bp", new INDArray[] {x, gradOut}, new INDArray[] {gradX}, new int[0], 0.0);
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
