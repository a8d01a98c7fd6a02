package io.mdevgpu.kernel.vfio;

import java.util.Objects;
import java.util.Optional;

/**
 * A device in an IOMMU group: its name ({@code 0000:65:00.1}, or an mdev's UUID) and the driver bound to it,
 * if any. All of a group's devices must be bound to VFIO (or to no driver) for the group to be viable.
 */
public record IommuGroupMember(String device, Optional<String> driver) {
    public IommuGroupMember {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(driver, "driver");
    }

    @Override
    public String toString() {
        return device + driver.map(d -> " (driver " + d + ")").orElse(" (no driver)");
    }
}
