package io.mdevgpu.kernel.abi.pci;

/**
 * PCI configuration-space register offsets, bit fields and capability ids, named and valued exactly as the
 * macros of the kernel's {@code <linux/pci_regs.h>} (uapi; Debian's linux-libc-dev 6.1). This is the one
 * place these numbers live: an ABI test compiles the header with gcc and compares every constant here with
 * the macro of the same name, so add a constant only under a name the header defines.
 *
 * <p>Widths: most fields are {@code int}; the two BAR address masks the header writes as {@code unsigned long}
 * ({@code ~0x0fUL}, {@code ~0x03UL}) are {@code long}. Function-like macros ({@code PCI_EXT_CAP_ID(header)}...)
 * are static methods with the same arithmetic.
 */
public final class PciRegs {
    private PciRegs() {
    }

    // Sizes
    public static final int PCI_CFG_SPACE_SIZE = 256;
    public static final int PCI_CFG_SPACE_EXP_SIZE = 4096;
    public static final int PCI_STD_HEADER_SIZEOF = 64;
    public static final int PCI_STD_NUM_BARS = 6;
    public static final int PCI_SRIOV_NUM_BARS = 6;

    // Type 0 header
    public static final int PCI_VENDOR_ID = 0x00;
    public static final int PCI_DEVICE_ID = 0x02;
    public static final int PCI_COMMAND = 0x04;
    public static final int PCI_COMMAND_IO = 0x1;
    public static final int PCI_COMMAND_MEMORY = 0x2;
    public static final int PCI_COMMAND_MASTER = 0x4;
    public static final int PCI_COMMAND_SPECIAL = 0x8;
    public static final int PCI_COMMAND_INVALIDATE = 0x10;
    public static final int PCI_COMMAND_VGA_PALETTE = 0x20;
    public static final int PCI_COMMAND_PARITY = 0x40;
    public static final int PCI_COMMAND_WAIT = 0x80;
    public static final int PCI_COMMAND_SERR = 0x100;
    public static final int PCI_COMMAND_FAST_BACK = 0x200;
    public static final int PCI_COMMAND_INTX_DISABLE = 0x400;

    public static final int PCI_STATUS = 0x06;
    public static final int PCI_STATUS_IMM_READY = 0x01;
    public static final int PCI_STATUS_INTERRUPT = 0x08;
    public static final int PCI_STATUS_CAP_LIST = 0x10;
    public static final int PCI_STATUS_66MHZ = 0x20;
    public static final int PCI_STATUS_UDF = 0x40;
    public static final int PCI_STATUS_FAST_BACK = 0x80;
    public static final int PCI_STATUS_PARITY = 0x100;
    public static final int PCI_STATUS_DEVSEL_MASK = 0x600;
    public static final int PCI_STATUS_SIG_TARGET_ABORT = 0x800;
    public static final int PCI_STATUS_REC_TARGET_ABORT = 0x1000;
    public static final int PCI_STATUS_REC_MASTER_ABORT = 0x2000;
    public static final int PCI_STATUS_SIG_SYSTEM_ERROR = 0x4000;
    public static final int PCI_STATUS_DETECTED_PARITY = 0x8000;

    public static final int PCI_CLASS_REVISION = 0x08;
    public static final int PCI_REVISION_ID = 0x08;
    public static final int PCI_CLASS_PROG = 0x09;
    public static final int PCI_CLASS_DEVICE = 0x0a;
    public static final int PCI_CACHE_LINE_SIZE = 0x0c;
    public static final int PCI_LATENCY_TIMER = 0x0d;
    public static final int PCI_HEADER_TYPE = 0x0e;
    public static final int PCI_HEADER_TYPE_MASK = 0x7f;
    public static final int PCI_HEADER_TYPE_NORMAL = 0;
    public static final int PCI_HEADER_TYPE_BRIDGE = 1;
    public static final int PCI_HEADER_TYPE_CARDBUS = 2;
    public static final int PCI_BIST = 0x0f;

