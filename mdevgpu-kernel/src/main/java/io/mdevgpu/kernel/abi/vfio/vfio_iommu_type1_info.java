package io.mdevgpu.kernel.abi.vfio;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * {@code struct vfio_iommu_type1_info}: argument of {@code VFIO_IOMMU_GET_INFO}; a capability chain
 * may follow it. The C struct ends in 4 bytes of padding.
 */
public final class vfio_iommu_type1_info {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("argsz"),
            JAVA_INT.withName("flags"),
            JAVA_LONG.withName("iova_pgsizes"),
            JAVA_INT.withName("cap_offset"),
            MemoryLayout.paddingLayout(4)).withName("vfio_iommu_type1_info");

    private static final VarHandle ARGSZ = LAYOUT.varHandle(groupElement("argsz"));
    private static final VarHandle FLAGS = LAYOUT.varHandle(groupElement("flags"));
    private static final VarHandle IOVA_PGSIZES = LAYOUT.varHandle(groupElement("iova_pgsizes"));
    private static final VarHandle CAP_OFFSET = LAYOUT.varHandle(groupElement("cap_offset"));

    private vfio_iommu_type1_info() {
    }

    public static StructLayout layout() { return LAYOUT; }
    public static long sizeof() { return LAYOUT.byteSize(); }
    public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate(LAYOUT); }

    public static int argsz(MemorySegment s) { return (int) ARGSZ.get(s, 0L); }
    public static void argsz(MemorySegment s, int v) { ARGSZ.set(s, 0L, v); }
    public static int flags(MemorySegment s) { return (int) FLAGS.get(s, 0L); }
    public static void flags(MemorySegment s, int v) { FLAGS.set(s, 0L, v); }
    public static long iova_pgsizes(MemorySegment s) { return (long) IOVA_PGSIZES.get(s, 0L); }
    public static void iova_pgsizes(MemorySegment s, long v) { IOVA_PGSIZES.set(s, 0L, v); }
    public static int cap_offset(MemorySegment s) { return (int) CAP_OFFSET.get(s, 0L); }
    public static void cap_offset(MemorySegment s, int v) { CAP_OFFSET.set(s, 0L, v); }
}
