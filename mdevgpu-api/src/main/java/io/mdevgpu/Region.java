package io.mdevgpu;

import java.lang.foreign.MemorySegment;

/**
 * A VFIO device region (a BAR, the config space, ROM...). Reads and writes go through {@code pread}/
 * {@code pwrite} at the region's offset; {@link #map()} gives direct access where the region allows mmap.
 * An access outside the region throws {@link ValidationException} naming the region, offset, length and the
 * region's size; nothing reaches the kernel.
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

    /** Maps the region (whole size) shared; the mapping is AutoCloseable and unmapped on close. */
    MappedRegion map();
}
