package io.distillery.deid;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed, deterministic pseudonyms: HMAC-SHA256 under a per-project secret, so that every node holding the same
 * secret maps the same input to the same output, and nobody without it can link or reverse the mapping.
 * Each kind of pseudonym hashes a distinct domain prefix so that a UID and a Patient ID never collide.
 */
public final class Pseudonymizer {
    /** Root every UID under which is defined by the standard itself (SOP classes, transfer syntaxes, ...). */
    public static final String STANDARD_UID_ROOT = "1.2.840.10008.";
    private static final String ALGORITHM = "HmacSHA256";
    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final DateTimeFormatter DA = DateTimeFormatter.BASIC_ISO_DATE;

    private final SecretKeySpec key;

    /** @param secret the project secret; at least 16 bytes, so that it cannot be guessed by enumeration */
    public Pseudonymizer(byte[] secret) {
        if (secret == null || secret.length < 16) {
            throw new IllegalArgumentException("the de-identification secret must be at least 16 bytes long");
        }
        this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
    }

    /**
     * {@code 2.25.<decimal of the first 128 bits of HMAC(uid)>} (PS3.5 B.2, UUID-derived form; at most 44
     * characters). Standard UIDs (root 1.2.840.10008.) and empty values are returned unchanged.
     */
    public String uid(String uid) {
        String u = uid.trim();
        if (u.isEmpty() || u.startsWith(STANDARD_UID_ROOT)) {
            return u;
        }
        byte[] h = Arrays.copyOf(hmac("uid", u), 16);
        return "2.25." + new BigInteger(1, h);
    }

    /** "PSN-" + base32 (RFC 4648 alphabet, no padding) of the first 10 bytes of HMAC(Patient ID): 20 characters. */
    public String patientPseudonym(String patientId) {
        byte[] h = Arrays.copyOf(hmac("patient-id", patientId == null ? "" : patientId.trim()), 10);
        return "PSN-" + base32(h);
    }

    /** Per-patient date shift in days, in [-maxDays, -1] or [1, maxDays]: never zero, so dates always move. */
    public int dateShiftDays(String patientId, int maxDays) {
        if (maxDays < 1) {
            throw new IllegalArgumentException("maximum date shift must be at least one day");
        }
        byte[] h = hmac("date-shift", patientId == null ? "" : patientId.trim());
        long v = new BigInteger(1, Arrays.copyOf(h, 8)).longValue() & Long.MAX_VALUE;
        int magnitude = (int) (v % maxDays) + 1;
        return (h[8] & 1) == 0 ? magnitude : -magnitude;
    }

    /** Shifts a DA value (YYYYMMDD) by whole days; null when it is not a valid full date. */
    static String shiftDate(String yyyymmdd, int days) {
        if (yyyymmdd.length() != 8) {
            return null;
        }
        try {
            return LocalDate.parse(yyyymmdd, DA).plusDays(days).format(DA);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private byte[] hmac(String domain, String input) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            mac.update(domain.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) 0);
            return mac.doFinal(input.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable in this JVM", e);
        }
    }

    private static String base32(byte[] b) {
        StringBuilder sb = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte x : b) {
            buffer = (buffer << 8) | (x & 0xFF);
            bits += 8;
            while (bits >= 5) {
                sb.append(BASE32[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            sb.append(BASE32[(buffer << (5 - bits)) & 31]);
        }
        return sb.toString();
    }
}
