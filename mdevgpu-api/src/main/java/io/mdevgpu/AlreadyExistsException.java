package io.mdevgpu;

/** The object already exists (EEXIST): an mdev UUID is unique across every parent. */
public non-sealed class AlreadyExistsException extends KernelException {
    private static final long serialVersionUID = 1L;

    /**
     * Made by {@link KernelException#of}, which picks this class for EEXIST.
     *
     * @param operation what was being done
     * @param target    the file, device node, PCI address or UUID it was done to
     * @param errno     the errno, EEXIST
     * @param fix       what the operator can do about it, or null
     * @param cause     the lower-level exception behind it, or null
     */
    public AlreadyExistsException(String operation, String target, Errno errno, String fix, Throwable cause) {
        super(operation, target, errno, fix, cause);
    }
}
