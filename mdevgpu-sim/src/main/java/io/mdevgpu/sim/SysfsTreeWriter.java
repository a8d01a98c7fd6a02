package io.mdevgpu.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Stream;

import io.mdevgpu.PciAddress;
import io.mdevgpu.kernel.mdev.MdevInstanceInfo;
import io.mdevgpu.kernel.mdev.MdevTypeInfo;
import io.mdevgpu.kernel.nvvf.CreatableTypesFile;
import io.mdevgpu.kernel.nvvf.NvidiaVfPort.CreatableType;
import io.mdevgpu.kernel.pci.PciDevice;
import io.mdevgpu.kernel.pci.PciResource;
import io.mdevgpu.kernel.sysfs.SysfsLayout;
import io.mdevgpu.kernel.sysfs.SysfsReader;

/**
 * Writes a sysfs-shaped tree laid out exactly like the kernel's, relative symbolic links included, for
 * fake hosts in tests and for the simulated kernel, which materialises its host for other programs
 * ({@code mdevctl}) to read:
 * <pre>
 * sys/devices/pci0000:00/0000:00:06.0/{vendor,device,...,resource,config}
 * sys/devices/pci0000:00/0000:00:06.0/driver      -> ../../../bus/pci/drivers/nvidia
 * sys/devices/pci0000:00/0000:00:06.0/iommu_group -> ../../../kernel/iommu_groups/12
 * sys/bus/pci/devices/0000:00:06.0                -> ../../../devices/pci0000:00/0000:00:06.0
 * sys/class/mdev_bus/0000:00:06.0                 -> ../../devices/pci0000:00/0000:00:06.0
 * .../0000:00:06.0/mdev_supported_types/nvidia-529/{name,description,device_api,available_instances,create,devices/}
 * sys/bus/mdev/devices/UUID                       -> ../../../devices/pci0000:00/0000:00:06.0/UUID
 * .../0000:00:06.0/UUID/{mdev_type -> ../mdev_supported_types/nvidia-529, iommu_group -> ..., remove}
 * </pre>
 * Text attributes end with a newline, as the kernel's do. The writer records what it is told and checks
 * nothing about the kernel's rules (counts, errnos): that is the simulated kernel's job. A file that cannot be
 * written raises the {@code KernelException} of its errno; writing out of order (an instance before its type)
 * raises {@link IllegalStateException}. A text attribute is replaced in one step, so that a concurrent reader never
 * sees it half-written; the writer itself is not thread-safe.
 */
public final class SysfsTreeWriter {
    private final SysfsLayout layout;

    public SysfsTreeWriter(SysfsLayout layout) {
        this.layout = Objects.requireNonNull(layout, "layout");
    }

    public SysfsLayout layout() {
        return layout;
    }

    /**
     * Writes a PCI function: its directory with every attribute {@link PciDevice} holds, the
     * {@code bus/pci/devices} link, and the {@code driver} and {@code iommu_group} links with their
     * counterparts (the driver's and the group's links back to the device).
     *
     * @return the device's directory
     */
    public Path pciDevice(PciDevice device) {
        PciAddress address = device.address();
        Path dir = layout.pciDeviceDirectory(address);
        mkdirs(dir);
        attribute(dir, "vendor", String.format("0x%04x", device.id().vendor()));
        attribute(dir, "device", String.format("0x%04x", device.id().device()));
        attribute(dir, "subsystem_vendor", String.format("0x%04x", device.id().subsystemVendor()));
        attribute(dir, "subsystem_device", String.format("0x%04x", device.id().subsystemDevice()));
        attribute(dir, "class", String.format("0x%06x", device.classCode()));
        attribute(dir, "revision", String.format("0x%02x", device.revision()));
        attribute(dir, "numa_node", Integer.toString(device.numaNode()));
        write(dir.resolve("resource"), PciResource.toSysfsText(device.resources()));
        writeBytes(dir.resolve("config"), device.config());
        link(dir.resolve("subsystem"), layout.sys().resolve("bus/pci"));
        link(layout.pciDevice(address), dir);
        device.driver().ifPresent(driver -> {
            Path driverDir = layout.pciDriver(driver);
            mkdirs(driverDir);
            link(dir.resolve("driver"), driverDir);
            link(driverDir.resolve(address.toString()), dir);
        });
        device.iommuGroup().ifPresent(group -> iommuGroupMember(dir, address.toString(), group));
        return dir;
    }

