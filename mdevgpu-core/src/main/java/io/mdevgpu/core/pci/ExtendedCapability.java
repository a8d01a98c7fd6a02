package io.mdevgpu.core.pci;

import static io.mdevgpu.kernel.abi.pci.PciRegs.*;

/**
 * One entry of the PCI Express extended capability list (offsets 0x100..0xfff, starting at 0x100).
 *
 * @param offset  where the capability's header sits
 * @param id      its id ({@code PCI_EXT_CAP_ID_*}); 0 marks a capability a hypervisor has hidden
 * @param version the capability structure's version
 */
public record ExtendedCapability(int offset, int id, int version) {

    /** The capability's name as lspci prints it, e.g. {@code Advanced Error Reporting}. */
    public String name() {
        return name(id);
    }

    /** The name of extended capability id {@code id}; {@code "Extended Capability 0x...."} for others. */
    public static String name(int id) {
        return switch (id) {
            case 0 -> "Null";
            case PCI_EXT_CAP_ID_ERR -> "Advanced Error Reporting";
            case PCI_EXT_CAP_ID_VC, PCI_EXT_CAP_ID_VC9 -> "Virtual Channel";
            case PCI_EXT_CAP_ID_DSN -> "Device Serial Number";
            case PCI_EXT_CAP_ID_PWR -> "Power Budgeting";
            case PCI_EXT_CAP_ID_RCLD -> "Root Complex Link";
            case PCI_EXT_CAP_ID_RCILC -> "Root Complex Internal Link";
            case PCI_EXT_CAP_ID_RCEC -> "Root Complex Event Collector";
            case PCI_EXT_CAP_ID_MFVC -> "Multi-Function Virtual Channel";
            case PCI_EXT_CAP_ID_RCRB -> "Root Complex Register Block";
            case PCI_EXT_CAP_ID_VNDR -> "Vendor Specific Information";
            case PCI_EXT_CAP_ID_CAC -> "Config Access";
            case PCI_EXT_CAP_ID_ACS -> "Access Control Services";
            case PCI_EXT_CAP_ID_ARI -> "Alternative Routing-ID Interpretation (ARI)";
            case PCI_EXT_CAP_ID_ATS -> "Address Translation Service (ATS)";
            case PCI_EXT_CAP_ID_SRIOV -> "Single Root I/O Virtualization (SR-IOV)";
            case PCI_EXT_CAP_ID_MRIOV -> "Multi-Root I/O Virtualization (MR-IOV)";
            case PCI_EXT_CAP_ID_MCAST -> "Multicast";
            case PCI_EXT_CAP_ID_PRI -> "Page Request Interface (PRI)";
            case PCI_EXT_CAP_ID_AMD_XXX -> "Reserved for AMD";
            case PCI_EXT_CAP_ID_REBAR -> "Physical Resizable BAR";
            case PCI_EXT_CAP_ID_DPA -> "Dynamic Power Allocation";
            case PCI_EXT_CAP_ID_TPH -> "Transaction Processing Hints";
            case PCI_EXT_CAP_ID_LTR -> "Latency Tolerance Reporting";
            case PCI_EXT_CAP_ID_SECPCI -> "Secondary PCI Express";
            case PCI_EXT_CAP_ID_PMUX -> "Protocol Multiplexing";
            case PCI_EXT_CAP_ID_PASID -> "Process Address Space ID (PASID)";
            case PCI_EXT_CAP_ID_DPC -> "Downstream Port Containment";
            case PCI_EXT_CAP_ID_L1SS -> "L1 PM Substates";
            case PCI_EXT_CAP_ID_PTM -> "Precision Time Measurement";
            case PCI_EXT_CAP_ID_DVSEC -> "Designated Vendor-Specific";
            case PCI_EXT_CAP_ID_DLF -> "Data Link Feature";
            case PCI_EXT_CAP_ID_PL_16GT -> "Physical Layer 16.0 GT/s";
            case PCI_EXT_CAP_ID_DOE -> "Data Object Exchange";
            default -> String.format("Extended Capability 0x%04x", id);
        };
    }

    @Override
    public String toString() {
        return String.format("[%x v%d] %s", offset, version, name());
    }
}
