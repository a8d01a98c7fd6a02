package io.mdevgpu.kernel.abi.vfio;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * {@code struct vfio_iommu_type1_info_cap_iova_range} (capability id
 * {@code VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE}): the IOVA ranges a DMA mapping may use.
 */
public final class vfio_iommu_type1_info_cap_iova_range {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            vfio_info_cap_header.LAYOUT.withName("header"),
            JAVA_INT.withName("nr_iovas"),
            JAVA_INT.withName("reserved"),
            MemoryLayout.sequenceLayout(0, vfio_iova_range.LAYOUT).withName("iova_ranges")).withName("vfio_iommu_type1_info_cap_iova_range");

    private static final long HEADER_OFFSET = LAYOUT.byteOffset(groupElement("header"));
    private static final VarHandle NR_IOVAS = LAYOUT.varHandle(groupElement("nr_iovas"));
    private static final VarHandle RESERVED = LAYOUT.varHandle(groupElement("reserved"));
    private static final long IOVA_RANGES_OFFSET = LAYOUT.byteOffset(groupElement("iova_ranges"));

    private vfio_iommu_type1_info_cap_iova_range() {
    }

    public static StructLayout layout() { return LAYOUT; }
    public static long sizeof() { return LAYOUT.byteSize(); }
    public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate(LAYOUT); }

    /** The embedded {@code vfio_info_cap_header}, as a slice of {@code s}. */
    public static MemorySegment header(MemorySegment s) { return s.asSlice(HEADER_OFFSET, vfio_info_cap_header.LAYOUT); }
    public static int nr_iovas(MemorySegment s) { return (int) NR_IOVAS.get(s, 0L); }
    public static void nr_iovas(MemorySegment s, int v) { NR_IOVAS.set(s, 0L, v); }
    public static int reserved(MemorySegment s) { return (int) RESERVED.get(s, 0L); }
    public static void reserved(MemorySegment s, int v) { RESERVED.set(s, 0L, v); }
    /** The flexible array {@code iova_ranges[]}: the rest of {@code s} from its offset, as {@code vfio_iova_range} elements (see {@link vfio_iova_range#asSlice}). */
    public static MemorySegment iova_ranges(MemorySegment s) { return s.asSlice(IOVA_RANGES_OFFSET); }
}
