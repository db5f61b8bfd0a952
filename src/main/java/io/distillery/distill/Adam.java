package io.distillery.distill;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Adam on one tensor, with its moments kept so that a checkpoint can resume it exactly. */
final class Adam {
    static final double EPS = 1e-8;
    private final double beta1;
    private final double beta2;
    private final INDArray m;
    private final INDArray v;
    private long t;

    Adam(INDArray param, double beta1, double beta2) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.m = Nd4j.zerosLike(param);
        this.v = Nd4j.zerosLike(param);
    }

    void step(INDArray param, INDArray grad, double lr) {
        t++;
        m.muli(beta1).addi(grad.mul(1 - beta1));
        v.muli(beta2).addi(grad.mul(grad).muli(1 - beta2));
        // As torch.optim.Adam: ε is added to the bias-corrected √v̂, not to √v (that would be ε/√(1−β2^t),
        // 30x larger at the first step, and change the first steps of small gradient entries).
        double bias2 = Math.sqrt(1 - Math.pow(beta2, t));
        param.subi(m.div(Transforms.sqrt(v, true).divi(bias2).addi(EPS)).muli(lr / (1 - Math.pow(beta1, t))));
    }

    INDArray m() {
        return m;
    }

    INDArray v() {
        return v;
    }

    long count() {
        return t;
    }

    void restore(INDArray m, INDArray v, long t) {
        this.m.assign(m);
        this.v.assign(v);
        this.t = t;
    }
}
