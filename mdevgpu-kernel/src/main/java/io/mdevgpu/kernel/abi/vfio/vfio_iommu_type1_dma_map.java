package io.mdevgpu.kernel.abi.vfio;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/** {@code struct vfio_iommu_type1_dma_map}: argument of {@code VFIO_IOMMU_MAP_DMA}. */
public final class vfio_iommu_type1_dma_map {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("argsz"),
            JAVA_INT.withName("flags"),
            JAVA_LONG.withName("vaddr"),
            JAVA_LONG.withName("iova"),
            JAVA_LONG.withName("size")).withName("vfio_iommu_type1_dma_map");

    private static final VarHandle ARGSZ = LAYOUT.varHandle(groupElement("argsz"));
    private static final VarHandle FLAGS = LAYOUT.varHandle(groupElement("flags"));
    private static final VarHandle VADDR = LAYOUT.varHandle(groupElement("vaddr"));
    private static final VarHandle IOVA = LAYOUT.varHandle(groupElement("iova"));
    private static final VarHandle SIZE = LAYOUT.varHandle(groupElement("size"));

    private vfio_iommu_type1_dma_map() {
    }

    public static StructLayout layout() { return LAYOUT; }
    public static long sizeof() { return LAYOUT.byteSize(); }
    public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate(LAYOUT); }

    public static int argsz(MemorySegment s) { return (int) ARGSZ.get(s, 0L); }
    public static void argsz(MemorySegment s, int v) { ARGSZ.set(s, 0L, v); }
    public static int flags(MemorySegment s) { return (int) FLAGS.get(s, 0L); }
    public static void flags(MemorySegment s, int v) { FLAGS.set(s, 0L, v); }
    public static long vaddr(MemorySegment s) { return (long) VADDR.get(s, 0L); }
    public static void vaddr(MemorySegment s, long v) { VADDR.set(s, 0L, v); }
    public static long iova(MemorySegment s) { return (long) IOVA.get(s, 0L); }
    public static void iova(MemorySegment s, long v) { IOVA.set(s, 0L, v); }
    public static long size(MemorySegment s) { return (long) SIZE.get(s, 0L); }
    public static void size(MemorySegment s, long v) { SIZE.set(s, 0L, v); }
}
