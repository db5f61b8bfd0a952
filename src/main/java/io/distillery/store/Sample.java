package io.distillery.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One accepted training sample: a normalised grey image in [0, 1] with its label and provenance. Every key is
 * pseudonymous (the de-identified SOP Instance, Study Instance and Patient ID); nothing here identifies a patient.
 */
public record Sample(String key, String studyKey, String patientKey, String label, Provenance provenance,
        int height, int width, float[] pixels) {

    /** Where the sample came from. */
    public record Provenance(String modality, String sopClassUid, String transferSyntaxUid, String route,
            Instant receivedAt) {
    }

    public Sample {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(provenance, "provenance");
        if (pixels.length != height * width) {
            throw new IllegalArgumentException("pixels: " + pixels.length + " values for " + height + "x" + width);
        }
    }
}
