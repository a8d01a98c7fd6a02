package io.mdevgpu.kernel.vfio;

import static io.mdevgpu.kernel.abi.vfio.VfioConstants.*;
import static io.mdevgpu.kernel.abi.vfio.VfioIoctls.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mdevgpu.Errno;
import io.mdevgpu.HostStateException;
import io.mdevgpu.KernelException;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.abi.vfio.vfio_iommu_type1_dma_map;
import io.mdevgpu.kernel.abi.vfio.vfio_iommu_type1_dma_unmap;
import io.mdevgpu.kernel.abi.vfio.vfio_iommu_type1_info;
import io.mdevgpu.kernel.sys.ErrnoCapture;

/**
 * An open VFIO container ({@code /dev/vfio/vfio}) with its type1 v2 IOMMU. Owns its groups: closing it closes
 * them (each closes its devices first, then leaves the container), then the container fd.
 */
public final class VfioContainer extends FdOwner {
    private static final Logger LOG = LoggerFactory.getLogger(VfioContainer.class);
    /** type1's smallest IOMMU page on every platform the library runs on. */
    private static final long DMA_PAGE = 4096;

    private final Vfio vfio;
    private final VfioKernel kernel;
    private final MemorySegment iommuInfo;
    private final MemorySegment dmaMap;
    private final MemorySegment dmaUnmap;
    /** Copy-on-write: a group closed from another thread leaves it while this container is in use. */
    private final List<VfioGroup> groups = new CopyOnWriteArrayList<>();
    /** Open DMA mappings: unmapped before the groups leave, when the container closes. */
    private final List<VfioDmaMapping> dmaMappings = new CopyOnWriteArrayList<>();
    private boolean iommuSet;

    private VfioContainer(Vfio vfio, Arena arena, KernelFd fd) {
        super(arena, fd);
        this.vfio = vfio;
        this.kernel = vfio.kernel();
        this.iommuInfo = arena.allocate(vfio_iommu_type1_info.sizeof(), InfoReply.ALIGNMENT);
        this.dmaMap = vfio_iommu_type1_dma_map.allocate(arena);
        this.dmaUnmap = vfio_iommu_type1_dma_unmap.allocate(arena);
    }

