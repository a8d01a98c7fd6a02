package io.mdevgpu.kernel.vfio;

import java.util.List;
import java.util.OptionalLong;

/**
 * What {@code VFIO_IOMMU_GET_INFO} says about a container's type1 IOMMU: the IOVA page sizes (a bitmap), the
 * usable IOVA ranges and how many more DMA mappings it allows (when the kernel reports them).
 */
public record VfioIommuInfo(int flags, long iovaPageSizes, List<IovaRange> iovaRanges, OptionalLong dmaAvailable) {
    /** A usable IOVA range, both ends inclusive. */
    public record IovaRange(long start, long end) {
        @Override
        public String toString() {
            return "[0x" + Long.toHexString(start) + "..0x" + Long.toHexString(end) + "]";
        }
    }

    public VfioIommuInfo {
        iovaRanges = List.copyOf(iovaRanges);
    }

    @Override
    public String toString() {
        return "type1 IOMMU page sizes 0x" + Long.toHexString(iovaPageSizes)
                + (iovaRanges.isEmpty() ? "" : ", IOVA " + iovaRanges)
                + (dmaAvailable.isPresent() ? ", " + dmaAvailable.getAsLong() + " DMA mappings available" : "");
    }
}
