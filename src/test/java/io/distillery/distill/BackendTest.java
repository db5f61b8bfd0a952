package io.distillery.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BackendTest {

    @Test
    void theCpuBuildStartsTheCpuBackend() {
        assertFalse(Backend.isCudaBuild(), "the default build carries nd4j-native only");
        assertEquals("CpuBackend", Backend.require());
    }

    /** The chain ND4J 1.0.0-M2.1 throws when the CUDA build runs without a driver (seen on this machine). */
    @Test
    void aMissingBackendIsExplainedInOneSentence() {
        Throwable seen = new ExceptionInInitializerError(new RuntimeException(new IllegalStateException(
                "Please ensure that you have an nd4j backend on your classpath.")));
        String cuda = Backend.explain(seen, true);
        assertTrue(cuda.startsWith("no ND4J backend could start (IllegalStateException: Please ensure"), cuda);
        assertTrue(cuda.contains("libcuda.so.1") && cuda.contains("3.7 to 8.6") && !cuda.contains("\n"), cuda);
        assertTrue(Backend.explain(seen, false).contains("CPU build"));
    }
}
