package io.distillery.gateway;

/** A distillation run was not started because another run, here or on another replica, holds the lease. */
public class DistillationBusyException extends RuntimeException {
    public DistillationBusyException(String message) {
        super(message);
    }
}
