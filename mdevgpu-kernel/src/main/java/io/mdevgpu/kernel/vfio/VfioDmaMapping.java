package io.mdevgpu.kernel.vfio;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One {@code VFIO_IOMMU_MAP_DMA} mapping of a {@link VfioContainer}: the devices of its groups read and write
 * {@link #memory()} at IO virtual address {@link #iova()}. Closing it unmaps it ({@code VFIO_IOMMU_UNMAP_DMA});
 * closing the container unmaps every mapping still open, before its groups leave, so none outlives it. The memory
 * is the caller's: it must stay allocated until this mapping is closed.
 */
public final class VfioDmaMapping implements AutoCloseable {
    private final VfioContainer container;
    private final MemorySegment memory;
    private final long iova;
    private final boolean writable;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The unmap as the container's gate runs it, made once. */
    private final Runnable unmap = this::closeWithContainer;

    VfioDmaMapping(VfioContainer container, MemorySegment memory, long iova, boolean writable) {
        this.container = container;
        this.memory = memory;
        this.iova = iova;
        this.writable = writable;
    }

    public VfioContainer container() {
        return container;
    }

    /** The mapped memory, as given to {@link VfioContainer#mapDma}. */
    public MemorySegment memory() {
        return memory;
    }

    public long iova() {
        return iova;
    }

    public long size() {
        return memory.byteSize();
    }

    /** Whether devices may write the memory (they may always read it). */
    public boolean writable() {
        return writable;
    }

    public boolean isOpen() {
        return !closed.get();
    }

    boolean overlaps(long otherIova, long otherSize) {
        return otherIova < iova + size() && iova < otherIova + otherSize;
    }

    /** Marks it unmapped without asking the kernel (an {@link VfioContainer#unmapDma} of its range did). */
    boolean forget() {
        return closed.compareAndSet(false, true);
    }

    /** Unmaps it; idempotent. While its container is closing, the container's close unmaps it instead. */
    @Override
    public void close() {
        container.closeOwned(unmap);
    }

    /** Inside the container's gate, or in its close. */
    void closeWithContainer() {
        if (closed.get()) return;
        container.unmap(this);
    }

    @Override
    public String toString() {
        return "DMA 0x" + Long.toHexString(size()) + " bytes at IOVA 0x" + Long.toHexString(iova) + " <- 0x"
                + Long.toHexString(memory.address()) + (writable ? " rw" : " ro") + (isOpen() ? "" : " (unmapped)");
    }
}
