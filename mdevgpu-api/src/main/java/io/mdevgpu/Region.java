package io.mdevgpu;

import java.lang.foreign.MemorySegment;

/**
 * A VFIO device region (a BAR, the config space, ROM...). Reads and writes go through {@code pread}/
 * {@code pwrite} at the region's offset; {@link #map()} gives direct access where the region allows mmap.
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

    /** Copies region bytes into {@code dst} (pread). */
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

    /** Maps the region (whole size) shared; the mapping is AutoCloseable and unmapped on close. */
    MappedRegion map();
}
