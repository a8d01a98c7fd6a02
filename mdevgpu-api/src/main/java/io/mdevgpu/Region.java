package io.mdevgpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A VFIO device region (a BAR, the config space, ROM...). Reads and writes go through {@code pread}/
 * {@code pwrite} at the region's offset; {@link #map()} gives direct access where the region allows mmap.
 * An access outside the region throws {@link ValidationException} naming the region, offset, length and the
 * region's size; nothing reaches the kernel.
 *
 * <p>Confined like its {@link VfioDevice}: one thread at a time; after a close of the device (from any thread)
 * every call throws {@link KernelException} with {@link Errno#EBADF}.
 */
public interface Region {
    int index();

    /** Size in bytes as the kernel reports it (the config region reports 0xff on the sample drivers). */
    long size();

    /** {@code VFIO_REGION_INFO_FLAG_*}. */
    int flags();

    /** The region's offset in the device fd. */
    long offset();

    boolean readable();

    boolean writable();

    boolean mappable();

    /** Reads {@code width} (1, 2, 4, 8) bytes at {@code offset}, little-endian; allocates nothing. */
    long read(long offset, int width);

    /** Writes {@code width} bytes at {@code offset}. */
    void write(long offset, int width, long value);

    /**
     * Copies region bytes into {@code dst} (pread, or from the mapping while one is live). {@code dst} may be a
     * native or a heap segment ({@code MemorySegment.ofArray}); a heap one is filled through the device's
     * preallocated bounce buffer, a page at a time, where the region is not mapped.
     */
    void read(long offset, MemorySegment dst);

    /**
     * Reads {@code length} bytes at {@code offset}, one byte at a time (any region allows that width), as a value
     * that prints in hex like {@code lspci -x}: {@code dev.config().bytes(0, 64)} in JShell shows the guest's
     * config header.
     *
     * @param offset where in the region to start
     * @param length how many bytes, 0 to 4096
     * @return the bytes read
     */
    default RegionBytes bytes(long offset, int length) {
        if (length < 0 || length > 4096) {
            throw new ValidationException("region read length", Integer.toString(length), "0 to 4096 bytes");
        }
        byte[] read = new byte[length];
        for (int i = 0; i < length; i++) read[i] = (byte) read(offset + i, 1);
        return new RegionBytes(offset, read);
    }

    /**
     * Maps the region (whole size) for use from any thread; the mapping is AutoCloseable, unmapped on its close or
     * the device's, and while it lives this region's own reads and writes go to it. Its close is a handshake with
     * every thread of the JVM (a shared arena's), so it suits mappings that live long; for many short ones, see
     * {@link #map(Arena)}.
     */
    MappedRegion map();

    /**
     * Maps the region (whole size) for as long as {@code arena} lives: closing the arena unmaps it. The caller
     * chooses the arena's kind: {@link Arena#ofConfined()} for one thread, whose close costs little more than the
     * {@code munmap} (the choice for mappings made and dropped often), {@link Arena#ofShared()} to hand the segment
     * to other threads. The mapping is the caller's alone: this region's reads and writes do not go to it, and the
     * device's close leaves it valid (the kernel keeps the device's file while a mapping of it lives) until the arena
     * closes.
     *
     * @throws ValidationException when the region cannot be mapped whole (no mmap support, or sparse areas)
     * @throws KernelException     of the kernel's errno when {@code mmap} fails
     */
    MemorySegment map(Arena arena);
}
