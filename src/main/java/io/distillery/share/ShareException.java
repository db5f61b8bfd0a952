package io.distillery.share;

/** A package could not be built, read, verified or audited; the message is one line naming the file and problem. */
public class ShareException extends RuntimeException {
    public ShareException(String message) {
        super(message);
    }

    public ShareException(String message, Throwable cause) {
        super(message, cause);
    }
}
