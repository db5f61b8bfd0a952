package io.distillery.distill.privacy;

import org.apache.commons.math3.special.Erf;

/**
 * Rényi-DP accountant of the sampled Gaussian mechanism (Mironov, Talwar and Zhang, "Rényi Differential Privacy
 * of the Sampled Gaussian Mechanism", 2019): Poisson sampling with rate q, sum of per-example contributions
 * clipped to L2 norm C, plus N(0, σ²C²). The log A_α formulas for integer and fractional orders follow Section
 * 3.3 of that paper (the same as TensorFlow Privacy's and Opacus's {@code compute_rdp}); RDP composes by adding
 * over steps; the conversion to (ε, δ) is Theorem 21 of Balle et al., "Hypothesis testing interpretations and
 * Rényi differential privacy" (2020), as in Opacus. No Java library on Maven Central provides this accountant
 * (Google's {@code differentialprivacy} Java library has noise primitives but no accounting), hence this class.
 */
public final class RdpAccountant {
    /** Opacus's default orders: 1.1 … 10.9 in steps of 0.1, then 12 … 63. */
    public static final double[] DEFAULT_ORDERS = defaultOrders();

    private RdpAccountant() {
    }

    private static double[] defaultOrders() {
        double[] o = new double[99 + 52];
        for (int x = 1; x < 100; x++) {
            o[x - 1] = 1 + x / 10.0;
        }
        for (int a = 12; a < 64; a++) {
            o[99 + a - 12] = a;
        }
        return o;
    }

    /** RDP at order α of {@code steps} compositions of the sampled Gaussian mechanism (may be +∞). */
    public static double rdp(double q, double sigma, int steps, double alpha) {
        if (!(q >= 0 && q <= 1) || !(sigma >= 0) || !(alpha > 1) || steps < 0) {
            throw new IllegalArgumentException("need 0 <= q <= 1, sigma >= 0, alpha > 1, steps >= 0");
        }
        if (q == 0 || steps == 0) {
            return 0;
        }
        if (sigma == 0 || Double.isInfinite(alpha)) {
            return Double.POSITIVE_INFINITY;
        }
        if (q == 1) {
            return steps * alpha / (2 * sigma * sigma);
        }
        double logA = alpha == Math.rint(alpha) ? logAInteger(q, sigma, (int) alpha) : logAFractional(q, sigma, alpha);
        return steps * logA / (alpha - 1);
    }

    /** log A_α for integer α: Σ_i C(α,i) q^i (1−q)^(α−i) exp((i²−i)/(2σ²)). */
    static double logAInteger(double q, double sigma, int alpha) {
        double logA = Double.NEGATIVE_INFINITY;
        for (int i = 0; i <= alpha; i++) {
            double s = logBinomial(alpha, i) + i * Math.log(q) + (alpha - i) * Math.log1p(-q)
                    + (i * (double) i - i) / (2 * sigma * sigma);
            logA = logAdd(logA, s);
        }
        return logA;
    }

    /** log A_α for fractional α: the two half-line integrals split at z0, summed until the terms vanish. */
    static double logAFractional(double q, double sigma, double alpha) {
        double logA0 = Double.NEGATIVE_INFINITY;
        double logA1 = Double.NEGATIVE_INFINITY;
        double z0 = sigma * sigma * Math.log(1 / q - 1) + 0.5;
        double logAbsCoef = 0; // log |C(α, i)|, built up term by term
        int sign = 1;
        for (int i = 0; ; i++) {
            if (i > 0) {
                double factor = (alpha - i + 1) / i;
                logAbsCoef += Math.log(Math.abs(factor));
                sign *= factor < 0 ? -1 : 1;
            }
            double j = alpha - i;
            double logT0 = logAbsCoef + i * Math.log(q) + j * Math.log1p(-q);
            double logT1 = logAbsCoef + j * Math.log(q) + i * Math.log1p(-q);
            double logE0 = Math.log(0.5) + logErfc((i - z0) / (Math.sqrt(2) * sigma));
            double logE1 = Math.log(0.5) + logErfc((z0 - j) / (Math.sqrt(2) * sigma));
            double logS0 = logT0 + (i * (double) i - i) / (2 * sigma * sigma) + logE0;
            double logS1 = logT1 + (j * j - j) / (2 * sigma * sigma) + logE1;
            if (sign > 0) {
                logA0 = logAdd(logA0, logS0);
                logA1 = logAdd(logA1, logS1);
            } else {
                logA0 = logSub(logA0, logS0);
                logA1 = logSub(logA1, logS1);
            }
            if (Math.max(logS0, logS1) < -30) {
                break;
            }
        }
        return logAdd(logA0, logA1);
    }

