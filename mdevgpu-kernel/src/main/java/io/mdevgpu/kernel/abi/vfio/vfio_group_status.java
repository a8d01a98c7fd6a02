package io.mdevgpu.kernel.abi.vfio;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/** {@code struct vfio_group_status}: argument of {@code VFIO_GROUP_GET_STATUS}. */
public final class vfio_group_status {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("argsz"),
            JAVA_INT.withName("flags")).withName("vfio_group_status");

    private static final VarHandle ARGSZ = LAYOUT.varHandle(groupElement("argsz"));
    private static final VarHandle FLAGS = LAYOUT.varHandle(groupElement("flags"));

    private vfio_group_status() {
    }

    public static StructLayout layout() { return LAYOUT; }
    public static long sizeof() { return LAYOUT.byteSize(); }
    public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate(LAYOUT); }

    public static int argsz(MemorySegment s) { return (int) ARGSZ.get(s, 0L); }
    public static void argsz(MemorySegment s, int v) { ARGSZ.set(s, 0L, v); }
    public static int flags(MemorySegment s) { return (int) FLAGS.get(s, 0L); }
    public static void flags(MemorySegment s, int v) { FLAGS.set(s, 0L, v); }
}
