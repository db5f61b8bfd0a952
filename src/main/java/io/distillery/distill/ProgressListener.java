package io.distillery.distill;

/** Receives one event per outer iteration; the CLI draws a bar from it, the service can expose it as metrics. */
@FunctionalInterface
public interface ProgressListener {

    /**
     * @param iteration  iterations done (1-based)
     * @param secPerIter mean wall time per iteration in this run so far
     * @param etaSeconds estimated time left for the remaining iterations
     */
    record Progress(int iteration, int total, double outerLoss, double secPerIter, double etaSeconds) {
    }

    void onIteration(Progress progress);

    /**
     * A validation check of the distilled data (with {@link DistillConfig#selectEvery()}): its score (mean
     * per-class recall on the validation split) at {@code iteration}, and whether it is the best so far.
     */
    default void onSelection(int iteration, double valScore, boolean best) {
    }

    ProgressListener NONE = p -> { };
}
