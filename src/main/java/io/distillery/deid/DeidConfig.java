package io.distillery.deid;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * What a de-identification run does: the options of PS3.15 Annex E, the keyed pseudonymizer, the date-shift range
 * for the Modified Dates option, and whether instances that may carry burned-in text are let through.
 *
 * @param options           enabled options (the two longitudinal-date options exclude each other)
 * @param pseudonymizer     HMAC pseudonyms under the project secret
 * @param maxDateShiftDays  per-patient shift range for {@link DeidOption#RETAIN_LONGITUDINAL_MODIFIED_DATES}
 * @param allowBurnedIn     de-identify instead of quarantining instances that may have burned-in annotation
 */
public record DeidConfig(Set<DeidOption> options, Pseudonymizer pseudonymizer, int maxDateShiftDays,
        boolean allowBurnedIn) {
    /** Default environment variable holding the project secret. */
    public static final String DEFAULT_SECRET_ENV = "DISTILLERY_DEID_SECRET";
    public static final int DEFAULT_MAX_DATE_SHIFT_DAYS = 365;

    public DeidConfig {
        options = options.isEmpty() ? EnumSet.noneOf(DeidOption.class) : EnumSet.copyOf(options);
        if (options.contains(DeidOption.RETAIN_LONGITUDINAL_FULL_DATES)
                && options.contains(DeidOption.RETAIN_LONGITUDINAL_MODIFIED_DATES)) {
            throw new IllegalArgumentException("options retain-long-full-dates and retain-long-modified-dates"
                    + " exclude each other");
        }
        if (pseudonymizer == null) {
            throw new IllegalArgumentException("a pseudonymizer (project secret) is required");
        }
        if (maxDateShiftDays < 1) {
            throw new IllegalArgumentException("maxDateShiftDays must be at least 1");
        }
    }

    public boolean has(DeidOption option) {
        return options.contains(option);
    }

    /** Basic profile with the given options, secret bytes given directly (tests, embedding). */
    public static DeidConfig of(byte[] secret, Set<DeidOption> options) {
        return new DeidConfig(options, new Pseudonymizer(secret), DEFAULT_MAX_DATE_SHIFT_DAYS, false);
    }

    public DeidConfig withAllowBurnedIn(boolean allow) {
        return new DeidConfig(options, pseudonymizer, maxDateShiftDays, allow);
    }

    /**
     * The secret from environment variable {@code var} (UTF-8 bytes of its value). Refuses to go on without one:
     * pseudonyms under a missing or well-known key would be reversible by anyone.
     */
    public static byte[] secretFromEnvironment(Map<String, String> env, String var) {
        String v = env.get(var);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("environment variable " + var + " holding the de-identification secret"
                    + " is not set; refusing to pseudonymise without a project secret");
        }
        byte[] b = v.getBytes(StandardCharsets.UTF_8);
        if (b.length < 16) {
            throw new IllegalStateException("the secret in " + var + " is shorter than 16 bytes");
        }
        return b;
    }
}
