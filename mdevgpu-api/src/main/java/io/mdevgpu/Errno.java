package io.mdevgpu;

import java.util.Map;

/**
 * A Linux errno (x86-64 and arm64 numbering) with its symbolic name and {@code strerror} text, so that
 * errors print {@code EEXIST (File exists)} without a native call. Unknown numbers print as {@code errno 1234}.
 * The constants are the errnos the library meets, each with where; {@link KernelException#of} turns one into its
 * typed exception.
 *
 * @param number the errno's number, as the C library's {@code errno} holds it; any int (a number the table does not
 *               know prints as its number)
 */
public record Errno(int number) {
    /**
     * 1, Operation not permitted: the process lacks a privilege (a capability, not a file's mode: that is EACCES) for a
     * sysfs write or an ioctl. A {@link PermissionDeniedException}.
     */
    public static final Errno EPERM = new Errno(1);
    /**
     * 2, No such file or directory: a sysfs attribute, device node or definition file is not there (a parent without
     * the type, an instance that went away, a UUID with no definition). A {@link NoSuchDeviceException}.
     */
    public static final Errno ENOENT = new Errno(2);
    /**
     * 4, Interrupted system call: a signal interrupted a call. The library sends an RM ioctl again, counts a close as
     * done, lets a wait for an IRQ return as a timeout, and gives it where a thread waiting for an mdev remove is
     * interrupted (the remove may still complete).
     */
    public static final Errno EINTR = new Errno(4);
    /**
     * 5, Input/output error: the device or its driver failed a transfer. The library gives it for a short read or
     * write, a reply it cannot read, and a JDK file error whose text names no errno it knows; the simulator's
     * injected faults default to it.
     */
    public static final Errno EIO = new Errno(5);
    /** 6, No such device or address: the device behind a node or attribute is gone. A {@link NoSuchDeviceException}. */
    public static final Errno ENXIO = new Errno(6);
    /**
     * 9, Bad file descriptor. The library gives it for a handle used after its close (or racing it): a
     * {@link VfioDevice}, its regions and {@link IrqEventFds}, a closed {@link MdevHost}.
     */
    public static final Errno EBADF = new Errno(9);
    /**
     * 11, Resource temporarily unavailable: an eventfd with nothing to read (the vector has not fired), or the mdev
     * core creating or removing the same instance in another thread; a remove then waits for it to go.
     */
    public static final Errno EAGAIN = new Errno(11);
    /**
     * 12, Cannot allocate memory: the kernel or driver could not allocate for an ioctl, an {@code mmap}, or the VFs of
     * a {@code sriov_numvfs} write.
     */
    public static final Errno ENOMEM = new Errno(12);
    /**
     * 13, Permission denied: a file's mode refuses the open or write (not root, a device node not granted, a
     * definition directory the user cannot write). A {@link PermissionDeniedException}.
     */
    public static final Errno EACCES = new Errno(13);
    /** 14, Bad address: the kernel could not copy an ioctl's argument or a read's buffer; from the library, a bug. */
    public static final Errno EFAULT = new Errno(14);
    /**
     * 16, Device or resource busy: a VFIO group already open, a VF that holds a vGPU, {@code sriov_numvfs} changed from
     * one non-zero count to another, a definition that names a VF another one holds. A {@link DeviceBusyException}.
     */
    public static final Errno EBUSY = new Errno(16);
    /**
     * 17, File exists: an mdev UUID already in use (on any parent), a definition already there. An
     * {@link AlreadyExistsException}.
     */
    public static final Errno EEXIST = new Errno(17);
    /**
     * 19, No such device: a parent, instance or PCI function that is not there or is going away, or a GPU with no VFs
     * enabled. A {@link NoSuchDeviceException}.
     */
    public static final Errno ENODEV = new Errno(19);
    /** 20, Not a directory: a part of a path that should be a directory is a file. */
    public static final Errno ENOTDIR = new Errno(20);
    /** 21, Is a directory: an attribute to read or write is a directory. */
    public static final Errno EISDIR = new Errno(21);
    /**
     * 22, Invalid argument: the kernel rejected an argument (a malformed UUID, a bad region offset or IRQ range, an
     * unsupported IOMMU type, a vGPU type the VF cannot take now). An {@link InvalidArgumentException}.
     */
    public static final Errno EINVAL = new Errno(22);
    /** 23, Too many open files in system: the system's file table is full, at any open. */
    public static final Errno ENFILE = new Errno(23);
    /**
     * 24, Too many open files: the process is at its open-file limit ({@code ulimit -n}), at an open of a device node,
     * an eventfd or a VFIO device fd.
     */
    public static final Errno EMFILE = new Errno(24);
    /**
     * 25, Inappropriate ioctl for device: the driver does not know the ioctl request. An
     * {@link UnsupportedOperationKernelException}.
     */
    public static final Errno ENOTTY = new Errno(25);
    /** 27, File too large: a write past the file-size limit, writing a definition. */
    public static final Errno EFBIG = new Errno(27);
    /**
     * 28, No space left on device: the vendor driver has no room for another instance of the type (an mdev create),
     * every VF of the GPU holds a vGPU, or a file system is full writing a definition. A {@link CapacityException}.
     */
    public static final Errno ENOSPC = new Errno(28);
    /** 30, Read-only file system: a definition or lock file on a read-only file system. */
    public static final Errno EROFS = new Errno(30);
    /** 34, Numerical result out of range: a {@code sriov_numvfs} above {@code sriov_totalvfs} (Linux 6.x). */
    public static final Errno ERANGE = new Errno(34);
    /** 35, Resource deadlock avoided: the kernel refused a file lock that would deadlock. */
    public static final Errno EDEADLK = new Errno(35);
    /** 37, No locks available: the kernel (or a network file system) could not record a file lock. */
    public static final Errno ENOLCK = new Errno(37);
    /**
     * 38, Function not implemented: the kernel lacks the system call or operation. An
     * {@link UnsupportedOperationKernelException}.
     */
    public static final Errno ENOSYS = new Errno(38);
    /** 40, Too many levels of symbolic links: a path whose symbolic links loop. */
    public static final Errno ELOOP = new Errno(40);
    /** 75, Value too large for defined data type: a value (a file size, an offset) too large for the call's type. */
    public static final Errno EOVERFLOW = new Errno(75);
    /**
     * 87, Too many users: the mdev core's count of a parent's instances is used up (an mdev create where
     * {@code available_instances} reads 0). A {@link CapacityException}.
     */
    public static final Errno EUSERS = new Errno(87);
    /**
     * 95, Operation not supported: a GPU without SR-IOV, or a heterogeneous vGPU mode this host cannot set. An
     * {@link UnsupportedOperationKernelException}.
     */
    public static final Errno EOPNOTSUPP = new Errno(95);
    /** 110, Connection timed out: a device or driver operation gave up waiting. */
    public static final Errno ETIMEDOUT = new Errno(110);
    /** 122, Disk quota exceeded: writing a definition or lock file beyond the user's quota. */
    public static final Errno EDQUOT = new Errno(122);

