package io.mdevgpu;

/** No room left: the type's instance count (EUSERS) or the vendor driver's capacity (ENOSPC) is exhausted. */
public non-sealed class CapacityException extends KernelException {
    private static final long serialVersionUID = 1L;

    /**
     * Made by {@link KernelException#of}, which picks this class for ENOSPC or EUSERS.
     *
     * @param operation what was being done
     * @param target    the file, device node, PCI address or UUID it was done to
     * @param errno     the errno, ENOSPC or EUSERS
     * @param fix       what the operator can do about it, or null
     * @param cause     the lower-level exception behind it, or null
     */
    public CapacityException(String operation, String target, Errno errno, String fix, Throwable cause) {
        super(operation, target, errno, fix, cause);
    }
}
