package io.mdevgpu;

/** The kernel rejected an argument (EINVAL): a malformed UUID, a bad region offset, an unsupported IOMMU type. */
public non-sealed class InvalidArgumentException extends KernelException {
    private static final long serialVersionUID = 1L;

    /**
     * Made by {@link KernelException#of}, which picks this class for EINVAL.
     *
     * @param operation what was being done
     * @param target    the file, device node, PCI address or UUID it was done to
     * @param errno     the errno, EINVAL
     * @param fix       what the operator can do about it, or null
     * @param cause     the lower-level exception behind it, or null
     */
    public InvalidArgumentException(String operation, String target, Errno errno, String fix, Throwable cause) {
        super(operation, target, errno, fix, cause);
    }
}
