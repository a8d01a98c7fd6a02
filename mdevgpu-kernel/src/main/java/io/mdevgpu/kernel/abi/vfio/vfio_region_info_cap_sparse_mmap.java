package io.mdevgpu.kernel.abi.vfio;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * {@code struct vfio_region_info_cap_sparse_mmap} (capability id {@code VFIO_REGION_INFO_CAP_SPARSE_MMAP}):
 * the areas of a region that may be mapped, as a flexible array.
 */
public final class vfio_region_info_cap_sparse_mmap {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            vfio_info_cap_header.LAYOUT.withName("header"),
            JAVA_INT.withName("nr_areas"),
            JAVA_INT.withName("reserved"),
            MemoryLayout.sequenceLayout(0, vfio_region_sparse_mmap_area.LAYOUT).withName("areas")).withName("vfio_region_info_cap_sparse_mmap");

    private static final long HEADER_OFFSET = LAYOUT.byteOffset(groupElement("header"));
    private static final VarHandle NR_AREAS = LAYOUT.varHandle(groupElement("nr_areas"));
    private static final VarHandle RESERVED = LAYOUT.varHandle(groupElement("reserved"));
    private static final long AREAS_OFFSET = LAYOUT.byteOffset(groupElement("areas"));

    private vfio_region_info_cap_sparse_mmap() {
    }

    public static StructLayout layout() { return LAYOUT; }
    public static long sizeof() { return LAYOUT.byteSize(); }
    public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate(LAYOUT); }

    /** The embedded {@code vfio_info_cap_header}, as a slice of {@code s}. */
    public static MemorySegment header(MemorySegment s) { return s.asSlice(HEADER_OFFSET, vfio_info_cap_header.LAYOUT); }
    public static int nr_areas(MemorySegment s) { return (int) NR_AREAS.get(s, 0L); }
    public static void nr_areas(MemorySegment s, int v) { NR_AREAS.set(s, 0L, v); }
    public static int reserved(MemorySegment s) { return (int) RESERVED.get(s, 0L); }
    public static void reserved(MemorySegment s, int v) { RESERVED.set(s, 0L, v); }
    /** The flexible array {@code areas[]}: the rest of {@code s} from its offset, as {@code vfio_region_sparse_mmap_area} elements (see {@link vfio_region_sparse_mmap_area#asSlice}). */
    public static MemorySegment areas(MemorySegment s) { return s.asSlice(AREAS_OFFSET); }
}