    public static final int PCI_BASE_ADDRESS_0 = 0x10;
    public static final int PCI_BASE_ADDRESS_1 = 0x14;
    public static final int PCI_BASE_ADDRESS_2 = 0x18;
    public static final int PCI_BASE_ADDRESS_3 = 0x1c;
    public static final int PCI_BASE_ADDRESS_4 = 0x20;
    public static final int PCI_BASE_ADDRESS_5 = 0x24;
    public static final int PCI_BASE_ADDRESS_SPACE = 0x01;
    public static final int PCI_BASE_ADDRESS_SPACE_IO = 0x01;
    public static final int PCI_BASE_ADDRESS_SPACE_MEMORY = 0x00;
    public static final int PCI_BASE_ADDRESS_MEM_TYPE_MASK = 0x06;
    public static final int PCI_BASE_ADDRESS_MEM_TYPE_32 = 0x00;
    public static final int PCI_BASE_ADDRESS_MEM_TYPE_1M = 0x02;
    public static final int PCI_BASE_ADDRESS_MEM_TYPE_64 = 0x04;
    public static final int PCI_BASE_ADDRESS_MEM_PREFETCH = 0x08;
    public static final long PCI_BASE_ADDRESS_MEM_MASK = ~0x0fL;
    public static final long PCI_BASE_ADDRESS_IO_MASK = ~0x03L;

    public static final int PCI_CARDBUS_CIS = 0x28;
    public static final int PCI_SUBSYSTEM_VENDOR_ID = 0x2c;
    public static final int PCI_SUBSYSTEM_ID = 0x2e;
    public static final int PCI_ROM_ADDRESS = 0x30;
    public static final int PCI_ROM_ADDRESS_ENABLE = 0x01;
    public static final int PCI_ROM_ADDRESS_MASK = ~0x7ff;
    public static final int PCI_CAPABILITY_LIST = 0x34;
    public static final int PCI_INTERRUPT_LINE = 0x3c;
    public static final int PCI_INTERRUPT_PIN = 0x3d;
    public static final int PCI_MIN_GNT = 0x3e;
    public static final int PCI_MAX_LAT = 0x3f;

    // Capability list
    public static final int PCI_CAP_LIST_ID = 0;
    public static final int PCI_CAP_LIST_NEXT = 1;
    public static final int PCI_CAP_FLAGS = 2;
    public static final int PCI_CAP_SIZEOF = 4;
    public static final int PCI_CAP_ID_PM = 0x01;
    public static final int PCI_CAP_ID_AGP = 0x02;
    public static final int PCI_CAP_ID_VPD = 0x03;
    public static final int PCI_CAP_ID_SLOTID = 0x04;
    public static final int PCI_CAP_ID_MSI = 0x05;
    public static final int PCI_CAP_ID_CHSWP = 0x06;
    public static final int PCI_CAP_ID_PCIX = 0x07;
    public static final int PCI_CAP_ID_HT = 0x08;
    public static final int PCI_CAP_ID_VNDR = 0x09;
    public static final int PCI_CAP_ID_DBG = 0x0A;
    public static final int PCI_CAP_ID_CCRC = 0x0B;
    public static final int PCI_CAP_ID_SHPC = 0x0C;
    public static final int PCI_CAP_ID_SSVID = 0x0D;
    public static final int PCI_CAP_ID_AGP3 = 0x0E;
    public static final int PCI_CAP_ID_SECDEV = 0x0F;
    public static final int PCI_CAP_ID_EXP = 0x10;
    public static final int PCI_CAP_ID_MSIX = 0x11;
    public static final int PCI_CAP_ID_SATA = 0x12;
    public static final int PCI_CAP_ID_AF = 0x13;
    public static final int PCI_CAP_ID_EA = 0x14;
    public static final int PCI_CAP_ID_MAX = PCI_CAP_ID_EA;

    // Power management capability
    public static final int PCI_PM_PMC = 2;
    public static final int PCI_PM_CAP_VER_MASK = 0x0007;
    public static final int PCI_PM_CAP_PME_D3hot = 0x4000;
    public static final int PCI_PM_CTRL = 4;
    public static final int PCI_PM_CTRL_STATE_MASK = 0x0003;
    public static final int PCI_PM_CTRL_NO_SOFT_RESET = 0x0008;
    public static final int PCI_PM_CTRL_PME_ENABLE = 0x0100;
    public static final int PCI_PM_CTRL_PME_STATUS = 0x8000;
    public static final int PCI_PM_SIZEOF = 8;

