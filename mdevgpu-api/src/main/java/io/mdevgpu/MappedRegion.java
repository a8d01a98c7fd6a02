package io.mdevgpu;

import java.lang.foreign.MemorySegment;

/** An mmap of a region; {@link #segment()} is valid until {@link #close()}, which unmaps it. */
public interface MappedRegion extends AutoCloseable {
    MemorySegment segment();

    Region region();

    @Override
    void close();
}
