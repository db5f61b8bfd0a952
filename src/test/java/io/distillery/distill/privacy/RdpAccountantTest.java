package io.distillery.distill.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The accountant against published reference values: the unit tests of TensorFlow Privacy
 * ({@code tensorflow_privacy/privacy/analysis/rdp_accountant_test.py}) for the RDP curve and the Opacus tests
 * ({@code opacus/tests/accountants_test.py}) for ε with the Balle et al. conversion and the default orders.
 */
class RdpAccountantTest {

    @Test
    void noSamplingIsThePlainGaussianMechanism() {
        // TF Privacy test_compute_rdp_no_sampling: q = 1, RDP = α / (2σ²)
        assertEquals(0.1, RdpAccountant.rdp(1, 10, 1, 20), 1e-15);
        // test_compute_rdp_no_data: q = 0
        assertEquals(0, RdpAccountant.rdp(0, 10, 1, 20));
    }

    @Test
    void integerOrderMatchesTensorFlowPrivacy() {
        // test_compute_rdp_scalar: compute_rdp(0.1, 2, 10, 5) = 0.07737 (5 places)
        assertEquals(0.07737, RdpAccountant.rdp(0.1, 2, 10, 5), 5e-6);
    }

    @Test
    void fractionalAndIntegerOrdersMatchTensorFlowPrivacy() {
        // test_compute_rdp_sequence: compute_rdp(0.01, 2.5, 50, [1.5, 2.5, 5, 50, 100]), delta 1e-5
        double[] orders = {1.5, 2.5, 5, 50, 100};
        double[] expected = {0.00065, 0.001085, 0.00218075, 0.023846, 167.416307};
        for (int k = 0; k < orders.length; k++) {
            assertEquals(expected[k], RdpAccountant.rdp(0.01, 2.5, 50, orders[k]), 1e-5, "order " + orders[k]);
        }
    }

    @Test
    void conversionToEpsilonMatchesTheReference() {
        // test_get_privacy_spent_check_target_delta: constant RDP 1.1 over orders 2..32, δ = 1e-5 -> ε =
        // 1.32783806176 at order 32 (the Balle et al. conversion)
        double[] orders = new double[31];
        double[] rdp = new double[31];
        for (int k = 0; k < 31; k++) {
            orders[k] = k + 2;
            rdp[k] = 1.1;
        }
        RdpAccountant.Epsilon e = RdpAccountant.epsilon(orders, rdp, 1e-5);
        assertEquals(1.32783806176, e.epsilon(), 1e-9);
        assertEquals(32, e.order());
    }

    @Test
    void epsilonOfDpSgdMatchesOpacus() {
        // Opacus test_rdp_accountant: σ = 1.5, q = 0.04, int(90 / 0.04) = 2250 steps, δ = 1e-5 -> 7.32911117143
        assertEquals(7.32911117143, RdpAccountant.epsilon(0.04, 1.5, 2250, 1e-5).epsilon(), 1e-6);
    }

    @Test
    void noiseMultiplierForATargetMatchesOpacus() {
        // Opacus test_get_noise_multiplier_rdp_steps: ε = 8, δ = 1e-5, q = 0.04, 2000 steps -> σ ≈ 1.3562 (its
        // bisection stops within 0.01 of ε); ours is the exact root, rounded up.
        double sigma = RdpAccountant.noiseMultiplier(8, 1e-5, 0.04, 2000);
        assertEquals(1.3562, sigma, 2e-3);
        assertTrue(RdpAccountant.epsilon(0.04, sigma, 2000, 1e-5).epsilon() <= 8);
        assertTrue(RdpAccountant.epsilon(0.04, sigma * 0.999, 2000, 1e-5).epsilon() > 8);
    }

    @Test
    void moreNoiseFewerStepsSmallerEpsilon() {
        double e1 = RdpAccountant.epsilon(0.05, 1.0, 300, 1e-5).epsilon();
        assertTrue(RdpAccountant.epsilon(0.05, 2.0, 300, 1e-5).epsilon() < e1);
        assertTrue(RdpAccountant.epsilon(0.05, 1.0, 100, 1e-5).epsilon() < e1);
        assertTrue(RdpAccountant.epsilon(0.01, 1.0, 300, 1e-5).epsilon() < e1);
        assertEquals(Double.POSITIVE_INFINITY, RdpAccountant.epsilon(0.05, 0, 300, 1e-5).epsilon());
    }

    @Test
    void unreachableTargetsAndBadArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> RdpAccountant.noiseMultiplier(0, 1e-5, 0.1, 10));
        assertThrows(IllegalArgumentException.class, () -> RdpAccountant.epsilon(0.1, 1, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> RdpAccountant.rdp(1.5, 1, 10, 2));
    }
}