    // MSI capability
    public static final int PCI_MSI_FLAGS = 0x02;
    public static final int PCI_MSI_FLAGS_ENABLE = 0x0001;
    public static final int PCI_MSI_FLAGS_QMASK = 0x000e;
    public static final int PCI_MSI_FLAGS_QSIZE = 0x0070;
    public static final int PCI_MSI_FLAGS_64BIT = 0x0080;
    public static final int PCI_MSI_FLAGS_MASKBIT = 0x0100;
    public static final int PCI_MSI_ADDRESS_LO = 0x04;
    public static final int PCI_MSI_ADDRESS_HI = 0x08;
    public static final int PCI_MSI_DATA_32 = 0x08;
    public static final int PCI_MSI_DATA_64 = 0x0c;
    public static final int PCI_MSI_MASK_64 = 0x10;

    // MSI-X capability
    public static final int PCI_MSIX_FLAGS = 2;
    public static final int PCI_MSIX_FLAGS_QSIZE = 0x07FF;
    public static final int PCI_MSIX_FLAGS_MASKALL = 0x4000;
    public static final int PCI_MSIX_FLAGS_ENABLE = 0x8000;
    public static final int PCI_MSIX_TABLE = 4;
    public static final int PCI_MSIX_PBA = 8;
    public static final int PCI_CAP_MSIX_SIZEOF = 12;

    // PCI Express capability
    public static final int PCI_EXP_FLAGS = 0x02;
    public static final int PCI_EXP_FLAGS_VERS = 0x000f;
    public static final int PCI_EXP_FLAGS_TYPE = 0x00f0;
    public static final int PCI_EXP_TYPE_ENDPOINT = 0x0;
    public static final int PCI_EXP_TYPE_LEG_END = 0x1;
    public static final int PCI_EXP_TYPE_ROOT_PORT = 0x4;
    public static final int PCI_EXP_TYPE_UPSTREAM = 0x5;
    public static final int PCI_EXP_TYPE_DOWNSTREAM = 0x6;
    public static final int PCI_EXP_TYPE_PCI_BRIDGE = 0x7;
    public static final int PCI_EXP_TYPE_PCIE_BRIDGE = 0x8;
    public static final int PCI_EXP_TYPE_RC_END = 0x9;
    public static final int PCI_EXP_TYPE_RC_EC = 0xa;
    public static final int PCI_EXP_DEVCAP = 0x04;
    public static final int PCI_EXP_DEVCAP_PAYLOAD = 0x00000007;
    public static final int PCI_EXP_DEVCAP_EXT_TAG = 0x00000020;
    public static final int PCI_EXP_DEVCTL = 0x08;
    public static final int PCI_EXP_DEVCTL_CERE = 0x0001;
    public static final int PCI_EXP_DEVCTL_NFERE = 0x0002;
    public static final int PCI_EXP_DEVCTL_FERE = 0x0004;
    public static final int PCI_EXP_DEVCTL_URRE = 0x0008;
    public static final int PCI_EXP_DEVCTL_RELAX_EN = 0x0010;
    public static final int PCI_EXP_DEVCTL_PAYLOAD = 0x00e0;
    public static final int PCI_EXP_DEVCTL_EXT_TAG = 0x0100;
    public static final int PCI_EXP_DEVCTL_NOSNOOP_EN = 0x0800;
    public static final int PCI_EXP_DEVCTL_READRQ = 0x7000;
    public static final int PCI_EXP_DEVCTL_READRQ_512B = 0x2000;
    public static final int PCI_EXP_DEVSTA = 0x0a;
    public static final int PCI_EXP_DEVSTA_CED = 0x0001;
    public static final int PCI_EXP_DEVSTA_NFED = 0x0002;
    public static final int PCI_EXP_DEVSTA_FED = 0x0004;
    public static final int PCI_EXP_DEVSTA_URD = 0x0008;
    public static final int PCI_EXP_LNKCAP = 0x0c;
    public static final int PCI_EXP_LNKCAP_SLS = 0x0000000f;
    public static final int PCI_EXP_LNKCAP_MLW = 0x000003f0;
    public static final int PCI_EXP_LNKCTL = 0x10;
    public static final int PCI_EXP_LNKCTL_ASPMC = 0x0003;
    public static final int PCI_EXP_LNKCTL_RCB = 0x0008;
    public static final int PCI_EXP_LNKCTL_CCC = 0x0040;
    public static final int PCI_EXP_LNKCTL_ES = 0x0080;
    public static final int PCI_EXP_LNKSTA = 0x12;
    public static final int PCI_EXP_LNKSTA_CLS = 0x000f;
    public static final int PCI_EXP_LNKSTA_NLW = 0x03f0;
    public static final int PCI_EXP_LNKSTA_NLW_SHIFT = 4;
    public static final int PCI_EXP_DEVCAP2 = 0x24;
    public static final int PCI_EXP_DEVCTL2 = 0x28;
    public static final int PCI_EXP_LNKCAP2 = 0x2c;
    public static final int PCI_EXP_LNKCTL2 = 0x30;
    public static final int PCI_EXP_LNKCTL2_TLS = 0x000f;
    public static final int PCI_EXP_LNKSTA2 = 0x32;

