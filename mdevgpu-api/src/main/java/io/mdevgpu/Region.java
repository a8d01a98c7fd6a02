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
    /**
     * {@return the region's index, as {@code VFIO_DEVICE_GET_REGION_INFO} takes it} On a vfio-pci device BAR0-5 are
     * 0-5, ROM 6, CONFIG 7, VGA 8; device-specific regions may follow.
     */
    int index();

    /** {@return the size in bytes as the kernel reports it (the config region reports 0xff on the sample drivers)} */
    long size();

    /** {@return the region's {@code VFIO_REGION_INFO_FLAG_*} bits: READ 1, WRITE 2, MMAP 4, CAPS 8} */
    int flags();

    /**
     * {@return where the region starts in the device fd} Drivers place regions differently: the library adds it to
     * every access, so offsets given to this interface are the region's own, from 0.
     */
    long offset();

    /** {@return whether the region may be read (the READ flag)} */
    boolean readable();

    /** {@return whether the region may be written (the WRITE flag)} */
    boolean writable();

    /**
     * {@return whether some of the region may be mapped: the MMAP flag with at least one area} A region whose
     * sparse-mmap capability names only parts of it is mappable, yet {@link #map()} refuses it.
     */
    boolean mappable();

    /**
     * Reads {@code width} (1, 2, 4, 8) bytes at {@code offset}, little-endian; allocates nothing.
     *
     * @param offset where in the region, from 0
     * @param width  how many bytes: 1, 2, 4 or 8
     * @return the value, zero-extended to a long (an 8-byte value fills it)
     * @throws ValidationException for another width, or a range not within the region
     * @throws KernelException     of the kernel's errno when {@code pread} fails, {@link Errno#EBADF} after the
     *                             device's close
     */
    long read(long offset, int width);

    /**
     * Writes {@code width} bytes at {@code offset}, little-endian.
     *
     * @param offset where in the region, from 0
     * @param width  how many bytes: 1, 2, 4 or 8
     * @param value  the value; only its low {@code width} bytes are written
     * @throws ValidationException for another width, or a range not within the region
     * @throws KernelException     of the kernel's errno when {@code pwrite} fails, {@link Errno#EBADF} after the
     *                             device's close
     */
    void write(long offset, int width, long value);

    /**
     * Copies region bytes into {@code dst} (pread, or from the mapping while one is live). {@code dst} may be a
     * native or a heap segment ({@code MemorySegment.ofArray}); a heap one is filled through the device's
     * preallocated bounce buffer, a page at a time, where the region is not mapped.
     *
     * @param offset where in the region to start, from 0
     * @param dst    the segment to fill, whole: its size is how many bytes are read
     * @throws ValidationException when the range is not within the region
     * @throws KernelException     of the kernel's errno when {@code pread} fails, {@link Errno#EBADF} after the
     *                             device's close
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
     *
     * @return the live mapping; close it when done
     * @throws ValidationException when the region cannot be mapped whole (no mmap support, or sparse areas)
     * @throws KernelException     of the kernel's errno when {@code mmap} fails
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
     * @param arena the arena the mapping lives as long as
     * @return the mapped segment, the region's size long
     * @throws ValidationException when the region cannot be mapped whole (no mmap support, or sparse areas)
     * @throws KernelException     of the kernel's errno when {@code mmap} fails
     */
    MemorySegment map(Arena arena);
}
