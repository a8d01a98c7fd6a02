package io.mdevgpu;

/** No room left: the type's instance count (EUSERS) or the vendor driver's capacity (ENOSPC) is exhausted. */
public non-sealed class CapacityException extends KernelException {
    public CapacityException(String operation, String target, Errno errno, String fix, Throwable cause) {
        super(operation, target, errno, fix, cause);
    }
}
