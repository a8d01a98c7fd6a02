package io.mdevgpu.kernel.vfio;

import static io.mdevgpu.kernel.abi.vfio.VfioConstants.*;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.kernel.abi.vfio.VfioIoctls;
import io.mdevgpu.kernel.abi.vfio.vfio_device_info;
import io.mdevgpu.kernel.abi.vfio.vfio_info_cap_header;
import io.mdevgpu.kernel.abi.vfio.vfio_iommu_type1_info;
import io.mdevgpu.kernel.abi.vfio.vfio_iommu_type1_info_cap_iova_range;
import io.mdevgpu.kernel.abi.vfio.vfio_iommu_type1_info_dma_avail;
import io.mdevgpu.kernel.abi.vfio.vfio_iova_range;
import io.mdevgpu.kernel.abi.vfio.vfio_region_info;
import io.mdevgpu.kernel.abi.vfio.vfio_region_info_cap_sparse_mmap;
import io.mdevgpu.kernel.abi.vfio.vfio_region_info_cap_type;
import io.mdevgpu.kernel.abi.vfio.vfio_region_sparse_mmap_area;

/**
 * VFIO's INFO replies: the {@code argsz} re-query and the capability chain behind the fixed struct, walked with
 * every offset checked against the reply (inside it, past the fixed struct, aligned, strictly increasing, so a
 * loop ends). A malformed reply is a typed {@link KernelException} with {@code EIO}, never a crash.
 */
final class InfoReply {
    /** No VFIO reply comes near this; a larger {@code argsz} is garbage, not a request for memory. */
    static final int MAX_ARGSZ = 1 << 16;
    private static final int MAX_QUERIES = 4;
    /** Replies are allocated 8-byte aligned, as their fixed structs need; capabilities may be only 4-byte aligned. */
    static final long ALIGNMENT = 8;

    /** Decodes one capability: its id, version, and its bytes from its header up to the next one (or the end). */
    interface CapabilityVisitor {
        void visit(int id, int version, MemorySegment capability, long offset);
    }

    private final String operation;
    private final String target;

    InfoReply(String operation, String target) {
        this.operation = operation;
        this.target = target;
    }

    /**
     * Issues an INFO ioctl whose struct starts with {@code argsz}, first into {@code fixed} (the handle's
     * preallocated struct), then, while the kernel asks for more through {@code argsz}, into a larger buffer
     * from {@code scratch}. {@code init} fills the request fields (an index) after each clear.
     *
     * @return the reply, as long as the buffer that holds it
     */
    static MemorySegment query(KernelFd fd, int request, StructLayout layout, MemorySegment fixed,
                               Consumer<MemorySegment> init, Arena scratch) {
        VarHandle argsz = layout.varHandle(groupElement("argsz"));
        MemorySegment buffer = fixed;
        for (int attempt = 0; attempt < MAX_QUERIES; attempt++) {
            buffer.fill((byte) 0);
            argsz.set(buffer, 0L, (int) buffer.byteSize());
            init.accept(buffer);
            fd.ioctlOrThrow(request, buffer, null);
            long need = Integer.toUnsignedLong((int) argsz.get(buffer, 0L));
            if (need <= buffer.byteSize()) {
                return buffer;
            }
            if (need > MAX_ARGSZ) {
                throw new InfoReply(VfioIoctls.name(request), fd.target)
                        .malformed("argsz 0x" + Long.toHexString(need) + " is beyond any VFIO reply (limit 0x"
                                + Integer.toHexString(MAX_ARGSZ) + ")");
            }
            buffer = scratch.allocate(need, ALIGNMENT);
        }
        throw new InfoReply(VfioIoctls.name(request), fd.target)
                .malformed("argsz still grew after " + MAX_QUERIES + " queries");
    }

