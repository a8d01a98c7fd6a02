package io.mdevgpu.kernel.abi.vfio;

import java.lang.foreign.StructLayout;
import java.util.List;

/** The index of this package's bindings: every struct layout, for {@code mdevgpu abi} and the ABI test. */
public final class VfioAbi {
    /** Every struct of this package, in the header's order. */
    public static final List<StructLayout> STRUCTS = List.of(
            vfio_info_cap_header.LAYOUT,
            vfio_group_status.LAYOUT,
            vfio_device_info.LAYOUT,
            vfio_region_info.LAYOUT,
            vfio_region_sparse_mmap_area.LAYOUT,
            vfio_region_info_cap_sparse_mmap.LAYOUT,
            vfio_region_info_cap_type.LAYOUT,
            vfio_irq_info.LAYOUT,
            vfio_irq_set.LAYOUT,
            vfio_iommu_type1_info.LAYOUT,
            vfio_iova_range.LAYOUT,
            vfio_iommu_type1_info_cap_iova_range.LAYOUT,
            vfio_iommu_type1_info_dma_avail.LAYOUT,
            vfio_iommu_type1_dma_map.LAYOUT,
            vfio_iommu_type1_dma_unmap.LAYOUT);

    /** The header these bindings follow. */
    public static final String HEADER = "linux/vfio.h";

    private VfioAbi() {
    }
}