    // Extended capabilities (from PCI_CFG_SPACE_SIZE on)
    public static final int PCI_EXT_CAP_ID_ERR = 0x01;
    public static final int PCI_EXT_CAP_ID_VC = 0x02;
    public static final int PCI_EXT_CAP_ID_DSN = 0x03;
    public static final int PCI_EXT_CAP_ID_PWR = 0x04;
    public static final int PCI_EXT_CAP_ID_RCLD = 0x05;
    public static final int PCI_EXT_CAP_ID_RCILC = 0x06;
    public static final int PCI_EXT_CAP_ID_RCEC = 0x07;
    public static final int PCI_EXT_CAP_ID_MFVC = 0x08;
    public static final int PCI_EXT_CAP_ID_VC9 = 0x09;
    public static final int PCI_EXT_CAP_ID_RCRB = 0x0A;
    public static final int PCI_EXT_CAP_ID_VNDR = 0x0B;
    public static final int PCI_EXT_CAP_ID_CAC = 0x0C;
    public static final int PCI_EXT_CAP_ID_ACS = 0x0D;
    public static final int PCI_EXT_CAP_ID_ARI = 0x0E;
    public static final int PCI_EXT_CAP_ID_ATS = 0x0F;
    public static final int PCI_EXT_CAP_ID_SRIOV = 0x10;
    public static final int PCI_EXT_CAP_ID_MRIOV = 0x11;
    public static final int PCI_EXT_CAP_ID_MCAST = 0x12;
    public static final int PCI_EXT_CAP_ID_PRI = 0x13;
    public static final int PCI_EXT_CAP_ID_AMD_XXX = 0x14;
    public static final int PCI_EXT_CAP_ID_REBAR = 0x15;
    public static final int PCI_EXT_CAP_ID_DPA = 0x16;
    public static final int PCI_EXT_CAP_ID_TPH = 0x17;
    public static final int PCI_EXT_CAP_ID_LTR = 0x18;
    public static final int PCI_EXT_CAP_ID_SECPCI = 0x19;
    public static final int PCI_EXT_CAP_ID_PMUX = 0x1A;
    public static final int PCI_EXT_CAP_ID_PASID = 0x1B;
    public static final int PCI_EXT_CAP_ID_DPC = 0x1D;
    public static final int PCI_EXT_CAP_ID_L1SS = 0x1E;
    public static final int PCI_EXT_CAP_ID_PTM = 0x1F;
    public static final int PCI_EXT_CAP_ID_DVSEC = 0x23;
    public static final int PCI_EXT_CAP_ID_DLF = 0x25;
    public static final int PCI_EXT_CAP_ID_PL_16GT = 0x26;
    public static final int PCI_EXT_CAP_ID_DOE = 0x2E;
    public static final int PCI_EXT_CAP_ID_MAX = PCI_EXT_CAP_ID_DOE;

    /** {@code PCI_EXT_CAP_ID(header)}: the capability id, bits 15..0 of an extended capability header. */
    public static int extCapId(int header) {
        return header & 0x0000ffff;
    }

    /** {@code PCI_EXT_CAP_VER(header)}: the capability version, bits 19..16. */
    public static int extCapVer(int header) {
        return (header >>> 16) & 0xf;
    }

    /** {@code PCI_EXT_CAP_NEXT(header)}: the next capability's offset, bits 31..20, dword aligned. */
    public static int extCapNext(int header) {
        return (header >>> 20) & 0xffc;
    }
}
