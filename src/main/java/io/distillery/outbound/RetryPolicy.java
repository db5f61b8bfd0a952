package io.distillery.outbound;

import java.time.Duration;

/**
 * Exponential backoff with a cap and a maximum number of attempts: after failed attempt n (1-based) the next one
 * waits {@code initialDelay * multiplier^(n-1)}, at most {@code maxDelay}; after {@code maxAttempts} failures the
 * delivery is dead-lettered.
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, double multiplier, Duration maxDelay) {
    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max-attempts must be at least 1, not " + maxAttempts);
        }
        if (initialDelay.isNegative() || maxDelay.isNegative() || multiplier < 1) {
            throw new IllegalArgumentException("retry delays must be >= 0 and the multiplier >= 1");
        }
    }

    /** Wait before the attempt that follows failed attempt {@code attempt}. */
    public Duration delayAfter(int attempt) {
        double millis = initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
        return millis >= maxDelay.toMillis() ? maxDelay : Duration.ofMillis((long) millis);
    }

    public boolean exhausted(int attempt) {
        return attempt >= maxAttempts;
    }
}
