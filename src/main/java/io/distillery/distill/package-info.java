/**
 * Soft-label dataset distillation (Wang et al. 2018; Sucholutsky and Schonlau; Li, Togo, Ogawa and Haseyama
 * 2022) on ND4J: tensors in, tensors out.
 *
 * <ul>
 *   <li>{@link io.distillery.distill.Network} / {@link io.distillery.distill.LeNet}, {@link io.distillery.distill.ConvNet} (instance norm), {@link io.distillery.distill.AlexNet}: forward and backward over
 *       a flat parameter vector, buffers reused per batch size: matrix products on ND4J, layout work (im2col,
 *       pooling, ReLU masks) as loops in {@code Kernels}.</li>
 *   <li>{@link io.distillery.distill.Hypergradient}: the unrolled inner loop and its first-order
 *       hypergradient (central differences of ordinary gradients along the adjoint, in float64).</li>
 *   <li>{@link io.distillery.distill.Distiller}: the outer Adam loop, fixed or random init, checkpoints,
 *       {@link io.distillery.distill.ProgressListener} events.</li>
 *   <li>{@link io.distillery.distill.Evaluation} / {@link io.distillery.distill.Metrics}: replay, baselines,
 *       accuracy, sensitivity, specificity, harmonic mean, AUC.</li>
 *   <li>{@link io.distillery.distill.PrivateOuterGradient}: the differentially private mode (DP-SGD on the
 *       outer loop's real-data gradient); {@code privacy}: its Rényi-DP accountant.</li>
 *   <li>{@code data}: the MedMNIST npz reader (the layout the store exports) and the output writers.</li>
 * </ul>
 * Depends on ND4J and, for the npy/npz format, {@code io.distillery.npy} only.
 */
package io.distillery.distill;
