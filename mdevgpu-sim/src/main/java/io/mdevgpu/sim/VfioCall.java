package io.mdevgpu.sim;

import io.mdevgpu.kernel.abi.vfio.VfioIoctls;

/**
 * The simulated VFIO's system calls; each ioctl by request, a narrower {@link #IOCTL}. A failed call returns
 * {@code -errno} and changes nothing, except {@link #CLOSE}, which releases the fd as Linux does.
 */
public enum VfioCall implements SimCall {
    OPEN, CLOSE, READ, WRITE, MMAP, MUNMAP,
    /** Any ioctl, including those named below. */
    IOCTL,
    GET_API_VERSION(VfioIoctls.VFIO_GET_API_VERSION),
    CHECK_EXTENSION(VfioIoctls.VFIO_CHECK_EXTENSION),
    SET_IOMMU(VfioIoctls.VFIO_SET_IOMMU),
    GROUP_GET_STATUS(VfioIoctls.VFIO_GROUP_GET_STATUS),
    GROUP_SET_CONTAINER(VfioIoctls.VFIO_GROUP_SET_CONTAINER),
    GROUP_UNSET_CONTAINER(VfioIoctls.VFIO_GROUP_UNSET_CONTAINER),
    GROUP_GET_DEVICE_FD(VfioIoctls.VFIO_GROUP_GET_DEVICE_FD),
    DEVICE_GET_INFO(VfioIoctls.VFIO_DEVICE_GET_INFO),
    DEVICE_GET_REGION_INFO(VfioIoctls.VFIO_DEVICE_GET_REGION_INFO),
    DEVICE_GET_IRQ_INFO(VfioIoctls.VFIO_DEVICE_GET_IRQ_INFO),
    DEVICE_SET_IRQS(VfioIoctls.VFIO_DEVICE_SET_IRQS),
    DEVICE_RESET(VfioIoctls.VFIO_DEVICE_RESET),
    IOMMU_GET_INFO(VfioIoctls.VFIO_IOMMU_GET_INFO),
    IOMMU_MAP_DMA(VfioIoctls.VFIO_IOMMU_MAP_DMA),
    IOMMU_UNMAP_DMA(VfioIoctls.VFIO_IOMMU_UNMAP_DMA);

    private static final VfioCall[] VALUES = values();
    private final long request;

    VfioCall() {
        this(-1);
    }

    VfioCall(long request) {
        this.request = request;
    }

    @Override
    public Faults.Seam seam() {
        return Faults.Seam.VFIO;
    }

    @Override
    public SimCall kind() {
        return request < 0 ? this : IOCTL;
    }

    /** The ioctl {@code request} is, or {@link #IOCTL} for one not named here; allocates nothing. */
    static VfioCall ofIoctl(long request) {
        for (VfioCall c : VALUES) {
            if (c.request >= 0 && c.request == request) return c;
        }
        return IOCTL;
    }
}
