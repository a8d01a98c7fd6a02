package io.mdevgpu.kernel.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.function.Consumer;

import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.NativeAccessException;

/**
 * Every downcall mdevgpu makes, each linked with {@code errno} capture. This is the only class in the
 * project that calls restricted methods.
 *
 * <p>Two layers: the raw methods ({@link #ioctl(ErrnoCapture, int, long, MemorySegment)}, {@link #pread}...)
 * return what libc returns and leave {@code errno} in the caller's {@link ErrnoCapture}; they allocate nothing
 * and are what hot paths use. The {@code ...OrThrow} methods turn a failure into the typed
 * {@link KernelException} for its errno, naming the operation, the target and, for ioctls, the request in hex.
 *
 * <p>Native access is checked at the first call that needs it, never when a class loads: with
 * {@code --enable-native-access} for this module ({@link #nativeAccessFlag()}) every call works; without it the
 * JDK's {@code --illegal-native-access} policy decides, the same way whatever ran before: {@code allow} lets the
 * calls run, {@code warn} (JDK 25's default) lets them run after the JDK's one warning, and {@code deny} makes
 * every method fail with a {@link NativeAccessException} naming the exact flag (never the JDK's
 * {@link IllegalCallerException}). Sysfs discovery, which needs no downcall, works in every mode.
 */
public final class Syscalls {
    public static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0x40, O_EXCL = 0x80,
            O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;
    public static final int PROT_READ = 1, PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;
    public static final int EFD_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800;
    public static final int MFD_CLOEXEC = 1;
    public static final short POLLIN = 1;
    public static final long MAP_FAILED = -1L;

