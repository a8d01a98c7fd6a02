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
 * {@code struct vfio_region_info}: argument of {@code VFIO_DEVICE_GET_REGION_INFO}; a capability
 * chain may follow it (re-query with the {@code argsz} the kernel returns).
 */
public final class vfio_region_info {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("argsz"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("index"),
            JAVA_INT.withName("cap_offset"),
            JAVA_LONG.withName("size"),
            JAVA_LONG.withName("offset")).withName("vfio_region_info");

    private static final VarHandle ARGSZ = LAYOUT.varHandle(groupElement("argsz"));
    private static final VarHandle FLAGS = LAYOUT.varHandle(groupElement("flags"));
    private static final VarHandle INDEX = LAYOUT.varHandle(groupElement("index"));
    private static final VarHandle CAP_OFFSET = LAYOUT.varHandle(groupElement("cap_offset"));
    private static final VarHandle SIZE = LAYOUT.varHandle(groupElement("size"));
    private static final VarHandle OFFSET = LAYOUT.varHandle(groupElement("offset"));

    private vfio_region_info() {
    }

    public static StructLayout layout() { return LAYOUT; }
    public static long sizeof() { return LAYOUT.byteSize(); }
    public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate(LAYOUT); }

    public static int argsz(MemorySegment s) { return (int) ARGSZ.get(s, 0L); }
    public static void argsz(MemorySegment s, int v) { ARGSZ.set(s, 0L, v); }
    public static int flags(MemorySegment s) { return (int) FLAGS.get(s, 0L); }
    public static void flags(MemorySegment s, int v) { FLAGS.set(s, 0L, v); }
    public static int index(MemorySegment s) { return (int) INDEX.get(s, 0L); }
    public static void index(MemorySegment s, int v) { INDEX.set(s, 0L, v); }
    public static int cap_offset(MemorySegment s) { return (int) CAP_OFFSET.get(s, 0L); }
    public static void cap_offset(MemorySegment s, int v) { CAP_OFFSET.set(s, 0L, v); }
    public static long size(MemorySegment s) { return (long) SIZE.get(s, 0L); }
    public static void size(MemorySegment s, long v) { SIZE.set(s, 0L, v); }
    public static long offset(MemorySegment s) { return (long) OFFSET.get(s, 0L); }
    public static void offset(MemorySegment s, long v) { OFFSET.set(s, 0L, v); }
}