    static VfioContainer open(Vfio vfio) {
        VfioKernel kernel = vfio.kernel();
        Arena arena = Arena.ofShared();
        try {
            ErrnoCapture errno = new ErrnoCapture(arena);
            String path = kernel.path(VfioKernel.CONTAINER);
            int r = kernel.open(errno, VfioKernel.CONTAINER);
            if (r < 0) {
                throw KernelException.of("open VFIO container", path, Errno.of(-r), switch (-r) {
                    case 2, 19, 6 -> "load VFIO: modprobe vfio vfio_iommu_type1 (and vfio_mdev for mdev devices)";
                    case 1, 13 -> "open it as root, or give this user access to " + path;
                    default -> null;
                });
            }
            KernelFd fd = new KernelFd(kernel, errno, r, path);
            try {
                int version = fd.ioctlOrThrow(VFIO_GET_API_VERSION, 0L, "is " + path + " a VFIO container node?");
                if (version != VFIO_API_VERSION) {
                    throw new HostStateException("open VFIO container", path, "VFIO API version " + version
                            + ", mdevgpu speaks version " + VFIO_API_VERSION, "use a kernel with VFIO API version 0", null);
                }
                if (fd.ioctlOrThrow(VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU, null) <= 0) {
                    throw new HostStateException("open VFIO container", path, "the kernel offers no VFIO_TYPE1v2_IOMMU",
                            "load it: modprobe vfio_iommu_type1", null);
                }
            } catch (RuntimeException e) {
                fd.close();
                throw e;
            }
            LOG.debug("opened VFIO container {}", fd);
            return new VfioContainer(vfio, arena, fd);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    VfioKernel kernel() {
        return kernel;
    }

    /** The Vfio that opened this container: it counts the open devices. */
    Vfio vfio() {
        return vfio;
    }

    /** {@code /dev/vfio/vfio}. */
    public String path() {
        return fd.target;
    }

    /**
     * Opens IOMMU group {@code group} ({@code /dev/vfio/N}) and puts it in this container: the group must be
     * viable (all its devices bound to VFIO or to no driver); the first group also sets the type1 v2 IOMMU.
     *
     * @throws io.mdevgpu.DeviceBusyException the group is open already (EBUSY), in this process or another
     * @throws HostStateException             the group is not viable; the message names its other devices
     */
    public VfioGroup openGroup(int group) {
        if (group < 0) {
            throw new ValidationException("IOMMU group", Integer.toString(group), "a group number >= 0, as in /dev/vfio/N");
        }
        if (!tryEnter()) throw closed("open group " + group);
        try {
            VfioGroup g = VfioGroup.open(this, group);
            groups.add(g);
            return g;
        } finally {
            exit();
        }
    }

    /** Sets the IOMMU model once the first group has joined; the kernel drops it when the last one leaves. */
    void joined(VfioGroup group) {
        if (!iommuSet) {
            fd.ioctlOrThrow(VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU, null);
            iommuSet = true;
            LOG.debug("{}: type1 v2 IOMMU set with group {}", fd.target, group.number());
        }
    }

    void left(VfioGroup group) {
        groups.remove(group);
        if (groups.isEmpty()) iommuSet = false;
    }

    /** The open groups, in the order they were opened. */
    public List<VfioGroup> groups() {
        return List.copyOf(groups);
    }

    /** {@code VFIO_IOMMU_GET_INFO}: page sizes, IOVA ranges and DMA mappings left. Needs a group in the container. */
    public VfioIommuInfo iommuInfo() {
        enter("get IOMMU info");
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment reply = InfoReply.query(fd, VFIO_IOMMU_GET_INFO, vfio_iommu_type1_info.LAYOUT, iommuInfo, s -> { },
                    scratch);
            return new InfoReply("VFIO_IOMMU_GET_INFO", fd.target).iommu(reply);
        } finally {
            exit();
        }
    }

    /**
     * {@code VFIO_IOMMU_MAP_DMA}: lets the devices read and write {@code memory} at IO virtual address {@code iova}.
     * Needs a group in the container. {@code memory} is native, page-aligned and a whole number of pages, and must
     * stay allocated until the returned mapping is closed; closing the container unmaps every mapping left.
     *
     * @throws ValidationException            memory not native, not page-aligned, empty; iova not page-aligned
     * @throws io.mdevgpu.AlreadyExistsException the IOVA range overlaps a mapping (EEXIST)
     * @throws io.mdevgpu.CapacityException     the container's DMA mapping limit is reached (ENOSPC)
     */
    public VfioDmaMapping mapDma(MemorySegment memory, long iova) {
        checkDmaRange(memory, iova);
        enter("map DMA");
        try {
            dmaMap.fill((byte) 0);
            vfio_iommu_type1_dma_map.argsz(dmaMap, (int) vfio_iommu_type1_dma_map.sizeof());
            vfio_iommu_type1_dma_map.flags(dmaMap, VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE);
            vfio_iommu_type1_dma_map.vaddr(dmaMap, memory.address());
            vfio_iommu_type1_dma_map.iova(dmaMap, iova);
            vfio_iommu_type1_dma_map.size(dmaMap, memory.byteSize());
            int r = fd.ioctl(VFIO_IOMMU_MAP_DMA, dmaMap);
            if (r < 0) {
                throw fd.failure("map DMA of 0x" + Long.toHexString(memory.byteSize()) + " bytes at IOVA 0x"
                        + Long.toHexString(iova), -r, mapFix(-r));
            }
            VfioDmaMapping mapping = new VfioDmaMapping(this, memory, iova, true);
            dmaMappings.add(mapping);
            LOG.debug("{}: mapped {}", fd.target, mapping);
            return mapping;
        } finally {
            exit();
        }
    }

    private static void checkDmaRange(MemorySegment memory, long iova) {
        String what = "DMA memory of 0x" + Long.toHexString(memory.byteSize()) + " bytes at 0x" + Long.toHexString(memory.address());
        if (!memory.isNative()) {
            throw new ValidationException("DMA memory", memory.toString(), "native memory (an Arena's), not a heap segment");
        }
        if (memory.byteSize() == 0 || memory.address() % DMA_PAGE != 0 || memory.byteSize() % DMA_PAGE != 0) {
            throw new ValidationException("DMA memory", what,
                    "a non-empty whole number of 4 KiB pages at a page-aligned address: arena.allocate(n * 4096, 4096)");
        }
        if (iova < 0 || iova % DMA_PAGE != 0 || iova + memory.byteSize() < iova) {
            throw new ValidationException("IOVA", "0x" + Long.toHexString(iova), "a 4 KiB-aligned IO virtual address");
        }
    }

    private String mapFix(int errno) {
        return switch (errno) {
            case 17 -> "the IOVA range overlaps a mapping of this container (" + dmaMappings + "): unmap it or choose another IOVA";
            case 28 -> "the container holds as many DMA mappings as vfio_iommu_type1's dma_entry_limit allows: unmap some";
            case 12 -> "the memory cannot be pinned: raise RLIMIT_MEMLOCK (ulimit -l) or map less";
            case 22 -> "is a group in the container (the IOMMU is set with the first group)? Are the IOVA and size in the"
                    + " IOMMU's page sizes and IOVA ranges (iommuInfo())?";
            case 14 -> "the memory is not mapped in this process";
            default -> null;
        };
    }

    /** The DMA mappings open in this container, in the order they were made. */
    public List<VfioDmaMapping> dmaMappings() {
        return List.copyOf(dmaMappings);
    }

    /** Inside the gate, or in the container's close: unmaps {@code mapping} and forgets it. */
    void unmap(VfioDmaMapping mapping) {
        long unmapped = unmapDmaRange(mapping.iova(), mapping.size());
        if (unmapped != mapping.size()) {
            LOG.warn("{}: unmap of {} unmapped 0x{} bytes", fd.target, mapping, Long.toHexString(unmapped));
        }
    }

    /**
     * {@code VFIO_IOMMU_UNMAP_DMA} of whole mappings in {@code [iova, iova + size)}; returns the bytes the kernel
     * unmapped. The mappings it unmapped are closed. Prefer {@link VfioDmaMapping#close()}.
     */
    public long unmapDma(long iova, long size) {
        enter("unmap DMA");
        try {
            return unmapDmaRange(iova, size);
        } finally {
            exit();
        }
    }

    private long unmapDmaRange(long iova, long size) {
        dmaUnmap.fill((byte) 0);
        vfio_iommu_type1_dma_unmap.argsz(dmaUnmap, (int) vfio_iommu_type1_dma_unmap.sizeof());
        vfio_iommu_type1_dma_unmap.iova(dmaUnmap, iova);
        vfio_iommu_type1_dma_unmap.size(dmaUnmap, size);
        int r = fd.ioctl(VFIO_IOMMU_UNMAP_DMA, dmaUnmap);
        if (r < 0) {
            throw fd.failure("unmap DMA of 0x" + Long.toHexString(size) + " bytes at IOVA 0x" + Long.toHexString(iova), -r,
                    -r == 22 ? "unmap whole mappings only, at their IOVA: " + dmaMappings : null);
        }
        for (VfioDmaMapping m : dmaMappings) {
            if (m.iova() >= iova && m.iova() + m.size() <= iova + size && m.forget()) {
                dmaMappings.remove(m);
                LOG.debug("{}: unmapped {}", fd.target, m);
            }
        }
        return vfio_iommu_type1_dma_unmap.size(dmaUnmap);
    }

    /**
     * Unmaps the DMA mappings left, closes every group (devices first, then the group leaves the container), then
     * the container fd.
     */
    @Override
    public void close() {
        release();
    }

    @Override
    String kind() {
        return "container";
    }

    @Override
    void beforeClose(Closer closer) {
        for (VfioDmaMapping m : List.copyOf(dmaMappings).reversed()) closer.run(m::closeWithContainer);
        for (VfioGroup g : List.copyOf(groups).reversed()) closer.run(g::close);
    }

    @Override
    void afterClose() {
    }

    @Override
    public String toString() {
        return "VfioContainer[" + fd + (!isOpen() ? ", closed" : ", groups " + groups.stream().map(VfioGroup::number).toList()
                + (dmaMappings.isEmpty() ? "" : ", " + dmaMappings.size() + " DMA mappings")) + "]";
    }
}
