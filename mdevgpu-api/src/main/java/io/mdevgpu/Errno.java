package io.mdevgpu;

import java.util.Map;

/**
 * A Linux errno (x86-64 and arm64 numbering) with its symbolic name and {@code strerror} text, so that
 * errors print {@code EEXIST (File exists)} without a native call. Unknown numbers print as {@code errno 1234}.
 */
public record Errno(int number) {
    public static final Errno EPERM = new Errno(1), ENOENT = new Errno(2), EINTR = new Errno(4), EIO = new Errno(5),
            ENXIO = new Errno(6), EBADF = new Errno(9), EAGAIN = new Errno(11), ENOMEM = new Errno(12),
            EACCES = new Errno(13), EFAULT = new Errno(14), EBUSY = new Errno(16), EEXIST = new Errno(17),
            ENODEV = new Errno(19), ENOTDIR = new Errno(20), EISDIR = new Errno(21), EINVAL = new Errno(22),
            ENFILE = new Errno(23), EMFILE = new Errno(24), ENOTTY = new Errno(25), EFBIG = new Errno(27),
            ENOSPC = new Errno(28), EROFS = new Errno(30), ERANGE = new Errno(34), EDEADLK = new Errno(35),
            ENOLCK = new Errno(37), ENOSYS = new Errno(38), ELOOP = new Errno(40), EOVERFLOW = new Errno(75),
            EUSERS = new Errno(87), EOPNOTSUPP = new Errno(95), ETIMEDOUT = new Errno(110), EDQUOT = new Errno(122);

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

    public static Errno of(int number) {
        return new Errno(number);
    }

    /** The symbolic name, {@code EEXIST}; {@code errno N} when unknown. */
    public String name() {
        String[] entry = TABLE.get(number);
        return entry == null ? "errno " + number : entry[0];
    }

    /** The C library's {@code strerror} text. */
    public String description() {
        String[] entry = TABLE.get(number);
        return entry == null ? "Unknown error " + number : entry[1];
    }

    @Override
    public String toString() {
        return name() + " (" + description() + ")";
    }
}
