package io.mdevgpu.kernel.vfio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mdevgpu.Errno;
import io.mdevgpu.kernel.sys.Syscalls;

/**
 * A shared mapping of part of a {@link VfioRegion}: {@link #segment()} is the region's memory itself (a BAR, a
 * framebuffer; in the simulated kernel, a memfd). Owns one {@link Arena}: closing it invalidates the segment and
 * unmaps the memory ({@code munmap} is the arena's cleanup action).
 */
public final class VfioMapping implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VfioMapping.class);

    private final VfioRegion region;
    final long regionOffset;
    private final long size;
    private final long address;
    private final Arena arena;
    final MemorySegment segment;

    VfioMapping(VfioRegion region, long regionOffset, long size, long address) {
        this.region = region;
        this.regionOffset = regionOffset;
        this.size = size;
        this.address = address;
        this.arena = Arena.ofShared();
        this.segment = Syscalls.segmentOf(address, size, arena, unused -> unmap());
        LOG.debug("mapped {}", this);
    }

    private void unmap() {
        int r = region.munmap(address, size);
        if (r < 0) {
            // an arena cleanup cannot throw; nothing else to do with the address range but report it
            LOG.warn("munmap of {} failed: {}", this, Errno.of(-r));
        }
    }

    /** The mapped memory: {@link #size()} bytes from region offset {@link #regionOffset()}; dead once closed. */
    public MemorySegment segment() {
        return segment;
    }

    public VfioRegion region() {
        return region;
    }

    public long regionOffset() {
        return regionOffset;
    }

    public long size() {
        return size;
    }

    public long address() {
        return address;
    }

    public boolean isOpen() {
        return segment.scope().isAlive();
    }

    boolean covers(long offset, long length) {
        return offset >= regionOffset && offset + length <= regionOffset + size;
    }

    /** Unmaps; idempotent. */
    @Override
    public void close() {
        if (!segment.scope().isAlive()) return;
        region.unmapped(this);
        arena.close();
        LOG.debug("unmapped {}", this);
    }

    @Override
    public String toString() {
        return region.info().name() + "+0x" + Long.toHexString(regionOffset) + " 0x" + Long.toHexString(size) + " bytes at 0x"
                + Long.toHexString(address) + (isOpen() ? "" : " (closed)");
    }
}
