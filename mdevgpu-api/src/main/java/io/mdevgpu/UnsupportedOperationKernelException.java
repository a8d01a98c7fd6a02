package io.mdevgpu;

/** The device does not implement the request (ENOTTY, EOPNOTSUPP, ENOSYS). */
public non-sealed class UnsupportedOperationKernelException extends KernelException {
    private static final long serialVersionUID = 1L;

    /**
     * Made by {@link KernelException#of}, which picks this class for ENOTTY, EOPNOTSUPP or ENOSYS.
     *
     * @param operation what was being done
     * @param target    the file, device node, PCI address or UUID it was done to
     * @param errno     the errno, ENOTTY, EOPNOTSUPP or ENOSYS; null where the library refuses before asking the
     *                  kernel (a reset the device does not advertise)
     * @param fix       what the operator can do about it, or null
     * @param cause     the lower-level exception behind it, or null
     */
    public UnsupportedOperationKernelException(String operation, String target, Errno errno, String fix, Throwable cause) {
        super(operation, target, errno, fix, cause);
    }
}
