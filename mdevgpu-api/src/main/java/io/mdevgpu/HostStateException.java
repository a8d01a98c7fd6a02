package io.mdevgpu;

/**
 * The host is not in the state it should be: a read-back after apply disagrees with the plan, or a rollback
 * could not restore everything (the message lists what is left, so the operator can finish by hand).
 */
public final class HostStateException extends MdevException {
    public HostStateException(String operation, String target, String problem, String fix, Throwable cause) {
        super(operation, target, problem, fix, cause);
    }
}
