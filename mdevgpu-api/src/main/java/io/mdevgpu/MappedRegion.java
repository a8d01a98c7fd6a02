package io.mdevgpu;

import java.lang.foreign.MemorySegment;

/**
 * An mmap of a region; {@link #segment()} is valid until {@link #close()}, which unmaps it (as does the device's
 * close). While it lives, the region's own reads and writes go to the mapping too.
 *
 * <p>Confined like its {@link VfioDevice}: one thread at a time, except that the memory of {@link #segment()} may
 * be read and written from any thread (it is a shared mapping), and a close from another thread is safe (see
 * {@link #segment()} for what an access racing it sees).
 */
public interface MappedRegion extends AutoCloseable {
    /**
     * {@return the mapped memory, zero-copy, the region's size long} An access through it after (or racing) the
     * close of this mapping or of its device throws the JDK's {@code IllegalStateException} ("Already closed"): the
     * shared arena guarantees that no access reaches unmapped memory (no crash), but it is not a library exception.
     * Where a close may come from another thread and the typed {@link KernelException} ({@link Errno#EBADF}) is
     * wanted, access through {@link Region#read}/{@link Region#write}, which go to this mapping as fast.
     */
    MemorySegment segment();

    /** {@return the region this maps, whole} */
    Region region();

    @Override
    void close();
}
