package io.mdevgpu.kernel.pci;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.mdevgpu.Errno;
import io.mdevgpu.HostStateException;
import io.mdevgpu.KernelException;
import io.mdevgpu.MdevException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.PciId;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.sysfs.SysfsLayout;
import io.mdevgpu.kernel.sysfs.SysfsReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PCI discovery through sysfs ({@code /sys/bus/pci/devices}), with plain file reads: it works without
 * native access.
 *
 * <p>What is essential and what is not: {@code vendor}, {@code device}, {@code subsystem_vendor},
 * {@code subsystem_device}, {@code revision}, {@code class}, {@code resource} and {@code config} are always
 * there for a PCI function, so a missing or unreadable one raises the {@link KernelException} of its errno and
 * a malformed one a {@link HostStateException}, each naming the path. {@code driver} and {@code iommu_group}
 * are links that are legitimately absent (unbound device, no IOMMU): absent means none. {@code numa_node}
 * exists only on NUMA kernels and carries no decision: missing means -1, malformed is logged as a warning
 * and read as -1. A broken {@code driver} or {@code iommu_group} (present, but not a link) still raises,
 * because VFIO would act on it.
 */
public final class LinuxPciDiscovery implements PciDiscovery {
    private static final Logger LOG = LoggerFactory.getLogger(LinuxPciDiscovery.class);

    private final SysfsLayout layout;

    /** Discovery on the running host ({@code /sys}). */
    public LinuxPciDiscovery() {
        this(SysfsLayout.host());
    }

    /** Discovery on the tree at {@code layout} (a fake tree, or what the simulated kernel materialised). */
    public LinuxPciDiscovery(SysfsLayout layout) {
        this.layout = Objects.requireNonNull(layout, "layout");
    }

    public SysfsLayout layout() {
        return layout;
    }

    @Override
    public List<PciDevice> displayDevices() {
        List<PciDevice> found = new ArrayList<>();
        for (String name : SysfsReader.names(layout.pciDevices())) {
            PciAddress address;
            try {
                address = PciAddress.parse(name);
            } catch (ValidationException e) {
                LOG.warn("skipping {}: the name is not a PCI address", layout.pciDevices().resolve(name));
                continue;
            }
            Path dir = layout.pciDevice(address);
            int classCode;
            try {
                classCode = SysfsReader.hex(dir.resolve("class"), 24);
            } catch (MdevException e) {
                LOG.warn("skipping PCI device {}: its class cannot be read, so it is not known to be a display device: {}",
                        address, e.getMessage());
                continue;
            }
            if (classCode >>> 16 == PciDevice.DISPLAY_BASE_CLASS) {
                found.add(read(address, dir, classCode));
            }
        }
        found.sort((a, b) -> a.address().compareTo(b.address()));
        return List.copyOf(found);
    }

    @Override
    public PciDevice device(PciAddress address) {
        Path dir = layout.pciDevice(address);
        if (!Files.isDirectory(dir)) {
            throw KernelException.of("find PCI device", address + " (" + dir + ")", Errno.ENODEV,
                    "no such PCI device on this host; `lspci -D` lists the addresses");
        }
        return read(address, dir, SysfsReader.hex(dir.resolve("class"), 24));
    }

    private PciDevice read(PciAddress address, Path dir, int classCode) {
        PciId id = PciId.of(SysfsReader.hex(dir.resolve("vendor"), 16), SysfsReader.hex(dir.resolve("device"), 16),
                SysfsReader.hex(dir.resolve("subsystem_vendor"), 16), SysfsReader.hex(dir.resolve("subsystem_device"), 16));
        Path resource = dir.resolve("resource");
        return PciDevice.builder(address)
                .id(id)
                .revision(SysfsReader.hex(dir.resolve("revision"), 8))
                .classCode(classCode)
                .driver(SysfsReader.linkName(dir.resolve("driver")).orElse(null))
                .iommuGroup(SysfsReader.iommuGroup(dir).orElse(-1))
                .numaNode(numaNode(dir.resolve("numa_node")))
                .resources(PciResource.parse(SysfsReader.text(resource) + "\n", resource.toString()))
                .config(SysfsReader.bytes(dir.resolve("config")))
                .build();
    }

    private static int numaNode(Path attribute) {
        try {
            Optional<String> text = SysfsReader.optionalText(attribute);
            if (text.isEmpty()) return -1;
            int node = Integer.parseInt(text.get().strip());
            if (node >= -1) return node;
            LOG.warn("{}: NUMA node {} is below -1; reading it as -1 (none)", attribute, node);
        } catch (NumberFormatException e) {
            LOG.warn("{}: NUMA node is not a number; reading it as -1 (none)", attribute);
        } catch (MdevException e) {
            LOG.warn("{}: cannot be read ({}); reading it as -1 (none)", attribute, e.getMessage());
        }
        return -1;
    }
}
