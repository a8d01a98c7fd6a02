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

    private final Vfio vfio;
    private final VfioKernel kernel;
    private final MemorySegment iommuInfo;
    private final MemorySegment dmaMap;
    private final MemorySegment dmaUnmap;
    /** Copy-on-write: a group closed from another thread leaves it while this container is in use. */
    private final List<VfioGroup> groups = new CopyOnWriteArrayList<>();
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
     * Needs a group in the container; {@code memory} must stay mapped until {@link #unmapDma}.
     */
    public void mapDma(MemorySegment memory, long iova) {
        enter("map DMA");
        try {
            dmaMap.fill((byte) 0);
            vfio_iommu_type1_dma_map.argsz(dmaMap, (int) vfio_iommu_type1_dma_map.sizeof());
            vfio_iommu_type1_dma_map.flags(dmaMap, VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE);
            vfio_iommu_type1_dma_map.vaddr(dmaMap, memory.address());
            vfio_iommu_type1_dma_map.iova(dmaMap, iova);
            vfio_iommu_type1_dma_map.size(dmaMap, memory.byteSize());
            fd.ioctlOrThrow(VFIO_IOMMU_MAP_DMA, dmaMap, null);
        } finally {
            exit();
        }
    }

    /** {@code VFIO_IOMMU_UNMAP_DMA}; returns the bytes the kernel unmapped. */
    public long unmapDma(long iova, long size) {
        enter("unmap DMA");
        try {
            dmaUnmap.fill((byte) 0);
            vfio_iommu_type1_dma_unmap.argsz(dmaUnmap, (int) vfio_iommu_type1_dma_unmap.sizeof());
            vfio_iommu_type1_dma_unmap.iova(dmaUnmap, iova);
            vfio_iommu_type1_dma_unmap.size(dmaUnmap, size);
            fd.ioctlOrThrow(VFIO_IOMMU_UNMAP_DMA, dmaUnmap, null);
            return vfio_iommu_type1_dma_unmap.size(dmaUnmap);
        } finally {
            exit();
        }
    }

    /** Closes every group (devices first, then the group leaves the container), then the container fd. */
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
        for (VfioGroup g : List.copyOf(groups).reversed()) closer.run(g::close);
    }

    @Override
    void afterClose() {
    }

    @Override
    public String toString() {
        return "VfioContainer[" + fd + (!isOpen() ? ", closed" : ", groups " + groups.stream().map(VfioGroup::number).toList()) + "]";
    }
}