    /**
     * Walks the chain of {@code reply} that starts at {@code first} (0: no chain); {@code fixedSize} is the size
     * of the struct in front of it, which no capability may overlap.
     */
    void walk(MemorySegment reply, long fixedSize, long first, CapabilityVisitor visitor) {
        long end = reply.byteSize();
        long offset = first;
        long previous = -1;
        while (offset != 0) {
            if (offset <= previous) {
                throw malformed("capability at 0x" + Long.toHexString(previous) + " points back to 0x"
                        + Long.toHexString(offset) + " (a loop)");
            }
            if (offset < fixedSize || offset + vfio_info_cap_header.sizeof() > end) {
                throw malformed("capability offset 0x" + Long.toHexString(offset) + " is outside 0x"
                        + Long.toHexString(fixedSize) + "..0x" + Long.toHexString(end) + " of the reply");
            }
            if ((reply.address() + offset) % vfio_info_cap_header.LAYOUT.byteAlignment() != 0) {
                throw malformed("capability offset 0x" + Long.toHexString(offset) + " is misaligned");
            }
            MemorySegment header = reply.asSlice(offset, vfio_info_cap_header.LAYOUT);
            long next = Integer.toUnsignedLong(vfio_info_cap_header.next(header));
            long capEnd = next > offset && next <= end ? next : end;
            visitor.visit(Short.toUnsignedInt(vfio_info_cap_header.id(header)),
                    Short.toUnsignedInt(vfio_info_cap_header.version(header)),
                    reply.asSlice(offset, capEnd - offset), offset);
            previous = offset;
            offset = next;
        }
    }

    KernelException malformed(String detail) {
        return KernelException.of(operation, target + " (" + detail + ")", Errno.EIO,
                "the kernel's reply is malformed; report it with the driver's name and kernel version");
    }

    /**
     * A capability's bytes as {@code layout}'s struct, or a typed error when it is too short. The kernel packs a
     * chain without padding (type1's 12-byte DMA-available capability leaves the IOVA ranges after it only 4-byte
     * aligned: harness/README.md K19), so a capability whose fields need more alignment than its place gives is read
     * from an aligned copy.
     */
    private MemorySegment as(MemorySegment capability, StructLayout layout, long offset) {
        if (capability.byteSize() < layout.byteSize()) {
            throw malformed(layout.name().orElseThrow() + " at 0x" + Long.toHexString(offset) + " needs 0x"
                    + Long.toHexString(layout.byteSize()) + " bytes, has 0x" + Long.toHexString(capability.byteSize()));
        }
        if (capability.address() % layout.byteAlignment() == 0) return capability;
        return Arena.ofAuto().allocate(capability.byteSize(), layout.byteAlignment()).copyFrom(capability);
    }

    /** The flexible array of {@code count} elements of {@code elementSize} after a capability's fixed part. */
    private MemorySegment array(MemorySegment items, long count, long elementSize, String what, long offset) {
        if (count * elementSize > items.byteSize()) {
            throw malformed(count + " " + what + " at 0x" + Long.toHexString(offset) + " overrun the capability's 0x"
                    + Long.toHexString(items.byteSize()) + " bytes");
        }
        return items;
    }

