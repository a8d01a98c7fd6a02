package io.mdevgpu;

/**
 * A system call, a sysfs write or a device-node operation failed with an errno. Subclasses name the
 * errnos callers react to; {@link #of} picks the right one. The message names the operation, the target
 * (path, device node, UUID), the request in hex for ioctls, the errno and its {@code strerror} text.
 */
public sealed class KernelException extends MdevException
        permits AlreadyExistsException, CapacityException, NoSuchDeviceException, PermissionDeniedException,
        DeviceBusyException, DeviceInUseException, InvalidArgumentException, UnsupportedOperationKernelException {
    private static final long serialVersionUID = 1L;


    /** The errno, or null; see {@link #errno()}. */
    private final Errno errno;

    /**
     * For the subclasses; callers use {@link #of}, which picks the subclass for the errno.
     *
     * @param operation what was being done, e.g. {@code "create mdev"}, {@code "VFIO_DEVICE_RESET"}
     * @param target    the file, device node, PCI address or UUID it was done to
     * @param errno     the errno; null where there is none (see {@link #errno()})
     * @param fix       what the operator can do about it, or null
     * @param cause     the lower-level exception behind it (a JDK {@code IOException}, say), or null
     */
    protected KernelException(String operation, String target, Errno errno, String fix, Throwable cause) {
        super(operation, target, errno == null ? null : errno.toString(), fix, cause);
        this.errno = errno;
    }

    /**
     * {@return the errno: the kernel's, the one a JDK file error's text names, or the one the library gives a
     * refusal of its own that means the same (EBADF for a handle used after its close)} Null where there is none:
     * the library refused before asking the kernel, for an instance held open ({@link DeviceInUseException}) or a
     * reset the device does not advertise ({@link UnsupportedOperationKernelException}).
     */
    public Errno errno() { return errno; }

    /**
     * The typed exception for {@code errno}, without a cause: see
     * {@link #of(String, String, Errno, String, Throwable)}.
     *
     * @param operation what was being done
     * @param target    the file, device node, PCI address or UUID it was done to
     * @param errno     the errno; null gives the plain {@code KernelException}
     * @param fix       what the operator can do about it, or null
     * @return the exception, to throw
     */
    public static KernelException of(String operation, String target, Errno errno, String fix) {
        return of(operation, target, errno, fix, null);
    }

    /**
     * The typed exception for {@code errno}: EEXIST {@link AlreadyExistsException}; ENOSPC, EUSERS
     * {@link CapacityException}; ENODEV, ENXIO, ENOENT {@link NoSuchDeviceException}; EPERM, EACCES
     * {@link PermissionDeniedException}; EBUSY {@link DeviceBusyException}; EINVAL {@link InvalidArgumentException};
     * ENOTTY, EOPNOTSUPP, ENOSYS {@link UnsupportedOperationKernelException}; any other errno, or null, the plain
     * {@code KernelException}.
     *
     * @param operation what was being done, e.g. {@code "create mdev"}
     * @param target    the file, device node, PCI address or UUID it was done to
     * @param errno     the errno; null where there is none
     * @param fix       what the operator can do about it, or null
     * @param cause     the lower-level exception behind it, or null
     * @return the exception, to throw
     */
    public static KernelException of(String operation, String target, Errno errno, String fix, Throwable cause) {
        if (errno == null) return new KernelException(operation, target, null, fix, cause);
        return switch (errno.number()) {
            case 17 -> new AlreadyExistsException(operation, target, errno, fix, cause);
            case 28, 87 -> new CapacityException(operation, target, errno, fix, cause);
            case 19, 6, 2 -> new NoSuchDeviceException(operation, target, errno, fix, cause);
            case 1, 13 -> new PermissionDeniedException(operation, target, errno, fix, cause);
            case 16 -> new DeviceBusyException(operation, target, errno, fix, cause);
            case 22 -> new InvalidArgumentException(operation, target, errno, fix, cause);
            case 25, 95, 38 -> new UnsupportedOperationKernelException(operation, target, errno, fix, cause);
            default -> new KernelException(operation, target, errno, fix, cause);
        };
    }
}
