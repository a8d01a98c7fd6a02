package io.mdevgpu;

/** The device, parent, type or node is gone or was never there (ENODEV, ENXIO, ENOENT). */
public non-sealed class NoSuchDeviceException extends KernelException {
    private static final long serialVersionUID = 1L;

    /**
     * Made by {@link KernelException#of}, which picks this class for ENODEV, ENXIO or ENOENT.
     *
     * @param operation what was being done
     * @param target    the file, device node, PCI address or UUID it was done to
     * @param errno     the errno, ENODEV, ENXIO or ENOENT
     * @param fix       what the operator can do about it, or null
     * @param cause     the lower-level exception behind it, or null
     */
    public NoSuchDeviceException(String operation, String target, Errno errno, String fix, Throwable cause) {
        super(operation, target, errno, fix, cause);
    }
}