    /**
     * ε of an RDP curve at δ: min over orders of rdp − (log δ + log α)/(α−1) + log((α−1)/α) (Balle et al. 2020,
     * Theorem 21).
     */
    public static Epsilon epsilon(double[] orders, double[] rdp, double delta) {
        if (!(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("delta must be in (0, 1)");
        }
        double best = Double.POSITIVE_INFINITY;
        double bestOrder = Double.NaN;
        for (int k = 0; k < orders.length; k++) {
            double a = orders[k];
            double eps = rdp[k] - (Math.log(delta) + Math.log(a)) / (a - 1) + Math.log((a - 1) / a);
            if (eps < best) {
                best = eps;
                bestOrder = a;
            }
        }
        return new Epsilon(Math.max(0, best), bestOrder);
    }

    /** ε and the order that achieved it. */
    public record Epsilon(double epsilon, double order) {
    }

    /** ε after {@code steps} steps with sampling rate q and noise multiplier σ, over the default orders. */
    public static Epsilon epsilon(double q, double sigma, int steps, double delta) {
        double[] rdp = new double[DEFAULT_ORDERS.length];
        for (int k = 0; k < rdp.length; k++) {
            rdp[k] = rdp(q, sigma, steps, DEFAULT_ORDERS[k]);
        }
        return epsilon(DEFAULT_ORDERS, rdp, delta);
    }

    /**
     * The smallest noise multiplier (to 1e-4 relative, rounded up) whose ε after {@code steps} steps at rate q is at
     * most {@code targetEpsilon}: bisection, since ε falls as σ grows.
     */
    public static double noiseMultiplier(double targetEpsilon, double delta, double q, int steps) {
        if (!(targetEpsilon > 0)) {
            throw new IllegalArgumentException("target epsilon must be positive");
        }
        double hi = 1;
        while (epsilon(q, hi, steps, delta).epsilon() > targetEpsilon) {
            hi *= 2;
            if (hi > 1e4) {
                throw new IllegalArgumentException("epsilon " + targetEpsilon + " is out of reach for " + steps
                        + " steps at sampling rate " + q + " (noise multiplier above 1e4)");
            }
        }
        double lo = 0;
        while (hi - lo > 1e-4 * hi) {
            double mid = (lo + hi) / 2;
            if (epsilon(q, mid, steps, delta).epsilon() > targetEpsilon) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    static double logBinomial(int n, int k) {
        return logGamma(n + 1.0) - logGamma(k + 1.0) - logGamma(n - k + 1.0);
    }

    private static double logGamma(double x) {
        return org.apache.commons.math3.special.Gamma.logGamma(x);
    }

    static double logAdd(double x, double y) {
        double a = Math.min(x, y);
        double b = Math.max(x, y);
        if (a == Double.NEGATIVE_INFINITY) {
            return b;
        }
        return Math.log1p(Math.exp(a - b)) + b;
    }

    static double logSub(double x, double y) {
        if (x < y) {
            throw new ArithmeticException("log-space subtraction would be negative");
        }
        if (y == Double.NEGATIVE_INFINITY) {
            return x;
        }
        if (x == y) {
            return Double.NEGATIVE_INFINITY;
        }
        return Math.log(Math.expm1(x - y)) + y;
    }

    /** log erfc(x), with the asymptotic series beyond x = 10 where erfc underflows towards 0. */
    static double logErfc(double x) {
        if (x < 10) {
            return Math.log(Erf.erfc(x));
        }
        double x2 = x * x;
        return -Math.log(Math.PI) / 2 - Math.log(x) - x2 - 0.5 / x2 + 0.625 / (x2 * x2) - 37.0 / 24 / (x2 * x2 * x2)
                + 353.0 / 64 / (x2 * x2 * x2 * x2);
    }
}
