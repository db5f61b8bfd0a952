package io.distillery.distill;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Starts ND4J's backend (nd4j-native on the CPU, or nd4j-cuda-11.6 in the {@code -Pcuda} build) and turns its
 * failure into one clear error: ND4J reports a missing backend as an {@link ExceptionInInitializerError} from
 * {@code Nd4j}'s static initialiser, after logging a stack trace per backend it skipped.
 */
public final class Backend {
    private Backend() {
    }

    /** The backend's name (for example {@code CpuBackend} or {@code JCublasBackend}), starting it if needed. */
    public static String require() {
        try {
            return Nd4j.getBackend().getClass().getSimpleName();
        } catch (LinkageError | RuntimeException e) {
            throw new DistillException(explain(e, isCudaBuild()), e);
        }
    }

    /** True when this build carries ND4J's CUDA backend (the {@code -Pcuda} profile) instead of the CPU one. */
    static boolean isCudaBuild() {
        try {
            Class.forName("org.nd4j.linalg.jcublas.JCublasBackend", false, Backend.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** The message for a backend that could not start: the deepest cause and what to do about it. */
    static String explain(Throwable failure, boolean cudaBuild) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String hint = cudaBuild
                ? "this is the CUDA build (-Pcuda): it needs an NVIDIA driver (libcuda.so.1) and a GPU of compute"
                        + " capability 3.7 to 8.6 (not Hopper or later); use the CPU build on other machines"
                : "this is the CPU build: it needs nd4j-native's linux-x86_64 libraries (glibc, x86-64)";
        return "no ND4J backend could start (" + root.getClass().getSimpleName() + ": " + root.getMessage() + "); "
                + hint;
    }
}
