package io.mdevgpu.kernel.abi.vfio;

/** The macros and enum values of {@code linux/vfio.h} that mdevgpu uses, each named as in C. */
public final class VfioConstants {
    public static final int VFIO_API_VERSION = 0;

    // extensions (VFIO_CHECK_EXTENSION) and IOMMU models (VFIO_SET_IOMMU)
    public static final int VFIO_TYPE1_IOMMU = 1;
    public static final int VFIO_SPAPR_TCE_IOMMU = 2;
    public static final int VFIO_TYPE1v2_IOMMU = 3;
    public static final int VFIO_DMA_CC_IOMMU = 4;
    public static final int VFIO_EEH = 5;
    public static final int VFIO_TYPE1_NESTING_IOMMU = 6;
    public static final int VFIO_SPAPR_TCE_v2_IOMMU = 7;
    public static final int VFIO_NOIOMMU_IOMMU = 8;
    public static final int VFIO_UNMAP_ALL = 9;
    public static final int VFIO_UPDATE_VADDR = 10;

    // vfio_group_status.flags
    public static final int VFIO_GROUP_FLAGS_VIABLE = 1 << 0;
    public static final int VFIO_GROUP_FLAGS_CONTAINER_SET = 1 << 1;

    // vfio_device_info.flags
    public static final int VFIO_DEVICE_FLAGS_RESET = 1 << 0;
    public static final int VFIO_DEVICE_FLAGS_PCI = 1 << 1;
    public static final int VFIO_DEVICE_FLAGS_PLATFORM = 1 << 2;
    public static final int VFIO_DEVICE_FLAGS_AMBA = 1 << 3;
    public static final int VFIO_DEVICE_FLAGS_CCW = 1 << 4;
    public static final int VFIO_DEVICE_FLAGS_AP = 1 << 5;
    public static final int VFIO_DEVICE_FLAGS_FSL_MC = 1 << 6;
    public static final int VFIO_DEVICE_FLAGS_CAPS = 1 << 7;

    // device capability ids (s390 zPCI only)
    public static final int VFIO_DEVICE_INFO_CAP_ZPCI_BASE = 1;
    public static final int VFIO_DEVICE_INFO_CAP_ZPCI_GROUP = 2;
    public static final int VFIO_DEVICE_INFO_CAP_ZPCI_UTIL = 3;
    public static final int VFIO_DEVICE_INFO_CAP_ZPCI_PFIP = 4;

    // an mdev type's device_api attribute
    public static final String VFIO_DEVICE_API_PCI_STRING = "vfio-pci";
    public static final String VFIO_DEVICE_API_PLATFORM_STRING = "vfio-platform";
    public static final String VFIO_DEVICE_API_AMBA_STRING = "vfio-amba";
    public static final String VFIO_DEVICE_API_CCW_STRING = "vfio-ccw";
    public static final String VFIO_DEVICE_API_AP_STRING = "vfio-ap";

    // vfio_region_info.flags
    public static final int VFIO_REGION_INFO_FLAG_READ = 1 << 0;
    public static final int VFIO_REGION_INFO_FLAG_WRITE = 1 << 1;
    public static final int VFIO_REGION_INFO_FLAG_MMAP = 1 << 2;
    public static final int VFIO_REGION_INFO_FLAG_CAPS = 1 << 3;

    // region capability ids
    public static final int VFIO_REGION_INFO_CAP_SPARSE_MMAP = 1;
    public static final int VFIO_REGION_INFO_CAP_TYPE = 2;
    public static final int VFIO_REGION_INFO_CAP_MSIX_MAPPABLE = 3;
    public static final int VFIO_REGION_INFO_CAP_NVLINK2_SSATGT = 4;
    public static final int VFIO_REGION_INFO_CAP_NVLINK2_LNKSPD = 5;

