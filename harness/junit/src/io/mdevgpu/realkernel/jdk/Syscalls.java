package io.mdevgpu.realkernel.jdk;

import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few libc calls the guest suite needs, with errno captured and turned into the api's typed
 * {@link KernelException}s. A JDK-only stand-in for the library's {@code io.mdevgpu.kernel.sys}; the
 * scenarios switch to the library when its kernel ports land, and this package goes away.
 */
public final class Syscalls {
    public static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CLOEXEC = 0x80000;
    public static final int PROT_READ = 1, PROT_WRITE = 2, MAP_SHARED = 1;
    public static final int EFD_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle OPEN = fn("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), -1);
    private static final MethodHandle CLOSE = fn("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), -1);
    private static final MethodHandle READ = fn("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), -1);
    private static final MethodHandle WRITE = fn("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), -1);
    private static final MethodHandle PREAD =
            fn("pread", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG), -1);
    private static final MethodHandle PWRITE =
            fn("pwrite", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG), -1);
    // int ioctl(int fd, unsigned long request, ...): the third argument is variadic
    private static final MethodHandle IOCTL_PTR =
            fn("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), 2);
    private static final MethodHandle IOCTL_LONG =
            fn("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), 2);
    private static final MethodHandle MMAP = fn("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), -1);
    private static final MethodHandle MUNMAP = fn("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), -1);
    private static final MethodHandle EVENTFD = fn("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), -1);

    private Syscalls() {}

    /** {@code firstVariadic} >= 0: the index of the first variadic argument (ioctl's third) for the linker. */
    private static MethodHandle fn(String name, FunctionDescriptor descriptor, int firstVariadic) {
        MemorySegment symbol = LINKER.defaultLookup().find(name).orElseThrow();
        Linker.Option capture = Linker.Option.captureCallState("errno");
        return firstVariadic < 0
                ? LINKER.downcallHandle(symbol, descriptor, capture)
                : LINKER.downcallHandle(symbol, descriptor, capture, Linker.Option.firstVariadicArg(firstVariadic));
    }

    public static int open(String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(CAPTURE);
            int fd = (int) OPEN.invokeExact(errno, arena.allocateFrom(path), flags | O_CLOEXEC);
            return (int) check(fd, errno, "open", path);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(CAPTURE);
            check((int) CLOSE.invokeExact(errno, fd), errno, "close", "fd " + fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** One write(2) of {@code text} to a sysfs attribute, which the kernel handles as one store call. */
    public static void writeAttribute(String path, String text) {
        int fd = open(path, O_WRONLY);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(CAPTURE);
            MemorySegment bytes = arena.allocateFrom(text);
            check((long) WRITE.invokeExact(errno, fd, bytes, bytes.byteSize() - 1), errno, "write " + text.strip() + " to", path);
        } catch (Throwable t) {
            throw rethrow(t);
        } finally {
            close(fd);
        }
    }

    public static long read(int fd, MemorySegment buffer, String target) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(CAPTURE);
            return check((long) READ.invokeExact(errno, fd, buffer, buffer.byteSize()), errno, "read", target);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long pread(int fd, MemorySegment buffer, long offset, String target) {
        return positional(PREAD, "pread", fd, buffer, offset, target);
    }

    public static long pwrite(int fd, MemorySegment buffer, long offset, String target) {
        return positional(PWRITE, "pwrite", fd, buffer, offset, target);
    }

    /** pread(2) or pwrite(2) of the whole buffer at {@code offset}. */
    private static long positional(MethodHandle call, String name, int fd, MemorySegment buffer, long offset, String target) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(CAPTURE);
            return check((long) call.invokeExact(errno, fd, buffer, buffer.byteSize(), offset), errno, name, target);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int ioctl(int fd, long request, MemorySegment argument, String name, String target) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(CAPTURE);
            return (int) check((int) IOCTL_PTR.invokeExact(errno, fd, request, argument), errno, name, target);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int ioctl(int fd, long request, long argument, String name, String target) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(CAPTURE);
            return (int) check((int) IOCTL_LONG.invokeExact(errno, fd, request, argument), errno, name, target);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A shared read-write mapping of {@code length} bytes of {@code fd} at {@code offset}. */
    public static MemorySegment mmap(int fd, long length, long offset, String target) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(CAPTURE);
            MemorySegment address = (MemorySegment) MMAP.invokeExact(errno, MemorySegment.NULL, length,
                    PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset);
            check(address.address() == -1L ? -1 : 0, errno, "mmap", target);
            return address.reinterpret(length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void munmap(MemorySegment mapping) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(CAPTURE);
            check((int) MUNMAP.invokeExact(errno, mapping, mapping.byteSize()), errno, "munmap", mapping.toString());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int eventfd() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(CAPTURE);
            return (int) check((int) EVENTFD.invokeExact(errno, 0, EFD_CLOEXEC | EFD_NONBLOCK), errno, "eventfd", "");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Exercises every downcall on harmless targets (the host's AOT training run). */
    public static void train() {
        int zero = open("/dev/zero", O_RDWR);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(8);
            pread(zero, buffer, 0, "/dev/zero");
            pwrite(zero, buffer, 0, "/dev/zero");
            munmap(mmap(zero, 4096, 0, "/dev/zero"));
            try {
                ioctl(zero, 0, buffer, "ioctl", "/dev/zero");
            } catch (KernelException expected) {
                // ENOTTY: trains the error path too
            }
            try {
                ioctl(zero, 0, 0L, "ioctl", "/dev/zero");
            } catch (KernelException expected) {
                // ENOTTY
            }
            int event = eventfd();
            try {
                read(event, buffer, "eventfd");
            } catch (KernelException expected) {
                // EAGAIN: nothing signalled
            } finally {
                close(event);
            }
        } finally {
            close(zero);
        }
    }

    private static long check(long result, MemorySegment errno, String operation, String target) {
        if (result < 0) {
            throw KernelException.of(operation, target, Errno.of((int) ERRNO.get(errno, 0L)), null);
        }
        return result;
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException e) return e;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
