package io.mdevgpu.core.interop;

import io.mdevgpu.PciAddress;
import io.mdevgpu.PciId;
import io.mdevgpu.SupportedType;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * libvirt's XML for what mdevgpu makes, as strings: the node device of a GPU with its mdev types
 * ({@code virsh nodedev-dumpxml pci_0000_65_00_0}), the node device of an mdev instance
 * ({@code mdev_<uuid>_<parent>}, as libvirt 7.3 and later name one), the {@code <hostdev>} that gives an
 * instance to a domain, and the {@code <hostdev>} of a vGPU on an SR-IOV virtual function. The layouts follow
 * libvirt's node device and domain formats (formatnode, formatdomain);
 * text is escaped for XML.
 */
public final class LibvirtXml {
    private LibvirtXml() {
    }

    /** libvirt's name of the PCI node device at {@code address}: {@code pci_0000_65_00_0}. */
    public static String pciName(PciAddress address) {
        return String.format("pci_%04x_%02x_%02x_%x", address.domain(), address.bus(), address.slot(), address.function());
    }

    /** libvirt's name of an mdev node device: {@code mdev_<uuid with underscores>_<parent address with underscores>}. */
    public static String mdevName(UUID uuid, PciAddress parent) {
        return "mdev_" + uuid.toString().replace('-', '_') + "_" + pciName(parent).substring("pci_".length());
    }

    /**
     * The node device of a GPU and its mdev types.
     *
     * @param classCode  the 24-bit PCI class
     * @param driver     the bound driver ({@code nvidia})
     * @param iommuGroup the GPU's IOMMU group, when it has one
     * @param types      the types as the mdev bus lists them now
     */
    public static String parentNodeDevice(PciAddress address, PciId id, int classCode, Optional<String> driver,
                                          OptionalInt iommuGroup, List<SupportedType> types) {
        StringBuilder x = new StringBuilder("<device>\n")
                .append("  <name>").append(pciName(address)).append("</name>\n");
        driver.ifPresent(d -> x.append("  <driver>\n    <name>").append(escape(d)).append("</name>\n  </driver>\n"));
        x.append("  <capability type='pci'>\n")
                .append(String.format("    <class>0x%06x</class>\n", classCode))
                .append("    <domain>").append(address.domain()).append("</domain>\n")
                .append("    <bus>").append(address.bus()).append("</bus>\n")
                .append("    <slot>").append(address.slot()).append("</slot>\n")
                .append("    <function>").append(address.function()).append("</function>\n")
                .append(String.format("    <product id='0x%04x'/>\n", id.device()))
                .append(String.format("    <vendor id='0x%04x'/>\n", id.vendor()));
        if (!types.isEmpty()) {
            x.append("    <capability type='mdev_types'>\n");
            for (SupportedType t : types) {
                x.append("      <type id='").append(escape(t.id())).append("'>\n");
                if (!t.name().isEmpty()) x.append("        <name>").append(escape(t.name())).append("</name>\n");
                x.append("        <deviceAPI>").append(escape(t.deviceApi())).append("</deviceAPI>\n")
                        .append("        <availableInstances>").append(t.availableInstances()).append("</availableInstances>\n")
                        .append("      </type>\n");
            }
            x.append("    </capability>\n");
        }
        iommuGroup.ifPresent(g -> x.append("    <iommuGroup number='").append(g).append("'>\n")
                .append("      ").append(address(address)).append('\n')
                .append("    </iommuGroup>\n"));
        return x.append("  </capability>\n</device>\n").toString();
    }

    /** The node device of an mdev instance of {@code typeId} on {@code parent}. */
    public static String mdevNodeDevice(UUID uuid, PciAddress parent, String typeId, OptionalInt iommuGroup) {
        StringBuilder x = new StringBuilder("<device>\n")
                .append("  <name>").append(mdevName(uuid, parent)).append("</name>\n")
                .append("  <parent>").append(pciName(parent)).append("</parent>\n")
                .append("  <driver>\n    <name>vfio_mdev</name>\n  </driver>\n")
                .append("  <capability type='mdev'>\n")
                .append("    <type id='").append(escape(typeId)).append("'/>\n")
                .append("    <uuid>").append(uuid).append("</uuid>\n")
                .append("    <parent_addr>").append(parent).append("</parent_addr>\n");
        iommuGroup.ifPresent(g -> x.append("    <iommuGroup number='").append(g).append("'/>\n"));
        return x.append("  </capability>\n</device>\n").toString();
    }

    /**
     * The {@code <hostdev>} that assigns instance {@code uuid} to a domain (its {@code <devices>}), vfio-pci model,
     * unmanaged: the instance is made by mdevgpu or mdevctl, not by libvirt.
     */
    public static String hostdev(UUID uuid) {
        return "<hostdev mode='subsystem' type='mdev' managed='no' model='vfio-pci'>\n"
                + "  <source>\n"
                + "    <address uuid='" + uuid + "'/>\n"
                + "  </source>\n"
                + "</hostdev>\n";
    }

    /**
     * The {@code <hostdev>} that assigns the SR-IOV virtual function {@code vf} (a vGPU of NVIDIA's vendor-specific
     * VFIO) to a domain: a PCI device, unmanaged, because the VF stays bound to the nvidia driver, whose own VFIO
     * device the guest uses (libvirt re-binding it to vfio-pci would fail: the driver refuses with EINVAL).
     */
    public static String pciHostdev(PciAddress vf) {
        return "<hostdev mode='subsystem' type='pci' managed='no'>\n"
                + "  <source>\n"
                + "    " + address(vf) + "\n"
                + "  </source>\n"
                + "</hostdev>\n";
    }

    /** libvirt's PCI {@code <address>}: {@code <address domain='0x0000' bus='0x41' slot='0x00' function='0x4'/>}. */
    static String address(PciAddress a) {
        return String.format("<address domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%x'/>",
                a.domain(), a.bus(), a.slot(), a.function());
    }

    /** Text and attribute values escaped for XML: {@code & < > ' "}. */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '\'' -> sb.append("&apos;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
