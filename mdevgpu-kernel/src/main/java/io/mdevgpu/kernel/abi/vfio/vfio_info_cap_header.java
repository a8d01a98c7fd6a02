package io.mdevgpu.kernel.abi.vfio;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * {@code struct vfio_info_cap_header}: the header of every capability in an INFO reply's chain;
 * {@code next} is the offset of the next capability from the start of the INFO struct, 0 ends the chain.
 */
public final class vfio_info_cap_header {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_SHORT.withName("id"),
            JAVA_SHORT.withName("version"),
            JAVA_INT.withName("next")).withName("vfio_info_cap_header");

    private static final VarHandle ID = LAYOUT.varHandle(groupElement("id"));
    private static final VarHandle VERSION = LAYOUT.varHandle(groupElement("version"));
    private static final VarHandle NEXT = LAYOUT.varHandle(groupElement("next"));

    private vfio_info_cap_header() {
    }

    public static StructLayout layout() { return LAYOUT; }
    public static long sizeof() { return LAYOUT.byteSize(); }
    public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate(LAYOUT); }

    public static short id(MemorySegment s) { return (short) ID.get(s, 0L); }
    public static void id(MemorySegment s, short v) { ID.set(s, 0L, v); }
    public static short version(MemorySegment s) { return (short) VERSION.get(s, 0L); }
    public static void version(MemorySegment s, short v) { VERSION.set(s, 0L, v); }
    public static int next(MemorySegment s) { return (int) NEXT.get(s, 0L); }
    public static void next(MemorySegment s, int v) { NEXT.set(s, 0L, v); }
}
