package io.mdevgpu;

/** The object already exists (EEXIST): an mdev UUID is unique across every parent. */
public non-sealed class AlreadyExistsException extends KernelException {
    public AlreadyExistsException(String operation, String target, Errno errno, String fix, Throwable cause) {
        super(operation, target, errno, fix, cause);
    }
}
