package io.distillery.distill;

/**
 * Bad input or state in the distillation engine (malformed npz, inconsistent shapes, unreadable checkpoint).
 * Unchecked, with a one-line message meant for the user. The engine depends on ND4J only, so it does not
 * extend the DICOM toolkit's exception.
 */
public class DistillException extends RuntimeException {
    public DistillException(String message) {
        super(message);
    }

    public DistillException(String message, Throwable cause) {
        super(message, cause);
    }
}
