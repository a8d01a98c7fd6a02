package io.mdevgpu.kernel.mdev;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * An mdev instance, {@code /sys/bus/mdev/devices/<uuid>}.
 *
 * @param uuid       its UUID (the kernel's name for it, lower case)
 * @param parent     its parent's name ({@code 0000:65:00.0})
 * @param typeId     its type ({@code nvidia-529}), from the {@code mdev_type} link
 * @param iommuGroup its IOMMU group ({@code /dev/vfio/<n>}), empty when the kernel gave it none yet
 */
public record MdevInstanceInfo(UUID uuid, String parent, String typeId, OptionalInt iommuGroup) {
    public MdevInstanceInfo {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(typeId, "typeId");
        Objects.requireNonNull(iommuGroup, "iommuGroup");
    }

    /** Like {@code mdevctl list}: {@code <uuid> 0000:00:06.0 nvidia-529 iommu_group=13}. */
    @Override
    public String toString() {
        return uuid + " " + parent + " " + typeId + " iommu_group="
                + (iommuGroup.isPresent() ? Integer.toString(iommuGroup.getAsInt()) : "none");
    }
}
