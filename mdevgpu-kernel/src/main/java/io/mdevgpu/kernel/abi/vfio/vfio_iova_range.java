package io.mdevgpu.kernel.abi.vfio;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/** {@code struct vfio_iova_range}: one usable IOVA range, both ends inclusive. */
public final class vfio_iova_range {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("start"),
            JAVA_LONG.withName("end")).withName("vfio_iova_range");

    private static final VarHandle START = LAYOUT.varHandle(groupElement("start"));
    private static final VarHandle END = LAYOUT.varHandle(groupElement("end"));

    private vfio_iova_range() {
    }

    public static StructLayout layout() { return LAYOUT; }
    public static long sizeof() { return LAYOUT.byteSize(); }
    public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate(LAYOUT); }

    /** Element {@code index} of an array of these structs (a flexible array member), bounds-checked. */
    public static MemorySegment asSlice(MemorySegment array, long index) {
        return array.asSlice(index * LAYOUT.byteSize(), LAYOUT);
    }

    public static long start(MemorySegment s) { return (long) START.get(s, 0L); }
    public static void start(MemorySegment s, long v) { START.set(s, 0L, v); }
    public static long end(MemorySegment s) { return (long) END.get(s, 0L); }
    public static void end(MemorySegment s, long v) { END.set(s, 0L, v); }
}
