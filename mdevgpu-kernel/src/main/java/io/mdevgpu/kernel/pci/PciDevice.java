package io.mdevgpu.kernel.pci;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

import io.mdevgpu.PciAddress;
import io.mdevgpu.PciId;
import io.mdevgpu.ValidationException;

import static io.mdevgpu.kernel.abi.pci.PciRegs.PCI_CFG_SPACE_EXP_SIZE;

/**
 * A PCI function as sysfs shows it: what {@link PciDiscovery} reads, and what {@code SysfsTreeWriter}
 * writes for fake and simulated hosts. Immutable; {@link #config()} returns a copy.
 *
 * @param address    the function's address, the name under {@code /sys/bus/pci/devices}
 * @param id         vendor, device, subsystem vendor and subsystem device
 * @param revision   the revision id, 0-255
 * @param classCode  the 24-bit class code ({@code 0x030200}: base class, sub-class, programming interface)
 * @param driver     the bound driver's name ({@code nvidia}), empty when unbound
 * @param iommuGroup the IOMMU group number, empty without an IOMMU
 * @param numaNode   the NUMA node, -1 for none
 * @param resources  every line of {@code resource}, empty ones included: {@code resources().get(i)} is resource i
 * @param config     the configuration space as read (4096 bytes for root, often 64 for others)
 */
