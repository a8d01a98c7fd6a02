package io.mdevgpu;

/** The device does not implement the request (ENOTTY, EOPNOTSUPP, ENOSYS). */
public non-sealed class UnsupportedOperationKernelException extends KernelException {
    public UnsupportedOperationKernelException(String operation, String target, Errno errno, String fix, Throwable cause) {
        super(operation, target, errno, fix, cause);
    }
}