    private static final Map<Integer, String[]> TABLE = Map.ofEntries(
            e(1, "EPERM", "Operation not permitted"), e(2, "ENOENT", "No such file or directory"),
            e(3, "ESRCH", "No such process"), e(4, "EINTR", "Interrupted system call"),
            e(5, "EIO", "Input/output error"), e(6, "ENXIO", "No such device or address"),
            e(7, "E2BIG", "Argument list too long"), e(9, "EBADF", "Bad file descriptor"),
            e(11, "EAGAIN", "Resource temporarily unavailable"), e(12, "ENOMEM", "Cannot allocate memory"),
            e(13, "EACCES", "Permission denied"), e(14, "EFAULT", "Bad address"),
            e(16, "EBUSY", "Device or resource busy"), e(17, "EEXIST", "File exists"),
            e(18, "EXDEV", "Invalid cross-device link"), e(19, "ENODEV", "No such device"),
            e(20, "ENOTDIR", "Not a directory"), e(21, "EISDIR", "Is a directory"),
            e(22, "EINVAL", "Invalid argument"), e(23, "ENFILE", "Too many open files in system"),
            e(24, "EMFILE", "Too many open files"), e(25, "ENOTTY", "Inappropriate ioctl for device"),
            e(27, "EFBIG", "File too large"), e(28, "ENOSPC", "No space left on device"),
            e(29, "ESPIPE", "Illegal seek"), e(30, "EROFS", "Read-only file system"),
            e(32, "EPIPE", "Broken pipe"), e(34, "ERANGE", "Numerical result out of range"),
            e(35, "EDEADLK", "Resource deadlock avoided"), e(36, "ENAMETOOLONG", "File name too long"),
            e(37, "ENOLCK", "No locks available"), e(38, "ENOSYS", "Function not implemented"),
            e(39, "ENOTEMPTY", "Directory not empty"), e(40, "ELOOP", "Too many levels of symbolic links"),
            e(61, "ENODATA", "No data available"), e(75, "EOVERFLOW", "Value too large for defined data type"),
            e(87, "EUSERS", "Too many users"), e(95, "EOPNOTSUPP", "Operation not supported"),
            e(110, "ETIMEDOUT", "Connection timed out"), e(122, "EDQUOT", "Disk quota exceeded"),
            e(125, "ECANCELED", "Operation canceled"));

    private static Map.Entry<Integer, String[]> e(int n, String name, String text) {
        return Map.entry(n, new String[] {name, text});
    }

    /**
     * The errno of this number.
     *
     * @param number the errno's number
     * @return its errno, equal to the constant of that number where there is one
     */
    public static Errno of(int number) {
        return new Errno(number);
    }

    /** {@return the symbolic name, {@code EEXIST}; {@code errno N} for a number the table does not know} */
    public String name() {
        String[] entry = TABLE.get(number);
        return entry == null ? "errno " + number : entry[0];
    }

    /** {@return the C library's {@code strerror} text; {@code Unknown error N} for a number the table does not know} */
    public String description() {
        String[] entry = TABLE.get(number);
        return entry == null ? "Unknown error " + number : entry[1];
    }

    @Override
    public String toString() {
        return name() + " (" + description() + ")";
    }
}
