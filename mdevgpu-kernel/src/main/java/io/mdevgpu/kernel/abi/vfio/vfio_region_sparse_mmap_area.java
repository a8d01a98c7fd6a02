package io.mdevgpu.kernel.abi.vfio;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/** {@code struct vfio_region_sparse_mmap_area}: one mappable area of a region. */
public final class vfio_region_sparse_mmap_area {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("offset"),
            JAVA_LONG.withName("size")).withName("vfio_region_sparse_mmap_area");

    private static final VarHandle OFFSET = LAYOUT.varHandle(groupElement("offset"));
    private static final VarHandle SIZE = LAYOUT.varHandle(groupElement("size"));

    private vfio_region_sparse_mmap_area() {
    }

    public static StructLayout layout() { return LAYOUT; }
    public static long sizeof() { return LAYOUT.byteSize(); }
    public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate(LAYOUT); }

    /** Element {@code index} of an array of these structs (a flexible array member), bounds-checked. */
    public static MemorySegment asSlice(MemorySegment array, long index) {
        return array.asSlice(index * LAYOUT.byteSize(), LAYOUT);
    }

    public static long offset(MemorySegment s) { return (long) OFFSET.get(s, 0L); }
    public static void offset(MemorySegment s, long v) { OFFSET.set(s, 0L, v); }
    public static long size(MemorySegment s) { return (long) SIZE.get(s, 0L); }
    public static void size(MemorySegment s, long v) { SIZE.set(s, 0L, v); }
}
