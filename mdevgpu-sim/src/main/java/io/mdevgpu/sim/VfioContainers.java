package io.mdevgpu.sim;

import static io.mdevgpu.kernel.abi.vfio.VfioConstants.*;
import static io.mdevgpu.kernel.abi.vfio.VfioIoctls.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

import io.mdevgpu.Errno;
import io.mdevgpu.kernel.abi.vfio.vfio_group_status;
import io.mdevgpu.kernel.abi.vfio.vfio_iommu_type1_dma_map;
import io.mdevgpu.kernel.abi.vfio.vfio_iommu_type1_dma_unmap;
import io.mdevgpu.kernel.abi.vfio.vfio_iommu_type1_info;

/**
 * The simulated VFIO's containers: the API version and extension check, {@code SET_IOMMU}, the type1 IOMMU's info and
 * DMA mappings, and which group is set to which container ({@code GET_STATUS}, {@code SET_CONTAINER},
 * {@code UNSET_CONTAINER}). Guarded by the simulated kernel's lock.
 */
final class VfioContainers {
    private final Map<Integer, Integer> groupContainer = new HashMap<>();
    private final Map<Integer, Boolean> iommuSet = new HashMap<>();
    /** Each container's type1 DMA mappings, from its SET_IOMMU until its last group leaves. */
    private final Map<Integer, SimDmaMappings> dma = new HashMap<>();
    int apiVersion = VFIO_API_VERSION;
    boolean type1v2 = true;

    int container(int fd, int request, MemorySegment arg, long value) {
        boolean hasGroup = groupContainer.containsValue(fd);
        if (request == VFIO_GET_API_VERSION) return apiVersion;
        if (request == VFIO_CHECK_EXTENSION) return value == VFIO_TYPE1v2_IOMMU && type1v2 ? 1 : 0;
        if (request == VFIO_SET_IOMMU) {
            if (!hasGroup || iommuSet.containsKey(fd) || value != VFIO_TYPE1v2_IOMMU || !type1v2) return -Errno.EINVAL.number();
            iommuSet.put(fd, true);
            dma.put(fd, new SimDmaMappings());
            return 0;
        }
        if (!iommuSet.containsKey(fd)) return -Errno.EINVAL.number();
        if (request == VFIO_IOMMU_GET_INFO) {
            vfio_iommu_type1_info.flags(arg, VFIO_IOMMU_INFO_PGSIZES);
            vfio_iommu_type1_info.iova_pgsizes(arg, 0x40201000L);
            return 0;
        }
        if (request == VFIO_IOMMU_MAP_DMA) {
            return dma.get(fd).map(vfio_iommu_type1_dma_map.iova(arg), vfio_iommu_type1_dma_map.size(arg));
        }
        if (request == VFIO_IOMMU_UNMAP_DMA) {
            long unmapped = dma.get(fd).unmap(vfio_iommu_type1_dma_unmap.iova(arg), vfio_iommu_type1_dma_unmap.size(arg));
            if (unmapped < 0) return (int) unmapped;
            vfio_iommu_type1_dma_unmap.size(arg, unmapped); // the kernel reports what it unmapped
            return 0;
        }
        return -Errno.ENOTTY.number();
    }

    int unset(int groupFd) {
        Integer container = groupContainer.remove(groupFd);
        if (container == null) return -Errno.EINVAL.number();
        if (!groupContainer.containsValue(container)) { // the last group takes the IOMMU and its DMA mappings
            iommuSet.remove(container);
            dma.remove(container);
        }
        return 0;
    }

    /** A group's GET_STATUS: viable, and whether it is set to a container. */
    int status(int groupFd, SimVfioKernel.Group group, MemorySegment arg) {
        vfio_group_status.flags(arg, (group.viable ? VFIO_GROUP_FLAGS_VIABLE : 0)
                | (groupContainer.containsKey(groupFd) ? VFIO_GROUP_FLAGS_CONTAINER_SET : 0));
        return 0;
    }

    /** A group's SET_CONTAINER: the container fd is in {@code arg}. */
    int setContainer(VfioFds fds, int groupFd, SimVfioKernel.Group group, MemorySegment arg) {
        VfioFds.Node c = fds.node(arg.get(JAVA_INT, 0));
        if (c == null || c.kind() != VfioFds.Kind.CONTAINER) return -Errno.EBADF.number();
        if (groupContainer.containsKey(groupFd)) return -Errno.EINVAL.number();
        if (!group.viable) return -Errno.EPERM.number();
        groupContainer.put(groupFd, arg.get(JAVA_INT, 0));
        return 0;
    }

    /** Whether the group behind {@code groupFd} is in a container with its IOMMU set: its devices can be opened. */
    boolean usable(int groupFd) {
        return groupContainer.containsKey(groupFd) && iommuSet.containsKey(groupContainer.get(groupFd));
    }

    /** The container's release: its IOMMU and DMA mappings go. */
    void closeContainer(int fd) {
        iommuSet.remove(fd);
        dma.remove(fd);
    }

    void clear() {
        groupContainer.clear();
        iommuSet.clear();
        dma.clear();
    }
}
