package io.mdevgpu.kernel.vfio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mdevgpu.Errno;
import io.mdevgpu.kernel.sys.Syscalls;

/**
 * A shared mapping of part of a {@link VfioRegion}: {@link #segment()} is the region's memory itself (a BAR, a
 * framebuffer; in the simulated kernel, a memfd). Owns one {@link Arena}: closing it invalidates the segment and
 * unmaps the memory ({@code munmap} is the arena's cleanup action).
 *
 * <p>A close racing an access is safe: the JDK's shared-arena close waits out, or fails, every access of the
 * segment in flight before the cleanup unmaps the memory. {@link VfioRegion}'s reads and writes turn such a
 * failure into the library's typed error; a caller who holds {@link #segment()} gets the JDK's own
 * {@code IllegalStateException} instead (see there).
 */
public final class VfioMapping implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VfioMapping.class);
    private static final VarHandle CLOSED;

    static {
        try {
            CLOSED = MethodHandles.lookup().findVarHandle(VfioMapping.class, "closed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final VfioRegion region;
    final long regionOffset;
    private final long size;
    private final long address;
    private final Arena arena;
    final MemorySegment segment;
    /** {@link #closeWithDevice()} as the device's gate runs it, made once: closing allocates no lambda. */
    private final Runnable closeWithDevice = this::closeWithDevice;
    /** Set by the one close that unmaps (the user's, or the device's when it closes). */
    private volatile boolean closed;

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

    /**
     * The mapped memory: {@link #size()} bytes from region offset {@link #regionOffset()}, zero-copy; dead once this
     * mapping or its device is closed. An access through it after (or racing) that close throws the JDK's
     * {@code IllegalStateException} ("Already closed"): the shared arena's guarantee that no access reaches
     * unmapped memory, so no crash, but not a library exception. Callers who close from another thread and want
     * the typed {@code KernelException} ({@code EBADF}) access through {@link VfioRegion}'s reads and writes, which
     * go to this same mapping.
     */
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
        return !closed;
    }

    boolean covers(long offset, long length) {
        return offset >= regionOffset && offset + length <= regionOffset + size;
    }

    /**
     * Unmaps; idempotent. While its device is closing, the device's close unmaps it instead (this returns at once):
     * the unmap uses the device's fd and errno capture.
     */
    @Override
    public void close() {
        region.device().closeOwned(closeWithDevice);
    }

    /** The unmap itself: inside the device's gate, or in the device's own close. */
    void closeWithDevice() {
        if (!CLOSED.compareAndSet(this, false, true)) return;
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
