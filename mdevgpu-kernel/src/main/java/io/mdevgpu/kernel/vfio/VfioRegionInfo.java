package io.mdevgpu.kernel.vfio;

import static io.mdevgpu.kernel.abi.vfio.VfioConstants.*;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code VFIO_DEVICE_GET_REGION_INFO} says about one region, capability chain included.
 *
 * @param index        the region index (vfio-pci: BAR0-5 = 0-5, ROM 6, CONFIG 7, VGA 8; more may follow)
 * @param flags        {@code VFIO_REGION_INFO_FLAG_*}
 * @param size         bytes (config space regions of the kernel's sample drivers say 0xff)
 * @param offset       where the region starts in the device fd; drivers pack them differently, always use this
 * @param sparse       whether a sparse-mmap capability restricts mapping to {@link #mmapAreas}
 * @param mmapAreas    what may be mapped: the sparse areas; the whole region when it has the MMAP flag and no
 *                     sparse capability; nothing otherwise
 * @param type         the device-specific type capability, when present
 * @param capabilities the ids of every capability in the chain, in chain order
 */
public record VfioRegionInfo(int index, int flags, long size, long offset, boolean sparse, List<Area> mmapAreas,
                             Optional<Type> type, List<Integer> capabilities) {
    private static final String[] PCI_NAMES = {"BAR0", "BAR1", "BAR2", "BAR3", "BAR4", "BAR5", "ROM", "CONFIG", "VGA"};

    /** A mappable area: {@code offset} and {@code size} within the region. */
    public record Area(long offset, long size) {
        public boolean contains(long at, long length) {
            return at >= offset && length >= 0 && at + length <= offset + size;
        }

        @Override
        public String toString() {
            return "0x" + Long.toHexString(offset) + "+0x" + Long.toHexString(size);
        }
    }

    /** A device-specific region type ({@code VFIO_REGION_TYPE_*}) and subtype. */
    public record Type(int type, int subtype) {
        @Override
        public String toString() {
            return "type 0x" + Integer.toHexString(type) + " subtype " + subtype;
        }
    }

    public VfioRegionInfo {
        mmapAreas = List.copyOf(mmapAreas);
        Objects.requireNonNull(type, "type");
        capabilities = List.copyOf(capabilities);
    }

    /** {@code BAR0}...{@code VGA} for vfio-pci's fixed indexes, else {@code region N}. */
    public String name() {
        return index >= 0 && index < PCI_NAMES.length ? PCI_NAMES[index] : "region " + index;
    }

    public boolean readable() { return (flags & VFIO_REGION_INFO_FLAG_READ) != 0; }
    public boolean writable() { return (flags & VFIO_REGION_INFO_FLAG_WRITE) != 0; }
    public boolean mappable() { return (flags & VFIO_REGION_INFO_FLAG_MMAP) != 0 && !mmapAreas.isEmpty(); }

    @Override
    public String toString() {
        String rw = (readable() ? "R" : "") + (writable() ? "W" : "") + ((flags & VFIO_REGION_INFO_FLAG_MMAP) != 0 ? "M" : "");
        return name() + " size 0x" + Long.toHexString(size) + " at 0x" + Long.toHexString(offset) + " [" + rw + "]"
                + (sparse ? " sparse " + mmapAreas : "") + type.map(t -> " " + t).orElse("");
    }
}