    // vfio_region_info_cap_type.type and .subtype
    public static final int VFIO_REGION_TYPE_PCI_VENDOR_TYPE = 1 << 31;
    public static final int VFIO_REGION_TYPE_PCI_VENDOR_MASK = 0xffff;
    public static final int VFIO_REGION_TYPE_GFX = 1;
    public static final int VFIO_REGION_TYPE_CCW = 2;
    public static final int VFIO_REGION_TYPE_MIGRATION_DEPRECATED = 3;
    public static final int VFIO_REGION_SUBTYPE_INTEL_IGD_OPREGION = 1;
    public static final int VFIO_REGION_SUBTYPE_INTEL_IGD_HOST_CFG = 2;
    public static final int VFIO_REGION_SUBTYPE_INTEL_IGD_LPC_CFG = 3;
    public static final int VFIO_REGION_SUBTYPE_NVIDIA_NVLINK2_RAM = 1;
    public static final int VFIO_REGION_SUBTYPE_IBM_NVLINK2_ATSD = 1;
    public static final int VFIO_REGION_SUBTYPE_GFX_EDID = 1;

    // vfio_irq_info.flags
    public static final int VFIO_IRQ_INFO_EVENTFD = 1 << 0;
    public static final int VFIO_IRQ_INFO_MASKABLE = 1 << 1;
    public static final int VFIO_IRQ_INFO_AUTOMASKED = 1 << 2;
    public static final int VFIO_IRQ_INFO_NORESIZE = 1 << 3;

    // vfio_irq_set.flags
    public static final int VFIO_IRQ_SET_DATA_NONE = 1 << 0;
    public static final int VFIO_IRQ_SET_DATA_BOOL = 1 << 1;
    public static final int VFIO_IRQ_SET_DATA_EVENTFD = 1 << 2;
    public static final int VFIO_IRQ_SET_ACTION_MASK = 1 << 3;
    public static final int VFIO_IRQ_SET_ACTION_UNMASK = 1 << 4;
    public static final int VFIO_IRQ_SET_ACTION_TRIGGER = 1 << 5;
    public static final int VFIO_IRQ_SET_DATA_TYPE_MASK =
            VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_DATA_EVENTFD;
    public static final int VFIO_IRQ_SET_ACTION_TYPE_MASK =
            VFIO_IRQ_SET_ACTION_MASK | VFIO_IRQ_SET_ACTION_UNMASK | VFIO_IRQ_SET_ACTION_TRIGGER;

    // vfio-pci's fixed region indexes
    public static final int VFIO_PCI_BAR0_REGION_INDEX = 0;
    public static final int VFIO_PCI_BAR1_REGION_INDEX = 1;
    public static final int VFIO_PCI_BAR2_REGION_INDEX = 2;
    public static final int VFIO_PCI_BAR3_REGION_INDEX = 3;
    public static final int VFIO_PCI_BAR4_REGION_INDEX = 4;
    public static final int VFIO_PCI_BAR5_REGION_INDEX = 5;
    public static final int VFIO_PCI_ROM_REGION_INDEX = 6;
    public static final int VFIO_PCI_CONFIG_REGION_INDEX = 7;
    public static final int VFIO_PCI_VGA_REGION_INDEX = 8;
    public static final int VFIO_PCI_NUM_REGIONS = 9;

    // vfio-pci's fixed IRQ indexes
    public static final int VFIO_PCI_INTX_IRQ_INDEX = 0;
    public static final int VFIO_PCI_MSI_IRQ_INDEX = 1;
    public static final int VFIO_PCI_MSIX_IRQ_INDEX = 2;
    public static final int VFIO_PCI_ERR_IRQ_INDEX = 3;
    public static final int VFIO_PCI_REQ_IRQ_INDEX = 4;
    public static final int VFIO_PCI_NUM_IRQS = 5;

    // vfio_iommu_type1_info.flags and its capability ids
    public static final int VFIO_IOMMU_INFO_PGSIZES = 1 << 0;
    public static final int VFIO_IOMMU_INFO_CAPS = 1 << 1;
    public static final int VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE = 1;
    public static final int VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION = 2;
    public static final int VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL = 3;

    // vfio_iommu_type1_dma_map.flags and vfio_iommu_type1_dma_unmap.flags
    public static final int VFIO_DMA_MAP_FLAG_READ = 1 << 0;
    public static final int VFIO_DMA_MAP_FLAG_WRITE = 1 << 1;
    public static final int VFIO_DMA_MAP_FLAG_VADDR = 1 << 2;
    public static final int VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP = 1 << 0;
    public static final int VFIO_DMA_UNMAP_FLAG_ALL = 1 << 1;
    public static final int VFIO_DMA_UNMAP_FLAG_VADDR = 1 << 2;

    private VfioConstants() {
    }
}
