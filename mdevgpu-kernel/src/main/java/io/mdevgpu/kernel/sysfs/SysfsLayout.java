package io.mdevgpu.kernel.sysfs;

import java.nio.file.Path;
import java.util.Objects;
import java.util.UUID;

import io.mdevgpu.PciAddress;
import io.mdevgpu.ValidationException;

/**
 * Where the kernel puts things: every sysfs and {@code /dev} path mdevgpu reads or writes, under two roots
 * ({@code /sys} and {@code /dev} on a real host; a temporary directory for fake trees and the simulated
 * kernel). The readers ({@code LinuxPciDiscovery}, {@code LinuxMdevBus}) and the simulator's {@code SysfsTreeWriter}
 * take their paths from here only, so that a fake tree and the code that reads it cannot drift apart.
 *
 * @param sys the sysfs root, {@code /sys}
 * @param dev the device-node root, {@code /dev}
 */
public record SysfsLayout(Path sys, Path dev) {
    private static final SysfsLayout HOST = new SysfsLayout(Path.of("/sys"), Path.of("/dev"));

    public SysfsLayout {
        Objects.requireNonNull(sys, "sys");
        Objects.requireNonNull(dev, "dev");
    }

    /** The running host: {@code /sys} and {@code /dev}. */
    public static SysfsLayout host() {
        return HOST;
    }

    /** A tree rooted at {@code root}: {@code root/sys} and {@code root/dev} (what mdevctl's env root expects). */
    public static SysfsLayout under(Path root) {
        return new SysfsLayout(root.resolve("sys"), root.resolve("dev"));
    }

    // ---- PCI ----

    /** {@code /sys/bus/pci/devices}: one link per PCI function, named by its address. */
    public Path pciDevices() {
        return sys.resolve("bus/pci/devices");
    }

    /** {@code /sys/bus/pci/devices/0000:65:00.0} (a link to the device's directory). */
    public Path pciDevice(PciAddress address) {
        return pciDevices().resolve(address.toString());
    }

    /**
     * The device's own directory, {@code /sys/devices/pci0000:65/0000:65:00.0}: where fake trees put it. Real
     * hosts may nest a device behind bridges; readers never compute this path, they follow
     * {@link #pciDevice(PciAddress)}.
     */
    public Path pciDeviceDirectory(PciAddress address) {
        return sys.resolve("devices").resolve(String.format("pci%04x:%02x", address.domain(), address.bus()))
                .resolve(address.toString());
    }

    /** {@code /sys/bus/pci/drivers/nvidia}. */
    public Path pciDriver(String driver) {
        return sys.resolve("bus/pci/drivers").resolve(segment("driver name", driver));
    }

    /** {@code /sys/kernel/iommu_groups/12}. */
    public Path iommuGroup(int group) {
        return sys.resolve("kernel/iommu_groups").resolve(groupName(group));
    }

    /** {@code /sys/devices/virtual/mbochs/mbochs}: a parent that is no PCI device (the kernel's sample drivers). */
    public Path virtualDeviceDirectory(String className, String name) {
        return sys.resolve("devices/virtual").resolve(segment("device class", className)).resolve(segment("device name", name));
    }

    // ---- mdev ----

    /** {@code /sys/class/mdev_bus}: one link per registered parent. */
    public Path mdevParents() {
        return sys.resolve("class/mdev_bus");
    }

    /** {@code /sys/class/mdev_bus/0000:65:00.0} (a link to the parent's device directory). */
    public Path mdevParent(String parent) {
        return mdevParents().resolve(segment("mdev parent", parent));
    }

    /** {@code <parent>/mdev_supported_types}. */
    public Path mdevTypes(String parent) {
        return mdevParent(parent).resolve("mdev_supported_types");
    }

    /** {@code <parent>/mdev_supported_types/nvidia-529}. */
    public Path mdevType(String parent, String typeId) {
        return mdevTypes(parent).resolve(segment("mdev type", typeId));
    }

