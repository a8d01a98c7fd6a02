package io.mdevgpu.sim;

import java.util.Map;
import java.util.TreeMap;

import io.mdevgpu.Errno;

/**
 * One type1 container's DMA mappings, as the real kernel keeps them (harness K22): each {@code VFIO_IOMMU_MAP_DMA}
 * takes one of the container's DMA-available entries, an IOVA range that overlaps a mapping is {@code EEXIST}, a
 * zero or unaligned size or IOVA is {@code EINVAL}, and {@code VFIO_IOMMU_UNMAP_DMA} unmaps whole mappings only (a
 * range that cuts one is {@code EINVAL}) and reports the bytes it unmapped. The container's last group leaving
 * takes them all. Not thread-safe: the simulated VFIO kernel calls it under its lock.
 */
final class SimDmaMappings {
    /** {@code dma_entry_limit}, the type1 module's default. */
    static final int ENTRY_LIMIT = 65535;
    private static final long PAGE = 4096;

    private final TreeMap<Long, Long> byIova = new TreeMap<>(); // IOVA to size

    /** {@code VFIO_IOMMU_MAP_DMA}: 0, or the negated errno. */
    int map(long iova, long size) {
        if (size <= 0 || iova % PAGE != 0 || size % PAGE != 0 || iova + size < iova) return -Errno.EINVAL.number();
        Map.Entry<Long, Long> before = byIova.floorEntry(iova + size - 1);
        if (before != null && before.getKey() + before.getValue() > iova) return -Errno.EEXIST.number();
        if (byIova.size() >= ENTRY_LIMIT) return -Errno.ENOSPC.number();
        byIova.put(iova, size);
        return 0;
    }

    /** {@code VFIO_IOMMU_UNMAP_DMA} of {@code [iova, iova + size)}: the bytes unmapped, or the negated errno. */
    long unmap(long iova, long size) {
        if (size <= 0 || iova + size < iova) return -Errno.EINVAL.number();
        long end = iova + size;
        Map.Entry<Long, Long> first = byIova.lowerEntry(iova);
        if (first != null && first.getKey() + first.getValue() > iova) return -Errno.EINVAL.number(); // cuts one
        Map.Entry<Long, Long> last = byIova.lowerEntry(end);
        if (last != null && last.getKey() >= iova && last.getKey() + last.getValue() > end) return -Errno.EINVAL.number();
        Map<Long, Long> inside = byIova.subMap(iova, end);
        long unmapped = 0;
        for (long s : inside.values()) unmapped += s;
        inside.clear();
        return unmapped;
    }

    int count() {
        return byIova.size();
    }

    @Override
    public String toString() {
        return byIova.size() + " DMA mapping(s)";
    }
}
