package io.mdevgpu.bench.region;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.sys.ErrnoCapture;
import io.mdevgpu.kernel.sys.Syscalls;

/**
 * A memfd-backed region mapped through the library's syscall layer, the way a (simulated) VFIO region is
 * mapped: {@code mmap} shared read-write, seen as one {@link MemorySegment} bound to this handle's arena.
 *
 * <p>Stand-in until the VFIO region API ({@code io.mdevgpu.kernel.vfio}, {@code Region.map()} returning a
 * {@code MappedRegion}) lands: then {@link #segment()} becomes {@code mappedRegion.segment()} and
 * {@link #map()}/{@link #unmap} become {@code region.map()}/{@code MappedRegion.close()}; the benchmarks call
 * nothing else. Turning an address into a segment ({@code reinterpret}) is restricted: a benchmark-only
 * exception to DESIGN until that API does it inside the kernel module.
 */
@SuppressWarnings("restricted") // reinterpret: the benchmark-only exception described above
public final class LibraryRegion implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final ErrnoCapture errno = new ErrnoCapture(arena);
    private final String name;
    private final long bytes;
    private final int fd;
    private final MemorySegment segment;

    private LibraryRegion(String name, long bytes) {
        this.name = name;
        this.bytes = bytes;
        int created = Syscalls.memfdCreate(errno, arena.allocateFrom(name), Syscalls.MFD_CLOEXEC);
        if (created < 0) {
            arena.close();
            throw Syscalls.failure("memfd_create", name, errno.toErrno());
        }
        this.fd = created;
        try {
            if (Syscalls.ftruncate(errno, fd, bytes) < 0) {
                throw Syscalls.failure("ftruncate to " + bytes + " bytes", name, errno.toErrno());
            }
            this.segment = map().reinterpret(arena, null);
        } catch (RuntimeException e) {
            Syscalls.closeQuietly(fd);
            arena.close();
            throw e;
        }
    }

    /** A new memfd of {@code bytes} bytes (a positive multiple of 8), mapped once for {@link #segment()}. */
    public static LibraryRegion memfd(String name, long bytes) {
        if (bytes <= 0 || bytes % 8 != 0) {
            throw new ValidationException("region size", Long.toString(bytes), "a positive multiple of 8 bytes");
        }
        return new LibraryRegion(name, bytes);
    }

    /** The region's long-lived mapping; valid until {@link #close()}. */
    public MemorySegment segment() {
        return segment;
    }

    public long byteSize() {
        return bytes;
    }

    /** The memfd, for the C baseline that maps the same file. */
    public int fd() {
        return fd;
    }

    /** Maps the whole region once more (shared, read-write); give it back with {@link #unmap}. */
    public MemorySegment map() {
        long address = Syscalls.mmap(errno, bytes, Syscalls.PROT_READ | Syscalls.PROT_WRITE, Syscalls.MAP_SHARED, fd, 0);
        if (address == Syscalls.MAP_FAILED) {
            throw Syscalls.failure("mmap " + bytes + " bytes", name, errno.toErrno());
        }
        return MemorySegment.ofAddress(address).reinterpret(bytes);
    }

    /** Unmaps a segment that {@link #map()} returned. */
    public void unmap(MemorySegment mapping) {
        if (mapping.byteSize() != bytes) {
            throw new ValidationException("mapping size", Long.toString(mapping.byteSize()),
                    "a mapping of this region (" + bytes + " bytes) from map()");
        }
        if (Syscalls.munmap(errno, mapping.address(), bytes) < 0) {
            throw Syscalls.failure("munmap " + bytes + " bytes", name, errno.toErrno());
        }
    }

    /** Unmaps, closes the memfd and frees the arena; single-threaded use (the benchmarks' teardown). */
    @Override
    public void close() {
        try {
            if (Syscalls.munmap(errno, segment.address(), bytes) < 0) {
                throw Syscalls.failure("munmap " + bytes + " bytes", name, errno.toErrno());
            }
        } finally {
            try {
                Syscalls.closeOrThrow(fd, name);
            } finally {
                arena.close();
            }
        }
    }

    @Override
    public String toString() {
        return "LibraryRegion[" + name + ", " + bytes + " bytes, fd " + fd + "]";
    }
}
