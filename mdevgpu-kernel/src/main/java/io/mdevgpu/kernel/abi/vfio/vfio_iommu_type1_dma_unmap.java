package io.mdevgpu.kernel.abi.vfio;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * {@code struct vfio_iommu_type1_dma_unmap}: argument of {@code VFIO_IOMMU_UNMAP_DMA}; the kernel
 * writes the unmapped size back into {@code size}.
 */
public final class vfio_iommu_type1_dma_unmap {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("argsz"),
            JAVA_INT.withName("flags"),
            JAVA_LONG.withName("iova"),
            JAVA_LONG.withName("size"),
            MemoryLayout.sequenceLayout(0, JAVA_BYTE).withName("data")).withName("vfio_iommu_type1_dma_unmap");

    private static final VarHandle ARGSZ = LAYOUT.varHandle(groupElement("argsz"));
    private static final VarHandle FLAGS = LAYOUT.varHandle(groupElement("flags"));
    private static final VarHandle IOVA = LAYOUT.varHandle(groupElement("iova"));
    private static final VarHandle SIZE = LAYOUT.varHandle(groupElement("size"));
    private static final long DATA_OFFSET = LAYOUT.byteOffset(groupElement("data"));

    private vfio_iommu_type1_dma_unmap() {
    }

    public static StructLayout layout() { return LAYOUT; }
    public static long sizeof() { return LAYOUT.byteSize(); }
    public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate(LAYOUT); }

    public static int argsz(MemorySegment s) { return (int) ARGSZ.get(s, 0L); }
    public static void argsz(MemorySegment s, int v) { ARGSZ.set(s, 0L, v); }
    public static int flags(MemorySegment s) { return (int) FLAGS.get(s, 0L); }
    public static void flags(MemorySegment s, int v) { FLAGS.set(s, 0L, v); }
    public static long iova(MemorySegment s) { return (long) IOVA.get(s, 0L); }
    public static void iova(MemorySegment s, long v) { IOVA.set(s, 0L, v); }
    public static long size(MemorySegment s) { return (long) SIZE.get(s, 0L); }
    public static void size(MemorySegment s, long v) { SIZE.set(s, 0L, v); }
    /** The flexible array {@code data[]}: the rest of {@code s} from its offset, as bytes. */
    public static MemorySegment data(MemorySegment s) { return s.asSlice(DATA_OFFSET); }
}