    /** Registers the PCI device at {@code address} (written before) as an mdev parent. */
    public Path mdevParent(PciAddress address) {
        Path dir = layout.pciDeviceDirectory(address);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("write the PCI device " + address + " before registering it as a parent");
        }
        return registerParent(address.toString(), dir);
    }

    /**
     * Registers a parent that is no PCI device, as the kernel's sample drivers do:
     * {@code devices/virtual/mbochs/mbochs}.
     */
    public Path mdevVirtualParent(String className, String name) {
        Path dir = layout.virtualDeviceDirectory(className, name);
        mkdirs(dir);
        return registerParent(name, dir);
    }

    private Path registerParent(String name, Path dir) {
        mkdirs(dir.resolve("mdev_supported_types"));
        link(layout.mdevParent(name), dir);
        return dir;
    }

    /**
     * Writes a type directory under its parent (registered before): {@code name} and {@code description} when
     * present, {@code device_api}, {@code available_instances}, an empty {@code create} and {@code devices/}.
     * The type's {@code devices()} are not written: {@link #mdevInstance} links each instance.
     */
    public Path mdevType(MdevTypeInfo type) {
        Path dir = parentDirectory(type.parent()).resolve("mdev_supported_types").resolve(SysfsLayout.segment("mdev type", type.id()));
        mkdirs(dir.resolve("devices"));
        type.name().ifPresent(name -> attribute(dir, "name", name));
        type.description().ifPresent(description -> attribute(dir, "description", description));
        attribute(dir, "device_api", type.deviceApi());
        attribute(dir, "available_instances", Long.toString(type.availableInstances()));
        write(dir.resolve("create"), "");
        return dir;
    }

    /**
     * Takes a type away from its parent, as a vendor driver does when it no longer offers it: the type's directory.
     *
     * @throws IllegalStateException while an instance of the type still links to it
     */
    public void removeMdevType(String parent, String typeId) {
        Path dir = typeDirectory(parent, typeId);
        if (!SysfsReader.names(dir.resolve("devices")).isEmpty()) {
            throw new IllegalStateException("the mdev type " + typeId + " of " + parent + " still has instances");
        }
        deleteTree(dir);
    }

    /** Rewrites a type's {@code available_instances}. */
    public void availableInstances(String parent, String typeId, long count) {
        attribute(typeDirectory(parent, typeId), "available_instances", Long.toString(count));
    }

    /**
     * Writes an instance under its parent, of a type written before: its directory with {@code mdev_type},
     * {@code iommu_group} (when it has one) and {@code remove}, the {@code bus/mdev/devices} link and the
     * type's {@code devices/} link.
     */
    public Path mdevInstance(MdevInstanceInfo instance) {
        Path typeDir = typeDirectory(instance.parent(), instance.typeId());
        String name = SysfsLayout.name(instance.uuid());
        Path dir = parentDirectory(instance.parent()).resolve(name);
        mkdirs(dir);
        link(dir.resolve("mdev_type"), typeDir);
        write(dir.resolve("remove"), "");
        instance.iommuGroup().ifPresent(group -> iommuGroupMember(dir, name, group));
        link(layout.mdevDevice(instance.uuid()), dir);
        link(typeDir.resolve("devices").resolve(name), dir);
        return dir;
    }

    /** Takes an instance away as the kernel does on remove: its directory and every link to it. */
    public void removeMdevInstance(UUID uuid) {
        deleteMdevInstance(unlistMdevInstance(uuid));
    }

    /**
     * What the kernel takes away as soon as a remove begins, before it waits for the device's last fd to close: the
     * {@code bus/mdev/devices} link, the type's {@code devices/} link, the {@code mdev_type} link and the
     * {@code remove} attribute itself. The instance's directory (and its IOMMU group) stay; returns that directory,
     * for {@link #deleteMdevInstance} when the remove completes.
     */
    public Path unlistMdevInstance(UUID uuid) {
        Path busLink = layout.mdevDevice(uuid);
        if (!Files.isSymbolicLink(busLink)) {
            throw new IllegalStateException("no mdev instance " + SysfsLayout.name(uuid) + " at " + busLink);
        }
        Path dir = resolveLink(busLink);
        Path typeDir = resolveLink(dir.resolve("mdev_type"));
        delete(typeDir.resolve("devices").resolve(SysfsLayout.name(uuid)));
        delete(dir.resolve("mdev_type"));
        delete(dir.resolve("remove"));
        delete(busLink);
        return dir;
    }

    /** Deletes an instance's directory {@code dir} under its parent and its IOMMU group: the end of a remove. */
    public void deleteMdevInstance(Path dir) {
        Path groupLink = dir.resolve("iommu_group");
        if (Files.isSymbolicLink(groupLink)) deleteTree(resolveLink(groupLink));
        deleteTree(dir);
    }

    /**
     * Writes the {@code nvidia/} directory of the VF at {@code vf} (its PCI function written before):
     * {@code creatable_vgpu_types} as the driver prints it and {@code current_vgpu_type}.
     *
     * @return the {@code nvidia/} directory
     */
    public Path nvidiaVf(PciAddress vf, int currentType, List<CreatableType> creatable) {
        Path dir = layout.pciDeviceDirectory(vf);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("write the PCI function " + vf + " before its nvidia/ directory");
        }
        Path nvidia = dir.resolve("nvidia");
        mkdirs(nvidia);
        write(nvidia.resolve("creatable_vgpu_types"), CreatableTypesFile.format(creatable));
        attribute(nvidia, "current_vgpu_type", Integer.toString(currentType));
        return nvidia;
    }

    /**
     * Writes a plain file of the tree outside sysfs, such as {@code proc/driver/nvidia/version}, or an empty one
     * standing in for a device node ({@code dev/nvidiactl}, {@code dev/vfio/12}), with its directories.
     */
    public void file(Path file, String text) {
        mkdirs(file.getParent());
        write(file, text);
    }

    /** Creates a directory of the tree with its parents ({@code etc/mdevctl.d/scripts.d/callouts}). */
    public void directory(Path dir) {
        mkdirs(dir);
    }

    /** Deletes a file of the tree (a device node that goes away); a missing one is no error. */
    public void removeFile(Path file) {
        delete(file);
    }

    /** Writes a text attribute, {@code text} plus the kernel's newline. */
    public void attribute(Path directory, String name, String text) {
        write(directory.resolve(SysfsLayout.segment("attribute", name)), text + "\n");
    }

    private void iommuGroupMember(Path deviceDir, String deviceName, int group) {
        Path groupDir = layout.iommuGroup(group);
        mkdirs(groupDir.resolve("devices"));
        link(deviceDir.resolve("iommu_group"), groupDir);
        link(groupDir.resolve("devices").resolve(deviceName), deviceDir);
    }

    /** The parent's own directory, found through its {@code class/mdev_bus} link. */
    private Path parentDirectory(String parent) {
        Path link = layout.mdevParent(parent);
        if (!Files.isSymbolicLink(link)) {
            throw new IllegalStateException("register the mdev parent " + parent + " before writing its types");
        }
        return resolveLink(link);
    }

    private Path typeDirectory(String parent, String typeId) {
        Path dir = parentDirectory(parent).resolve("mdev_supported_types").resolve(SysfsLayout.segment("mdev type", typeId));
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("write the mdev type " + typeId + " of " + parent + " first");
        }
        return dir;
    }

    /** Follows one link within the tree, lexically, so that the result stays under the tree's own root. */
    private static Path resolveLink(Path link) {
        try {
            return link.getParent().resolve(Files.readSymbolicLink(link)).normalize();
        } catch (IOException e) {
            throw SysfsReader.failure("read link", link, e);
        }
    }

    /** A relative link, as sysfs makes them: {@code ../../../bus/pci/drivers/nvidia}. */
    private static void link(Path link, Path target) {
        try {
            mkdirs(link.getParent());
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, link.getParent().relativize(target));
        } catch (IOException e) {
            throw SysfsReader.failure("link", link, e);
        }
    }

    /** The temporary file {@code file} is written to and renamed from; a writer killed between leaves it. */
    public static Path temporaryOf(Path file) {
        return file.resolveSibling("." + file.getFileName() + ".new");
    }

    /**
     * Replaces the file in one step (a temporary file renamed over it), so that a concurrent reader sees the old text
     * or the new one, never a half-written file: as a read of a sysfs attribute is.
     */
    private static void write(Path file, String text) {
        Path temporary = temporaryOf(file);
        try {
            Files.writeString(temporary, text);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw SysfsReader.failure("write", file, e);
        }
    }

    private static void writeBytes(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw SysfsReader.failure("write", file, e);
        }
    }

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw SysfsReader.failure("create", dir, e);
        }
    }

    private static void delete(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw SysfsReader.failure("delete", path, e);
        }
    }

    /** Deletes a directory and what is in it (a whole fake tree, say), never following links out of it. */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (IOException e) {
            throw SysfsReader.failure("delete", dir, e);
        }
    }
}
