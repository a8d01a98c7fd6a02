package io.mdevgpu.kernel.abi.vfio;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * {@code struct vfio_irq_set}: argument of {@code VFIO_DEVICE_SET_IRQS}; {@code data} is a flexible array
 * (bools as bytes, or eventfds as {@code __s32}).
 */
public final class vfio_irq_set {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("argsz"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("index"),
            JAVA_INT.withName("start"),
            JAVA_INT.withName("count"),
            MemoryLayout.sequenceLayout(0, JAVA_BYTE).withName("data")).withName("vfio_irq_set");

    private static final VarHandle ARGSZ = LAYOUT.varHandle(groupElement("argsz"));
    private static final VarHandle FLAGS = LAYOUT.varHandle(groupElement("flags"));
    private static final VarHandle INDEX = LAYOUT.varHandle(groupElement("index"));
    private static final VarHandle START = LAYOUT.varHandle(groupElement("start"));
    private static final VarHandle COUNT = LAYOUT.varHandle(groupElement("count"));
    private static final long DATA_OFFSET = LAYOUT.byteOffset(groupElement("data"));

    private vfio_irq_set() {
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
    public static int start(MemorySegment s) { return (int) START.get(s, 0L); }
    public static void start(MemorySegment s, int v) { START.set(s, 0L, v); }
    public static int count(MemorySegment s) { return (int) COUNT.get(s, 0L); }
    public static void count(MemorySegment s, int v) { COUNT.set(s, 0L, v); }
    /** The flexible array {@code data[]}: the rest of {@code s} from its offset, as bytes. */
    public static MemorySegment data(MemorySegment s) { return s.asSlice(DATA_OFFSET); }
}
