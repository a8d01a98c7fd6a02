package io.mdevgpu;

/** The kernel refused for lack of privilege (EACCES, EPERM): run as root or grant access to the node. */
public non-sealed class PermissionDeniedException extends KernelException {
    public PermissionDeniedException(String operation, String target, Errno errno, String fix, Throwable cause) {
        super(operation, target, errno, fix, cause);
    }
}
