package io.mdevgpu;

/** The kernel refused for lack of privilege (EACCES, EPERM): run as root or grant access to the node. */
public non-sealed class PermissionDeniedException extends KernelException {
    private static final long serialVersionUID = 1L;

    /**
     * Made by {@link KernelException#of}, which picks this class for EPERM or EACCES.
     *
     * @param operation what was being done
     * @param target    the file, device node, PCI address or UUID it was done to
     * @param errno     the errno, EPERM or EACCES
     * @param fix       what the operator can do about it, or null
     * @param cause     the lower-level exception behind it, or null
     */
    public PermissionDeniedException(String operation, String target, Errno errno, String fix, Throwable cause) {
        super(operation, target, errno, fix, cause);
    }
}