public record PciDevice(PciAddress address, PciId id, int revision, int classCode, Optional<String> driver,
                        OptionalInt iommuGroup, int numaNode, List<PciResource> resources, byte[] config) {

    /** The base class of display controllers. */
    public static final int DISPLAY_BASE_CLASS = 0x03;

    public PciDevice {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(iommuGroup, "iommuGroup");
        if (revision < 0 || revision > 0xFF) {
            throw new ValidationException("pci revision", Integer.toString(revision), "0..255");
        }
        if (classCode < 0 || classCode > 0xFF_FFFF) {
            throw new ValidationException("pci class", "0x" + Integer.toHexString(classCode), "24 bits");
        }
        if (numaNode < -1) {
            throw new ValidationException("numa node", Integer.toString(numaNode), "-1 (none) or a node number");
        }
        resources = PciResource.inFileOrder(resources);
        if (config.length > PCI_CFG_SPACE_EXP_SIZE) {
            throw new ValidationException("pci config space", config.length + " bytes",
                    "at most " + PCI_CFG_SPACE_EXP_SIZE + " bytes, a PCI Express function's whole space");
        }
        config = config.clone();
    }

    public static Builder builder(PciAddress address) {
        return new Builder(address);
    }

    /** A builder starting from this device's values. */
    public Builder toBuilder() {
        return new Builder(address).id(id).revision(revision).classCode(classCode).driver(driver.orElse(null))
                .iommuGroup(iommuGroup.isPresent() ? iommuGroup.getAsInt() : -1).numaNode(numaNode)
                .resources(resources).config(config);
    }

    /** A copy of the configuration space bytes. */
    @Override
    public byte[] config() {
        return config.clone();
    }

    /** How many bytes of configuration space were readable. */
    public int configSize() {
        return config.length;
    }

    /** Whether this is a display controller (class 0x03xxxx): VGA, XGA, 3D or other display. */
    public boolean isDisplay() {
        return classCode >>> 16 == DISPLAY_BASE_CLASS;
    }

    /** The six BAR windows that are assigned, in order (a 64-bit BAR takes two indices; the upper one is empty). */
    public List<PciResource> bars() {
        return resources.stream().filter(r -> r.isBar() && !r.isEmpty()).toList();
    }

    /** BAR {@code index} (0-5), empty when unassigned. */
    public Optional<PciResource> bar(int index) {
        if (index < 0 || index >= PciResource.ROM_INDEX) {
            throw new ValidationException("BAR index", Integer.toString(index), "0..5");
        }
        return index < resources.size() && !resources.get(index).isEmpty() ? Optional.of(resources.get(index))
                : Optional.empty();
    }

    /** lspci's words for the class: {@code 3D controller}, {@code VGA compatible controller}... */
    public String className() {
        return className(classCode);
    }

    /**
     * lspci's words for a 24-bit class code, for the display classes a GPU has: {@code 3D controller} (0x0302xx),
     * {@code VGA compatible controller} (0x0300xx), {@code XGA compatible controller}; another display subclass is a
     * {@code Display controller}, as lspci names a subclass it does not know by its base class; any other class,
     * which mdevgpu does not name, a {@code PCI device}.
     */
    public static String className(int classCode) {
        return switch (classCode >>> 8) {
            case 0x0300 -> "VGA compatible controller";
            case 0x0301 -> "XGA compatible controller";
            case 0x0302 -> "3D controller";
            default -> classCode >>> 16 == DISPLAY_BASE_CLASS ? "Display controller" : "PCI device";
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PciDevice d && address.equals(d.address) && id.equals(d.id) && revision == d.revision
                && classCode == d.classCode && driver.equals(d.driver) && iommuGroup.equals(d.iommuGroup)
                && numaNode == d.numaNode && resources.equals(d.resources) && Arrays.equals(config, d.config);
    }

    @Override
    public int hashCode() {
        return Objects.hash(address, id, revision, classCode, driver, iommuGroup, numaNode, resources)
                * 31 + Arrays.hashCode(config);
    }

    /**
     * One line, like {@code lspci -nn} with the rest of what mdevgpu read:
     * {@code 0000:00:06.0 3D controller [0302]: 10de:2330 [10de:16c1] (rev a1) driver=nvidia iommu_group=12
     * BAR0=16MiB BAR2=128GiB BAR4=32MiB config=4096B}.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder()
                .append(address).append(' ').append(className()).append(String.format(" [%04x]: ", classCode >>> 8))
                .append(id).append(String.format(" (rev %02x)", revision))
                .append(" driver=").append(driver.orElse("none"))
                .append(" iommu_group=").append(iommuGroup.isPresent() ? Integer.toString(iommuGroup.getAsInt()) : "none");
        if (numaNode >= 0) sb.append(" numa_node=").append(numaNode);
        String bars = bars().stream().map(b -> b.label() + "=" + b.size()).collect(Collectors.joining(" "));
        if (!bars.isEmpty()) sb.append(' ').append(bars);
        return sb.append(" config=").append(config.length).append('B').toString();
    }

    /** Builds a {@link PciDevice}; the id and class are required, the rest defaults to "none". */
    public static final class Builder {
        private final PciAddress address;
        private PciId id;
        private int revision;
        private Integer classCode;
        private String driver;
        private int iommuGroup = -1;
        private int numaNode = -1;
        private List<PciResource> resources = List.of();
        private byte[] config = new byte[0];

        private Builder(PciAddress address) {
            this.address = Objects.requireNonNull(address, "address");
        }

        public Builder id(PciId id) { this.id = id; return this; }
        public Builder revision(int revision) { this.revision = revision; return this; }
        public Builder classCode(int classCode) { this.classCode = classCode; return this; }
        /** The bound driver, or null for none. */
        public Builder driver(String driver) { this.driver = driver; return this; }
        /** The IOMMU group, or -1 for none. */
        public Builder iommuGroup(int group) { this.iommuGroup = group; return this; }
        public Builder numaNode(int node) { this.numaNode = node; return this; }
        public Builder resources(List<PciResource> resources) { this.resources = List.copyOf(resources); return this; }
        public Builder config(byte[] config) { this.config = config.clone(); return this; }

        public PciDevice build() {
            if (id == null) throw new ValidationException("pci device " + address, null, "an id is required");
            if (classCode == null) throw new ValidationException("pci device " + address, null, "a class code is required");
            if (iommuGroup < -1) throw new ValidationException("iommu group", Integer.toString(iommuGroup), "-1 (none) or >= 0");
            return new PciDevice(address, id, revision, classCode, Optional.ofNullable(driver),
                    iommuGroup < 0 ? OptionalInt.empty() : OptionalInt.of(iommuGroup), numaNode, resources, config);
        }
    }
}
