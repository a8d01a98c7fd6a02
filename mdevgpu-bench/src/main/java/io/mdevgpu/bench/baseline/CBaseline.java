package io.mdevgpu.bench.baseline;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The C baselines ({@code src/main/c/baseline.c}, built by gcc into the jar's {@code native/} folder), called
 * through FFM in the benchmark's own JVM.
 *
 * <p>A benchmark-only exception to DESIGN's "only {@code io.mdevgpu.kernel} calls restricted methods": the
 * yardstick itself must be a downcall, and it is never part of the library.
 *
 * <p>The downcalls are plain (no errno capture, not critical): the C functions return {@code -errno} on failure
 * and the transition is the same one the library's own downcalls pay.
 */
@SuppressWarnings("restricted") // the benchmark-only exception described above
public final class CBaseline {
    /** The system property that points at an already built baseline library, instead of the jar's copy. */
    public static final String LIBRARY_PROPERTY = "mdevgpu.bench.baseline";
    static final String RESOURCE = "native/libmdevgpu-bench-baseline.so";

    private static final MethodHandle IOCTL_ONCE, IOCTL_LOOP, MEMCPY, READ_LOOP, PREAD_ONCE, MAP_UNMAP;

    static {
        Linker linker = Linker.nativeLinker();
        SymbolLookup lib = SymbolLookup.libraryLookup(libraryPath(), Arena.global());
        IOCTL_ONCE = linker.downcallHandle(lib.findOrThrow("bench_ioctl_once"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
        IOCTL_LOOP = linker.downcallHandle(lib.findOrThrow("bench_ioctl_loop"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG));
        MEMCPY = linker.downcallHandle(lib.findOrThrow("bench_memcpy"),
                FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG));
        READ_LOOP = linker.downcallHandle(lib.findOrThrow("bench_read_loop"),
                FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_LONG));
        PREAD_ONCE = linker.downcallHandle(lib.findOrThrow("bench_pread_once"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
        MAP_UNMAP = linker.downcallHandle(lib.findOrThrow("bench_map_unmap"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    }

    private CBaseline() {
    }

    /** One {@code ioctl(fd, request, arg)} in C: its result, or {@code -errno}. */
    public static int ioctlOnce(int fd, long request, MemorySegment arg) {
        try {
            return (int) IOCTL_ONCE.invokeExact(fd, request, arg);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code n} ioctls in a C loop: the sum of their results, each failure counted as {@code -errno}. */
    public static long ioctlLoop(int fd, long request, MemorySegment arg, long n) {
        try {
            return (long) IOCTL_LOOP.invokeExact(fd, request, arg, n);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** glibc {@code memcpy(dst, src, bytes)}. */
    public static void memcpy(MemorySegment dst, MemorySegment src, long bytes) {
        if (bytes > dst.byteSize() || bytes > src.byteSize()) {
            throw new IndexOutOfBoundsException("memcpy of " + bytes + " bytes: dst has " + dst.byteSize()
                    + ", src has " + src.byteSize());
        }
        try {
            MEMCPY.invokeExact(dst, src, bytes);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** The sum of the first {@code bytes / 8} 8-byte words of {@code words}, read by a C loop. */
    public static long readLoop(MemorySegment words, long bytes) {
        if (bytes > words.byteSize()) {
            throw new IndexOutOfBoundsException("read loop of " + bytes + " bytes over " + words.byteSize());
        }
        try {
            return (long) READ_LOOP.invokeExact(words, bytes / 8);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** One {@code pread(fd, buf, count, offset)} in C: the bytes read, or {@code -errno}. */
    public static long preadOnce(int fd, MemorySegment buf, long count, long offset) {
        if (count > buf.byteSize()) {
            throw new IndexOutOfBoundsException("pread of " + count + " bytes into " + buf.byteSize());
        }
        try {
            return (long) PREAD_ONCE.invokeExact(fd, buf, count, offset);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code mmap} of {@code length} bytes of {@code fd}, shared read-write, then {@code munmap}: 0 or -errno. */
    public static int mapUnmap(int fd, long length) {
        try {
            return (int) MAP_UNMAP.invokeExact(fd, length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static Path libraryPath() {
        String configured = System.getProperty(LIBRARY_PROPERTY);
        if (configured != null) {
            return Path.of(configured);
        }
        // dlopen needs a file: copy the jar's (or target/classes') library out once per JVM
        try (InputStream in = CBaseline.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("C baseline " + RESOURCE + " is not on the class path: build it with "
                        + "./mvnw -pl mdevgpu-bench -am package (needs gcc), or set -D" + LIBRARY_PROPERTY + "=FILE");
            }
            Path file = Files.createTempFile("mdevgpu-bench-baseline", ".so");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("copying the C baseline " + RESOURCE + " to a temporary file", e);
        }
    }

    private static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException("C baseline downcall failed", t);
    }
}
