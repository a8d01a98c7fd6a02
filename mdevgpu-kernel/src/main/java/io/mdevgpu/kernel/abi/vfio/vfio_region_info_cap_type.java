package io.mdevgpu.kernel.abi.vfio;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * {@code struct vfio_region_info_cap_type} (capability id {@code VFIO_REGION_INFO_CAP_TYPE}):
 * a device-specific region's type and subtype.
 */
public final class vfio_region_info_cap_type {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            vfio_info_cap_header.LAYOUT.withName("header"),
            JAVA_INT.withName("type"),
            JAVA_INT.withName("subtype")).withName("vfio_region_info_cap_type");

    private static final long HEADER_OFFSET = LAYOUT.byteOffset(groupElement("header"));
    private static final VarHandle TYPE = LAYOUT.varHandle(groupElement("type"));
    private static final VarHandle SUBTYPE = LAYOUT.varHandle(groupElement("subtype"));

    private vfio_region_info_cap_type() {
    }

    public static StructLayout layout() { return LAYOUT; }
    public static long sizeof() { return LAYOUT.byteSize(); }
    public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate(LAYOUT); }

    /** The embedded {@code vfio_info_cap_header}, as a slice of {@code s}. */
    public static MemorySegment header(MemorySegment s) { return s.asSlice(HEADER_OFFSET, vfio_info_cap_header.LAYOUT); }
    public static int type(MemorySegment s) { return (int) TYPE.get(s, 0L); }
    public static void type(MemorySegment s, int v) { TYPE.set(s, 0L, v); }
    public static int subtype(MemorySegment s) { return (int) SUBTYPE.get(s, 0L); }
    public static void subtype(MemorySegment s, int v) { SUBTYPE.set(s, 0L, v); }
}
