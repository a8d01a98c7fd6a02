package io.mdevgpu.kernel.abi.vfio;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * {@code struct vfio_device_info}: argument of {@code VFIO_DEVICE_GET_INFO}. 20 bytes in the 6.1
 * header (newer headers add a {@code pad} and are 24); the kernel accepts both through {@code argsz}.
 */
public final class vfio_device_info {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("argsz"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("num_regions"),
            JAVA_INT.withName("num_irqs"),
            JAVA_INT.withName("cap_offset")).withName("vfio_device_info");

    private static final VarHandle ARGSZ = LAYOUT.varHandle(groupElement("argsz"));
    private static final VarHandle FLAGS = LAYOUT.varHandle(groupElement("flags"));
    private static final VarHandle NUM_REGIONS = LAYOUT.varHandle(groupElement("num_regions"));
    private static final VarHandle NUM_IRQS = LAYOUT.varHandle(groupElement("num_irqs"));
    private static final VarHandle CAP_OFFSET = LAYOUT.varHandle(groupElement("cap_offset"));

    private vfio_device_info() {
    }

    public static StructLayout layout() { return LAYOUT; }
    public static long sizeof() { return LAYOUT.byteSize(); }
    public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate(LAYOUT); }

    public static int argsz(MemorySegment s) { return (int) ARGSZ.get(s, 0L); }
    public static void argsz(MemorySegment s, int v) { ARGSZ.set(s, 0L, v); }
    public static int flags(MemorySegment s) { return (int) FLAGS.get(s, 0L); }
    public static void flags(MemorySegment s, int v) { FLAGS.set(s, 0L, v); }
    public static int num_regions(MemorySegment s) { return (int) NUM_REGIONS.get(s, 0L); }
    public static void num_regions(MemorySegment s, int v) { NUM_REGIONS.set(s, 0L, v); }
    public static int num_irqs(MemorySegment s) { return (int) NUM_IRQS.get(s, 0L); }
    public static void num_irqs(MemorySegment s, int v) { NUM_IRQS.set(s, 0L, v); }
    public static int cap_offset(MemorySegment s) { return (int) CAP_OFFSET.get(s, 0L); }
    public static void cap_offset(MemorySegment s, int v) { CAP_OFFSET.set(s, 0L, v); }
}
