package io.distillery.outbound;

/**
 * A delivery that did not happen, in one line naming the package, the destination and the problem. Not retryable
 * means trying again cannot help (the package changed after it was approved): it goes straight to the dead letters.
 */
public class OutboundException extends RuntimeException {
    private final boolean retryable;

    public OutboundException(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    public OutboundException(String message, Throwable cause) {
        super(message, cause);
        this.retryable = true;
    }

    public boolean retryable() {
        return retryable;
    }
}
