package io.distillery.review;

/** A review-queue operation that cannot be done: unknown package, decision on a decided package, store failure. */
public class ReviewException extends RuntimeException {
    public ReviewException(String message) {
        super(message);
    }

    public ReviewException(String message, Throwable cause) {
        super(message, cause);
    }
}
