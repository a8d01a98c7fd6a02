package io.mdevgpu.kernel.vfio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds sysfs pieces the way the kernel lays them out, symlinks included. */
final class FakeSysfs {
    private FakeSysfs() {
    }

    /**
     * {@code kernel/iommu_groups/N/devices/ADDR -> ../../../../devices/pci0000:00/ADDR}, and the device's
     * {@code driver -> ../../../bus/pci/drivers/DRIVER} when it has one.
     */
    static void iommuGroup(Path sys, int group, String address, String driver) throws IOException {
        Path device = Files.createDirectories(sys.resolve("devices/pci0000:00").resolve(address));
        Path devices = Files.createDirectories(sys.resolve("kernel/iommu_groups").resolve(Integer.toString(group)).resolve("devices"));
        Files.createSymbolicLink(devices.resolve(address), Path.of("../../../../devices/pci0000:00").resolve(address));
        Path type = sys.resolve("kernel/iommu_groups").resolve(Integer.toString(group)).resolve("type");
        if (!Files.exists(type)) Files.writeString(type, "DMA\n");
        if (driver != null) {
            Files.createDirectories(sys.resolve("bus/pci/drivers").resolve(driver));
            Files.createSymbolicLink(device.resolve("driver"), Path.of("../../../bus/pci/drivers").resolve(driver));
        }
        Files.createSymbolicLink(device.resolve("iommu_group"), Path.of("../../../kernel/iommu_groups").resolve(Integer.toString(group)));
    }
}
