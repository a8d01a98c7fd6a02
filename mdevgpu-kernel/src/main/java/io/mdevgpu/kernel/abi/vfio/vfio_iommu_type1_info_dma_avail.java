package io.mdevgpu.kernel.abi.vfio;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * {@code struct vfio_iommu_type1_info_dma_avail} (capability id
 * {@code VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL}): how many more DMA mappings the container allows.
 */
public final class vfio_iommu_type1_info_dma_avail {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            vfio_info_cap_header.LAYOUT.withName("header"),
            JAVA_INT.withName("avail")).withName("vfio_iommu_type1_info_dma_avail");

    private static final long HEADER_OFFSET = LAYOUT.byteOffset(groupElement("header"));
    private static final VarHandle AVAIL = LAYOUT.varHandle(groupElement("avail"));

    private vfio_iommu_type1_info_dma_avail() {
    }

    public static StructLayout layout() { return LAYOUT; }
    public static long sizeof() { return LAYOUT.byteSize(); }
    public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate(LAYOUT); }

    /** The embedded {@code vfio_info_cap_header}, as a slice of {@code s}. */
    public static MemorySegment header(MemorySegment s) { return s.asSlice(HEADER_OFFSET, vfio_info_cap_header.LAYOUT); }
    public static int avail(MemorySegment s) { return (int) AVAIL.get(s, 0L); }
    public static void avail(MemorySegment s, int v) { AVAIL.set(s, 0L, v); }
}