    VfioRegionInfo region(MemorySegment reply) {
        int index = vfio_region_info.index(reply);
        int flags = vfio_region_info.flags(reply);
        long size = vfio_region_info.size(reply);
        long regionOffset = vfio_region_info.offset(reply);
        List<Integer> ids = new ArrayList<>();
        List<VfioRegionInfo.Area> sparseAreas = new ArrayList<>();
        boolean[] sparse = {false};
        VfioRegionInfo.Type[] type = {null};
        if ((flags & VFIO_REGION_INFO_FLAG_CAPS) != 0) {
            walk(reply, vfio_region_info.sizeof(), Integer.toUnsignedLong(vfio_region_info.cap_offset(reply)),
                    (id, version, cap, at) -> {
                        ids.add(id);
                        if (id == VFIO_REGION_INFO_CAP_SPARSE_MMAP) {
                            MemorySegment s = as(cap, vfio_region_info_cap_sparse_mmap.LAYOUT, at);
                            long n = Integer.toUnsignedLong(vfio_region_info_cap_sparse_mmap.nr_areas(s));
                            MemorySegment areas = array(vfio_region_info_cap_sparse_mmap.areas(s), n,
                                    vfio_region_sparse_mmap_area.sizeof(), "sparse mmap areas", at);
                            for (long i = 0; i < n; i++) {
                                MemorySegment a = vfio_region_sparse_mmap_area.asSlice(areas, i);
                                long aOffset = vfio_region_sparse_mmap_area.offset(a);
                                long aSize = vfio_region_sparse_mmap_area.size(a);
                                if (Long.compareUnsigned(aSize, size) > 0 || Long.compareUnsigned(aOffset, size - aSize) > 0) {
                                    throw malformed("sparse mmap area 0x" + Long.toHexString(aOffset) + "+0x"
                                            + Long.toHexString(aSize) + " lies outside the 0x" + Long.toHexString(size)
                                            + "-byte region");
                                }
                                sparseAreas.add(new VfioRegionInfo.Area(aOffset, aSize));
                            }
                            sparse[0] = true;
                        } else if (id == VFIO_REGION_INFO_CAP_TYPE) {
                            MemorySegment t = as(cap, vfio_region_info_cap_type.LAYOUT, at);
                            type[0] = new VfioRegionInfo.Type(vfio_region_info_cap_type.type(t),
                                    vfio_region_info_cap_type.subtype(t));
                        }
                    });
        }
        List<VfioRegionInfo.Area> mmapAreas = (flags & VFIO_REGION_INFO_FLAG_MMAP) == 0 ? List.of()
                : sparse[0] ? sparseAreas
                : size > 0 ? List.of(new VfioRegionInfo.Area(0, size)) : List.of();
        return new VfioRegionInfo(index, flags, size, regionOffset, sparse[0], mmapAreas, Optional.ofNullable(type[0]), ids);
    }

    VfioDeviceInfo device(MemorySegment reply) {
        int flags = vfio_device_info.flags(reply);
        List<Integer> ids = new ArrayList<>();
        if ((flags & VFIO_DEVICE_FLAGS_CAPS) != 0) {
            walk(reply, vfio_device_info.sizeof(), Integer.toUnsignedLong(vfio_device_info.cap_offset(reply)),
                    (id, version, cap, at) -> ids.add(id));
        }
        return new VfioDeviceInfo(flags, vfio_device_info.num_regions(reply), vfio_device_info.num_irqs(reply), ids);
    }

    VfioIommuInfo iommu(MemorySegment reply) {
        int flags = vfio_iommu_type1_info.flags(reply);
        List<VfioIommuInfo.IovaRange> ranges = new ArrayList<>();
        OptionalLong[] avail = {OptionalLong.empty()};
        if ((flags & VFIO_IOMMU_INFO_CAPS) != 0) {
            walk(reply, vfio_iommu_type1_info.sizeof(), Integer.toUnsignedLong(vfio_iommu_type1_info.cap_offset(reply)),
                    (id, version, cap, at) -> {
                        if (id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
                            MemorySegment c = as(cap, vfio_iommu_type1_info_cap_iova_range.LAYOUT, at);
                            long n = Integer.toUnsignedLong(vfio_iommu_type1_info_cap_iova_range.nr_iovas(c));
                            MemorySegment items = array(vfio_iommu_type1_info_cap_iova_range.iova_ranges(c), n,
                                    vfio_iova_range.sizeof(), "IOVA ranges", at);
                            for (long i = 0; i < n; i++) {
                                MemorySegment r = vfio_iova_range.asSlice(items, i);
                                ranges.add(new VfioIommuInfo.IovaRange(vfio_iova_range.start(r), vfio_iova_range.end(r)));
                            }
                        } else if (id == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL) {
                            avail[0] = OptionalLong.of(Integer.toUnsignedLong(vfio_iommu_type1_info_dma_avail.avail(
                                    as(cap, vfio_iommu_type1_info_dma_avail.LAYOUT, at))));
                        }
                    });
        }
        long pageSizes = (flags & VFIO_IOMMU_INFO_PGSIZES) != 0 ? vfio_iommu_type1_info.iova_pgsizes(reply) : 0;
        return new VfioIommuInfo(flags, pageSizes, ranges, avail[0]);
    }
}