    /** {@code <parent>/mdev_supported_types/nvidia-529/create}: write a UUID to create an instance. */
    public Path mdevCreate(String parent, String typeId) {
        return mdevType(parent, typeId).resolve("create");
    }

    /** {@code /sys/bus/mdev/devices}: one link per instance, named by its lower-case UUID. */
    public Path mdevDevices() {
        return sys.resolve("bus/mdev/devices");
    }

    /** {@code /sys/bus/mdev/devices/<uuid>}. */
    public Path mdevDevice(UUID uuid) {
        return mdevDevices().resolve(name(uuid));
    }

    /** {@code /sys/bus/mdev/devices/<uuid>/remove}: write {@code 1} to remove the instance. */
    public Path mdevRemove(UUID uuid) {
        return mdevDevice(uuid).resolve("remove");
    }

    /** {@code /sys/bus/mdev/devices/<uuid>/vfio-dev}: its VFIO device node's name ({@code vfio0}), with VFIO_DEVICE_CDEV. */
    public Path mdevVfioDev(UUID uuid) {
        return mdevDevice(uuid).resolve("vfio-dev");
    }

    // ---- NVIDIA vendor-specific VFIO: a virtual function's nvidia/ directory ----

    /** {@code /sys/bus/pci/devices/<VF>/nvidia}: present on a VF of a GPU in vendor-VFIO vGPU mode. */
    public Path nvidiaVf(PciAddress vf) {
        return pciDevice(vf).resolve("nvidia");
    }

    /** {@code <VF>/nvidia/creatable_vgpu_types}: the {@code ID : NAME} lines of the types the VF can still take. */
    public Path nvidiaVfCreatableTypes(PciAddress vf) {
        return nvidiaVf(vf).resolve("creatable_vgpu_types");
    }

    /** {@code <VF>/nvidia/current_vgpu_type}: the VF's type id ({@code 0}: none); write an id to create, 0 to delete. */
    public Path nvidiaVfCurrentType(PciAddress vf) {
        return nvidiaVf(vf).resolve("current_vgpu_type");
    }

    /** {@code /sys/bus/pci/devices/<VF>/vfio-dev}: the PCI function's own VFIO device node's name ({@code vfio3}). */
    public Path pciVfioDev(PciAddress address) {
        return pciDevice(address).resolve("vfio-dev");
    }

    // ---- /dev ----

    /** {@code /dev/vfio/vfio}, the VFIO container node. */
    public Path vfioContainer() {
        return dev.resolve("vfio/vfio");
    }

    /** {@code /dev/vfio/12}, the node of IOMMU group 12. */
    public Path vfioGroup(int group) {
        return dev.resolve("vfio").resolve(groupName(group));
    }

    /** {@code /dev/vfio/devices/vfio0}, a device's own VFIO node (kernels with VFIO_DEVICE_CDEV). */
    public Path vfioDeviceNode(String name) {
        return dev.resolve("vfio/devices").resolve(segment("VFIO device node", name));
    }

    /** The kernel's name for an mdev instance: its UUID in lower case. */
    public static String name(UUID uuid) {
        // UUID.toString() is lower case already; say so where the kernel's rule is enforced
        return Objects.requireNonNull(uuid, "uuid").toString().toLowerCase(java.util.Locale.ROOT);
    }

    private static String groupName(int group) {
        if (group < 0) throw new ValidationException("iommu group", Integer.toString(group), "a group number is >= 0");
        return Integer.toString(group);
    }

    /** A name that must be one path segment: no separators, not {@code .} or {@code ..}, not empty. */
    public static String segment(String what, String value) {
        if (value == null || value.isEmpty() || value.equals(".") || value.equals("..") || value.indexOf('/') >= 0
                || value.indexOf('\0') >= 0) {
            throw new ValidationException(what, value, "a single sysfs name: not empty, no '/', not '.' or '..'");
        }
        return value;
    }
}