    /** {@code struct pollfd { int fd; short events; short revents; }}. */
    public static final StructLayout POLLFD = MemoryLayout.structLayout(
            JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"), JAVA_SHORT.withName("revents"));

    private static final Module MODULE = Syscalls.class.getModule();

    /** Set at the first call the JDK allows; the JDK never takes native access back, so it stays set. */
    private static boolean permitted;

    private Syscalls() {
    }

    /** The flag that enables native access for this code where it runs (module path or class path). */
    public static String nativeAccessFlag() {
        return "--enable-native-access=" + (MODULE.isNamed() ? MODULE.getName() : "ALL-UNNAMED");
    }

    /**
     * Whether the JDK counts this module as enabled for native access now: started with {@link #nativeAccessFlag()},
     * or enabled by the JDK after its warning for a first restricted call. Asks the JDK each time, and makes no
     * restricted call itself.
     */
    public static boolean nativeAccessEnabled() {
        return MODULE.isNativeAccessEnabled();
    }

    /**
     * Returns when the JDK lets this module make downcalls, else throws {@link NativeAccessException} naming the
     * flag (see the class comment for each {@code --illegal-native-access} mode). Costs one field read once allowed.
     */
    public static void requireNativeAccess(String operation) {
        if (!permitted) {
            permit(operation);
        }
    }

    private static void permit(String operation) {
        if (!MODULE.isNativeAccessEnabled()) {
            try {
                // A restricted method with no effect: the JDK applies its policy to this module here, before any link.
                MemorySegment.NULL.reinterpret(0);
            } catch (IllegalCallerException denied) {
                throw new NativeAccessException(operation, nativeAccessFlag());
            }
        }
        permitted = true;
    }

    /**
     * {@code segment} resized to {@code size} bytes, for a pointer that arrived zero-length (an RM params pointer, an
     * ioctl argument): the restricted call made here, so that callers need no native access of their own.
     */
    public static MemorySegment resize(MemorySegment segment, long size, String operation) {
        requireNativeAccess(operation);
        return segment.reinterpret(size);
    }

    /**
     * The downcall handles, each in a holder class of its own, so that each is linked at its first call: linking one
     * spins the JDK's method handles for its shape (all sixteen at once cost a cold process about 100 ms on a GPU
     * host), and a command calls three or four. Merely loading {@link Syscalls} needs no native access.
     */
    private static final class Downcalls {
        static final Linker LINKER = Linker.nativeLinker();
        static final SymbolLookup LIBC = LINKER.defaultLookup();
        static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
        static final Linker.Option VARIADIC_AFTER_2 = Linker.Option.firstVariadicArg(2);

        static final class Open { static final MethodHandle H = link("open", fd(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), VARIADIC_AFTER_2); }
        static final class Close { static final MethodHandle H = link("close", fd(JAVA_INT, JAVA_INT)); }
        static final class Read { static final MethodHandle H = link("read", fd(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG)); }
        static final class Write { static final MethodHandle H = link("write", fd(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG)); }
        static final class Pread { static final MethodHandle H = link("pread", fd(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG)); }
        static final class Pwrite { static final MethodHandle H = link("pwrite", fd(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG)); }
        static final class IoctlPtr {
            static final MethodHandle H = link("ioctl", fd(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), VARIADIC_AFTER_2);
        }
        static final class IoctlLong {
            static final MethodHandle H = link("ioctl", fd(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), VARIADIC_AFTER_2);
        }
        static final class Mmap {
            static final MethodHandle H = link("mmap", fd(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
        }
        static final class Munmap { static final MethodHandle H = link("munmap", fd(JAVA_INT, ADDRESS, JAVA_LONG)); }
        static final class Eventfd { static final MethodHandle H = link("eventfd", fd(JAVA_INT, JAVA_INT, JAVA_INT)); }
        static final class MemfdCreate { static final MethodHandle H = link("memfd_create", fd(JAVA_INT, ADDRESS, JAVA_INT)); }
        static final class Ftruncate { static final MethodHandle H = link("ftruncate", fd(JAVA_INT, JAVA_INT, JAVA_LONG)); }
        static final class Fsync { static final MethodHandle H = link("fsync", fd(JAVA_INT, JAVA_INT)); }
        static final class Poll { static final MethodHandle H = link("poll", fd(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT)); }
        static final class Pipe2 { static final MethodHandle H = link("pipe2", fd(JAVA_INT, ADDRESS, JAVA_INT)); }

        private static FunctionDescriptor fd(MemoryLayout result, MemoryLayout... arguments) {
            return FunctionDescriptor.of(result, arguments);
        }

        private static MethodHandle link(String name, FunctionDescriptor fd, Linker.Option... extra) {
            Linker.Option[] options = new Linker.Option[extra.length + 1];
            options[0] = ERRNO;
            System.arraycopy(extra, 0, options, 1, extra.length);
            MemorySegment symbol = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
            return LINKER.downcallHandle(symbol, fd, options);
        }
    }

    // ---- raw calls: return libc's result, errno in the capture; no allocation ----

    public static int open(ErrnoCapture e, MemorySegment path, int flags, int mode) {
        requireNativeAccess("open");
        try {
            return (int) Downcalls.Open.H.invokeExact(e.segment, path, flags, mode);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int close(ErrnoCapture e, int fd) {
        requireNativeAccess("close");
        try {
            return (int) Downcalls.Close.H.invokeExact(e.segment, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long read(ErrnoCapture e, int fd, MemorySegment buf, long count) {
        requireNativeAccess("read");
        try {
            return (long) Downcalls.Read.H.invokeExact(e.segment, fd, buf, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long write(ErrnoCapture e, int fd, MemorySegment buf, long count) {
        requireNativeAccess("write");
        try {
            return (long) Downcalls.Write.H.invokeExact(e.segment, fd, buf, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long pread(ErrnoCapture e, int fd, MemorySegment buf, long count, long offset) {
        requireNativeAccess("pread");
        try {
            return (long) Downcalls.Pread.H.invokeExact(e.segment, fd, buf, count, offset);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long pwrite(ErrnoCapture e, int fd, MemorySegment buf, long count, long offset) {
        requireNativeAccess("pwrite");
        try {
            return (long) Downcalls.Pwrite.H.invokeExact(e.segment, fd, buf, count, offset);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code ioctl(fd, request, arg)} with a pointer argument. */
    public static int ioctl(ErrnoCapture e, int fd, long request, MemorySegment arg) {
        requireNativeAccess("ioctl");
        try {
            return (int) Downcalls.IoctlPtr.H.invokeExact(e.segment, fd, request, arg);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code ioctl(fd, request, value)} with an integer argument (VFIO_CHECK_EXTENSION, VFIO_SET_IOMMU...). */
    public static int ioctl(ErrnoCapture e, int fd, long request, long value) {
        requireNativeAccess("ioctl");
        try {
            return (int) Downcalls.IoctlLong.H.invokeExact(e.segment, fd, request, value);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Returns the mapping's address, or {@link #MAP_FAILED}. */
    public static long mmap(ErrnoCapture e, long length, int prot, int flags, int fd, long offset) {
        requireNativeAccess("mmap");
        try {
            MemorySegment p = (MemorySegment) Downcalls.Mmap.H.invokeExact(e.segment, MemorySegment.NULL, length, prot,
                    flags, fd, offset);
            return p.address();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int munmap(ErrnoCapture e, long address, long length) {
        requireNativeAccess("munmap");
        try {
            return (int) Downcalls.Munmap.H.invokeExact(e.segment, MemorySegment.ofAddress(address), length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * The {@code size} bytes at {@code address} (an {@link #mmap} result) as a segment of {@code arena}; closing
     * the arena invalidates the segment, then runs {@code cleanup} (the {@code munmap}). The one place that gives
     * raw memory a size and a lifetime.
     */
    public static MemorySegment segmentOf(long address, long size, Arena arena, Consumer<MemorySegment> cleanup) {
        requireNativeAccess("map");
        return MemorySegment.ofAddress(address).reinterpret(size, arena, cleanup);
    }

    public static int eventfd(ErrnoCapture e, int initval, int flags) {
        requireNativeAccess("eventfd");
        try {
            return (int) Downcalls.Eventfd.H.invokeExact(e.segment, initval, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int memfdCreate(ErrnoCapture e, MemorySegment name, int flags) {
        requireNativeAccess("memfd_create");
        try {
            return (int) Downcalls.MemfdCreate.H.invokeExact(e.segment, name, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int ftruncate(ErrnoCapture e, int fd, long length) {
        requireNativeAccess("ftruncate");
        try {
            return (int) Downcalls.Ftruncate.H.invokeExact(e.segment, fd, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int fsync(ErrnoCapture e, int fd) {
        requireNativeAccess("fsync");
        try {
            return (int) Downcalls.Fsync.H.invokeExact(e.segment, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int poll(ErrnoCapture e, MemorySegment fds, long nfds, int timeoutMillis) {
        requireNativeAccess("poll");
        try {
            return (int) Downcalls.Poll.H.invokeExact(e.segment, fds, nfds, timeoutMillis);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int pipe2(ErrnoCapture e, MemorySegment fds, int flags) {
        requireNativeAccess("pipe2");
        try {
            return (int) Downcalls.Pipe2.H.invokeExact(e.segment, fds, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- checked calls: failures become typed exceptions ----

    /** Opens {@code path}; the fd is returned close-on-exec. */
    public static int openOrThrow(String path, int flags) {
        requireNativeAccess("open " + path);
        try (Arena arena = Arena.ofConfined()) {
            ErrnoCapture e = new ErrnoCapture(arena);
            int fd = open(e, arena.allocateFrom(path), flags | O_CLOEXEC, 0);
            if (fd < 0) {
                throw failure("open", path, e.toErrno());
            }
            return fd;
        }
    }

    /** Closes {@code fd}; EINTR is not retried (Linux has released the fd already). */
    public static void closeOrThrow(int fd, String target) {
        try (Arena arena = Arena.ofConfined()) {
            ErrnoCapture e = new ErrnoCapture(arena);
            if (close(e, fd) < 0 && e.errno() != Errno.EINTR.number()) {
                throw failure("close", target, e.toErrno());
            }
        }
    }

    /** Closes {@code fd}, for cleanup paths that must not throw; returns the errno or 0. */
    public static int closeQuietly(int fd) {
        if (fd < 0 || !permitted) return 0; // an fd exists only after a permitted open
        try (Arena arena = Arena.ofConfined()) {
            ErrnoCapture e = new ErrnoCapture(arena);
            return close(e, fd) < 0 ? e.errno() : 0;
        }
    }

    /** An ioctl that must succeed; returns its non-negative result. */
    public static int ioctlOrThrow(ErrnoCapture e, int fd, long request, MemorySegment arg, String operation, String target) {
        int r = ioctl(e, fd, request, arg);
        if (r < 0) {
            throw ioctlFailure(operation, target, request, e.toErrno());
        }
        return r;
    }

    public static int ioctlOrThrow(ErrnoCapture e, int fd, long request, long value, String operation, String target) {
        int r = ioctl(e, fd, request, value);
        if (r < 0) {
            throw ioctlFailure(operation, target, request, e.toErrno());
        }
        return r;
    }

    /**
     * Writes all of {@code text} to the file at {@code path} with one {@code write(2)}, the way sysfs attributes
     * want it (a sysfs store sees exactly one buffer).
     */
    public static void writeAttribute(String path, String text, String operation) {
        requireNativeAccess(operation + " " + path);
        try (Arena arena = Arena.ofConfined()) {
            ErrnoCapture e = new ErrnoCapture(arena);
            int fd = open(e, arena.allocateFrom(path), O_WRONLY | O_CLOEXEC, 0);
            if (fd < 0) {
                throw failure(operation, path, e.toErrno());
            }
            try {
                MemorySegment buf = arena.allocateFrom(text);
                long length = buf.byteSize() - 1;
                long n = write(e, fd, buf, length);
                if (n < 0) {
                    throw failure(operation, path, e.toErrno());
                }
                if (n != length) {
                    throw KernelException.of(operation, path, Errno.EIO, "short write: " + n + " of " + length + " bytes");
                }
            } finally {
                close(e, fd);
            }
        }
    }

    /** A typed exception for a failed call on {@code target}. */
    public static KernelException failure(String operation, String target, Errno errno) {
        return KernelException.of(operation, target, errno, null);
    }

    /** A typed exception for a failed ioctl, naming the request in hex. */
    public static KernelException ioctlFailure(String operation, String target, long request, Errno errno) {
        return KernelException.of(operation, target + " (ioctl 0x" + Long.toHexString(request & 0xFFFF_FFFFL) + ")",
                errno, null);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error err) throw err;
        return new IllegalStateException("downcall failed", t);
    }
}
