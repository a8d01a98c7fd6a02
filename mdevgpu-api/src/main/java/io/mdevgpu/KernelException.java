package io.mdevgpu;

/**
 * A system call, a sysfs write or a device-node operation failed with an errno. Subclasses name the
 * errnos callers react to; {@link #of} picks the right one. The message names the operation, the target
 * (path, device node, UUID), the request in hex for ioctls, the errno and its {@code strerror} text.
 */
public sealed class KernelException extends MdevException
        permits AlreadyExistsException, CapacityException, NoSuchDeviceException, PermissionDeniedException,
        DeviceBusyException, DeviceInUseException, InvalidArgumentException, UnsupportedOperationKernelException {

    private final Errno errno;

    protected KernelException(String operation, String target, Errno errno, String fix, Throwable cause) {
        super(operation, target, errno == null ? null : errno.toString(), fix, cause);
        this.errno = errno;
    }

    /** The errno, or null where the kernel said no without one (an instance this process holds open, say). */
    public Errno errno() { return errno; }

    /**
     * The typed exception for {@code errno}; {@code fix} may be null, and so may {@code errno} where the kernel
     * said no without one (then the plain {@code KernelException}).
     */
    public static KernelException of(String operation, String target, Errno errno, String fix) {
        return of(operation, target, errno, fix, null);
    }

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
