package io.mdevgpu.core.pci;

import static io.mdevgpu.kernel.abi.pci.PciRegs.*;

/**
 * One entry of the standard capability list (offsets 0x40..0xff, reached from {@code PCI_CAPABILITY_LIST}).
 *
 * @param offset where the capability's header sits
 * @param id     its id ({@code PCI_CAP_ID_*})
 */
public record Capability(int offset, int id) {

    /** The capability's name as lspci prints it, e.g. {@code MSI-X}. */
    public String name() {
        return name(id);
    }

    /** The name of capability id {@code id}; {@code "Capability 0x.."} for ids no specification assigns. */
    public static String name(int id) {
        return switch (id) {
            case 0 -> "Null";
            case PCI_CAP_ID_PM -> "Power Management";
            case PCI_CAP_ID_AGP -> "AGP";
            case PCI_CAP_ID_VPD -> "Vital Product Data";
            case PCI_CAP_ID_SLOTID -> "Slot ID";
            case PCI_CAP_ID_MSI -> "MSI";
            case PCI_CAP_ID_CHSWP -> "CompactPCI hot-swap";
            case PCI_CAP_ID_PCIX -> "PCI-X";
            case PCI_CAP_ID_HT -> "HyperTransport";
            case PCI_CAP_ID_VNDR -> "Vendor Specific";
            case PCI_CAP_ID_DBG -> "Debug port";
            case PCI_CAP_ID_CCRC -> "CompactPCI central resource control";
            case PCI_CAP_ID_SHPC -> "Hot-plug capable";
            case PCI_CAP_ID_SSVID -> "Subsystem";
            case PCI_CAP_ID_AGP3 -> "AGP3";
            case PCI_CAP_ID_SECDEV -> "Secure device";
            case PCI_CAP_ID_EXP -> "Express";
            case PCI_CAP_ID_MSIX -> "MSI-X";
            case PCI_CAP_ID_SATA -> "SATA HBA";
            case PCI_CAP_ID_AF -> "PCI Advanced Features";
            case PCI_CAP_ID_EA -> "Enhanced Allocation";
            default -> String.format("Capability 0x%02x", id);
        };
    }

    @Override
    public String toString() {
        return String.format("[%x] %s", offset, name());
    }
}
