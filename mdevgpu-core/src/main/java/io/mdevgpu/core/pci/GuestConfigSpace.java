package io.mdevgpu.core.pci;

import io.mdevgpu.MdevType;
import io.mdevgpu.PciId;
import io.mdevgpu.Size;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.pci.PciDevice;

import static io.mdevgpu.kernel.abi.pci.PciRegs.*;

/**
 * The PCI config space a guest sees for one vGPU instance, with emulation semantics: a fixed 4096-byte array
 * plus two per-byte masks, the bits a guest write may change and the bits a written 1 clears. Everything else
 * is read-only. Reads and writes allocate nothing; not thread-safe (one vCPU path at a time, as VFIO's config
 * region is accessed).
 *
 * <p>Layout, chosen to look like an NVIDIA GPU to the guest driver (the register layout of Turing and
 * Ampere boards and of NVIDIA's vGPU guests as lspci shows them):
 * <table>
 * <caption>Guest layout</caption>
 * <tr><th>where</th><th>what</th><th>guest may write</th></tr>
 * <tr><td>0x00</td><td>vendor, device: the type's guest PCI id, else the physical GPU's</td><td>-</td></tr>
 * <tr><td>0x04</td><td>command, reset 0</td><td>Mem, BusMaster, ParErr, SERR, DisINTx (no I/O BAR, so no I/O)</td></tr>
 * <tr><td>0x06</td><td>status: capability list</td><td>write 1 to clear the six error bits</td></tr>
 * <tr><td>0x08</td><td>revision and class code of the physical GPU</td><td>-</td></tr>
 * <tr><td>0x0c</td><td>cache line size</td><td>all</td></tr>
 * <tr><td>0x10</td><td>BAR0: 16 MiB, 32-bit, non-prefetchable (register MMIO)</td><td>address bits</td></tr>
 * <tr><td>0x14</td><td>BAR1: the type's BAR1 length rounded up to a power of two, 64-bit prefetchable
 * (framebuffer aperture)</td><td>address bits, both registers</td></tr>
 * <tr><td>0x1c</td><td>BAR3: 32 MiB, 64-bit prefetchable</td><td>address bits, both registers</td></tr>
 * <tr><td>0x24, 0x30</td><td>BAR5 and expansion ROM: none</td><td>-</td></tr>
 * <tr><td>0x2c</td><td>subsystem ids: the guest PCI id's, else the physical GPU's</td><td>-</td></tr>
 * <tr><td>0x34</td><td>capability pointer 0x60</td><td>-</td></tr>
 * <tr><td>0x3c</td><td>interrupt line; pin INTA</td><td>line</td></tr>
 * <tr><td>0x60</td><td>Power Management v3, D0, NoSoftRst+</td><td>power state</td></tr>
 * <tr><td>0x68</td><td>MSI, 64-bit, one vector, no masking</td><td>enable, queue size, address, data</td></tr>
 * <tr><td>0x78</td><td>PCI Express v2 endpoint, MaxPayload 256 B, the physical GPU's negotiated link</td>
 * <td>device control, link control; write 1 to clear device status errors</td></tr>
 * <tr><td>0x100</td><td>no extended capabilities (header 0)</td><td>-</td></tr>
 * </table>
 * The BAR sizing protocol needs no special case: the writable mask of a BAR register holds exactly its
 * address bits, so writing all-ones reads back the size mask with the read-only type bits.
 */
public final class GuestConfigSpace {
    public static final int SIZE = PCI_CFG_SPACE_EXP_SIZE;
    /** The guest's BAR0 (register MMIO): 16 MiB as on every NVIDIA GPU since Kepler. */
    public static final Size BAR0_SIZE = Size.mib(16);
    /** The guest's BAR3: 32 MiB, as on Turing, Ampere and Hopper boards. */
    public static final Size BAR3_SIZE = Size.mib(32);
    public static final int PM_OFFSET = 0x60;
    public static final int MSI_OFFSET = 0x68;
    public static final int EXP_OFFSET = 0x78;

    private static final int COMMAND_WRITABLE = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_PARITY
            | PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE;
    private static final int STATUS_WRITE_ONE_TO_CLEAR = PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT
            | PCI_STATUS_REC_TARGET_ABORT | PCI_STATUS_REC_MASTER_ABORT | PCI_STATUS_SIG_SYSTEM_ERROR | PCI_STATUS_DETECTED_PARITY;
    private static final int DEVCTL_WRITABLE = PCI_EXP_DEVCTL_CERE | PCI_EXP_DEVCTL_NFERE | PCI_EXP_DEVCTL_FERE
            | PCI_EXP_DEVCTL_URRE | PCI_EXP_DEVCTL_RELAX_EN | PCI_EXP_DEVCTL_PAYLOAD | PCI_EXP_DEVCTL_EXT_TAG
            | PCI_EXP_DEVCTL_NOSNOOP_EN | PCI_EXP_DEVCTL_READRQ;
    private static final int DEVSTA_WRITE_ONE_TO_CLEAR = PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_NFED | PCI_EXP_DEVSTA_FED
            | PCI_EXP_DEVSTA_URD;
    private static final int LNKCTL_WRITABLE = PCI_EXP_LNKCTL_ASPMC | PCI_EXP_LNKCTL_RCB | PCI_EXP_LNKCTL_CCC | PCI_EXP_LNKCTL_ES;
    private static final int EXP_V2_SIZEOF = 0x3c;

    private final byte[] space = new byte[SIZE];
    private final byte[] writable = new byte[SIZE];
    private final byte[] writeOneToClear = new byte[SIZE];
    private final byte[] initial;
    private final PciId pciId;
    private final int classCode;
    private final Size bar1Size;

    private GuestConfigSpace(PciId pciId, int classCode, int revision, PcieLink link, Size bar1Size) {
        this.pciId = pciId;
        this.classCode = classCode;
        this.bar1Size = bar1Size;

        init(PCI_VENDOR_ID, 2, pciId.vendor(), 0, 0);
        init(PCI_DEVICE_ID, 2, pciId.device(), 0, 0);
        init(PCI_COMMAND, 2, 0, COMMAND_WRITABLE, 0);
        init(PCI_STATUS, 2, PCI_STATUS_CAP_LIST, 0, STATUS_WRITE_ONE_TO_CLEAR);
        init(PCI_CLASS_REVISION, 4, classCode << 8 | revision, 0, 0);
        init(PCI_CACHE_LINE_SIZE, 1, 0, 0xff, 0);
        initBar(PCI_BASE_ADDRESS_0, BAR0_SIZE, false);
        initBar(PCI_BASE_ADDRESS_1, bar1Size, true);
        initBar(PCI_BASE_ADDRESS_3, BAR3_SIZE, true);
        init(PCI_SUBSYSTEM_VENDOR_ID, 2, pciId.subsystemVendor(), 0, 0);
        init(PCI_SUBSYSTEM_ID, 2, pciId.subsystemDevice(), 0, 0);
        init(PCI_CAPABILITY_LIST, 1, PM_OFFSET, 0, 0);
        init(PCI_INTERRUPT_LINE, 1, 0, 0xff, 0);
        init(PCI_INTERRUPT_PIN, 1, 1, 0, 0);

        initCapability(PM_OFFSET, PCI_CAP_ID_PM, MSI_OFFSET);
        init(PM_OFFSET + PCI_PM_PMC, 2, 3, 0, 0);
        init(PM_OFFSET + PCI_PM_CTRL, 2, PCI_PM_CTRL_NO_SOFT_RESET, PCI_PM_CTRL_STATE_MASK, 0);

        initCapability(MSI_OFFSET, PCI_CAP_ID_MSI, EXP_OFFSET);
        init(MSI_OFFSET + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_64BIT, PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE, 0);
        init(MSI_OFFSET + PCI_MSI_ADDRESS_LO, 4, 0, 0xffff_fffc, 0);
        init(MSI_OFFSET + PCI_MSI_ADDRESS_HI, 4, 0, 0xffff_ffff, 0);
        init(MSI_OFFSET + PCI_MSI_DATA_64, 2, 0, 0xffff, 0);

        int linkBits = link.speed() | link.width() << PCI_EXP_LNKSTA_NLW_SHIFT;
        initCapability(EXP_OFFSET, PCI_CAP_ID_EXP, 0);
        init(EXP_OFFSET + PCI_EXP_FLAGS, 2, 2 | PCI_EXP_TYPE_ENDPOINT << 4, 0, 0);
        init(EXP_OFFSET + PCI_EXP_DEVCAP, 4, 1 | PCI_EXP_DEVCAP_EXT_TAG, 0, 0);
        init(EXP_OFFSET + PCI_EXP_DEVCTL, 2, PCI_EXP_DEVCTL_RELAX_EN | PCI_EXP_DEVCTL_NOSNOOP_EN | PCI_EXP_DEVCTL_READRQ_512B,
                DEVCTL_WRITABLE, 0);
        init(EXP_OFFSET + PCI_EXP_DEVSTA, 2, 0, 0, DEVSTA_WRITE_ONE_TO_CLEAR);
        init(EXP_OFFSET + PCI_EXP_LNKCAP, 4, linkBits, 0, 0);
        init(EXP_OFFSET + PCI_EXP_LNKCTL, 2, 0, LNKCTL_WRITABLE, 0);
        init(EXP_OFFSET + PCI_EXP_LNKSTA, 2, linkBits, 0, 0);
        init(EXP_OFFSET + PCI_EXP_LNKCAP2, 4, ((1 << link.speed()) - 1) << 1, 0, 0);
        init(EXP_OFFSET + PCI_EXP_LNKCTL2, 2, link.speed(), 0, 0);
        assert EXP_OFFSET + EXP_V2_SIZEOF <= PCI_CFG_SPACE_SIZE;

        initial = space.clone();
    }

    /**
     * The guest space for {@code type} on the GPU whose config space is {@code physical}: identity per
     * {@link #guestPciId(PciId, MdevType)}, the physical class, revision and negotiated link.
     */
    public static GuestConfigSpace of(PciConfigSpace physical, MdevType type) {
        return new GuestConfigSpace(guestPciId(physical.pciId(), type), physical.classCode(), physical.revision(),
                physical.pcieLink().orElse(PcieLink.GEN3_X16), bar1Size(type));
    }

    /**
     * The guest space for {@code type} on a GPU known by identity only (a catalogue model): link PCIe 3.0 x16.
     *
     * @param classCode the physical GPU's 24-bit class code (0x030200 3D controller, 0x030000 VGA)
     * @param revision  the physical GPU's revision id
     */
    public static GuestConfigSpace of(PciId physical, int classCode, int revision, MdevType type) {
        if (classCode < 0 || classCode > 0xff_ffff || revision < 0 || revision > 0xff) {
            throw new ValidationException("guest class and revision", String.format("0x%x rev 0x%x", classCode, revision),
                    "a class code has 24 bits and a revision 8");
        }
        return new GuestConfigSpace(guestPciId(physical, type), classCode, revision, PcieLink.GEN3_X16, bar1Size(type));
    }

    /**
     * The identity the guest sees: the type's guest PCI id; when it names no subsystem, with the physical
     * GPU's subsystem ids; without a guest PCI id, the physical GPU's identity.
     */
    public static PciId guestPciId(PciId physical, MdevType type) {
        return type.guestPciId()
                .map(id -> id.hasSubsystem() ? id : id.withSubsystem(physical.subsystemVendor(), physical.subsystemDevice()))
                .orElse(physical);
    }

    /** The guest's BAR1 size: the type's BAR1 length rounded up to a power of two (a BAR decodes a power of two). */
    public static Size bar1Size(MdevType type) {
        long bytes = type.bar1().bytes();
        return Size.bytes(Long.bitCount(bytes) == 1 ? bytes : Long.highestOneBit(bytes) << 1);
    }

    private void init(int offset, int width, int value, int writableBits, int writeOneToClearBits) {
        ConfigBytes.set(space, offset, width, value);
        ConfigBytes.set(writable, offset, width, writableBits);
        ConfigBytes.set(writeOneToClear, offset, width, writeOneToClearBits);
    }

    private void initCapability(int offset, int id, int next) {
        init(offset + PCI_CAP_LIST_ID, 1, id, 0, 0);
        init(offset + PCI_CAP_LIST_NEXT, 1, next, 0, 0);
    }

    private void initBar(int register, Size size, boolean prefetchable64) {
        long addressBits = ~(size.bytes() - 1);
        int type = prefetchable64 ? PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH : PCI_BASE_ADDRESS_MEM_TYPE_32;
        init(register, 4, type, (int) (addressBits & PCI_BASE_ADDRESS_MEM_MASK), 0);
        if (prefetchable64) {
            init(register + 4, 4, 0, (int) (addressBits >>> 32), 0);
        }
    }

    /** {@value #SIZE}. */
    public int size() {
        return SIZE;
    }

    /**
     * Reads {@code width} (1, 2 or 4) bytes at {@code offset}, little-endian, zero-extended (a 4-byte read may be
     * negative as an int). Allocates nothing.
     *
     * @throws ValidationException for another width or an access past the end
     */
    public int read(int offset, int width) {
        ConfigBytes.check(SIZE, offset, width);
        return ConfigBytes.get(space, offset, width);
    }

    /**
     * A guest write: bits in the writable mask take the written value, bits in the write-1-to-clear mask are
     * cleared where the value has a 1, all other bits keep their value. Allocates nothing.
     *
     * @throws ValidationException for another width than 1, 2 or 4 or an access past the end
     */
    public void write(int offset, int width, int value) {
        ConfigBytes.check(SIZE, offset, width);
        int mask = ConfigBytes.get(writable, offset, width);
        int clear = ConfigBytes.get(writeOneToClear, offset, width) & value;
        int old = ConfigBytes.get(space, offset, width);
        ConfigBytes.set(space, offset, width, ((old & ~mask) | (value & mask)) & ~clear);
    }

    /**
     * The device's side: sets {@code bits} whatever the guest masks say, e.g. an error bit in the status register
     * that the guest then clears by writing 1.
     */
    public void deviceSetBits(int offset, int width, int bits) {
        ConfigBytes.check(SIZE, offset, width);
        ConfigBytes.set(space, offset, width, ConfigBytes.get(space, offset, width) | bits);
    }

    /** The device's side: clears {@code bits} whatever the guest masks say (e.g. {@code PCI_STATUS_INTERRUPT}). */
    public void deviceClearBits(int offset, int width, int bits) {
        ConfigBytes.check(SIZE, offset, width);
        ConfigBytes.set(space, offset, width, ConfigBytes.get(space, offset, width) & ~bits);
    }

    /** Back to the state after construction, as a function-level reset leaves it. Allocates nothing. */
    public void reset() {
        System.arraycopy(initial, 0, space, 0, SIZE);
    }

    /** A copy of the current bytes. */
    public byte[] snapshot() {
        return space.clone();
    }

    /** The identity the guest sees. */
    public PciId pciId() {
        return pciId;
    }

    /** The size of BAR {@code index}: BAR0, BAR1 and BAR3 are implemented; others are {@link Size#ZERO}. */
    public Size barSize(int index) {
        return switch (index) {
            case 0 -> BAR0_SIZE;
            case 1 -> bar1Size;
            case 3 -> BAR3_SIZE;
            default -> Size.ZERO;
        };
    }

    @Override
    public String toString() {
        return String.format("GuestConfigSpace[%s rev %02x %s, BAR0 %s, BAR1 %s (64-bit, prefetchable), BAR3 %s (64-bit, prefetchable), "
                        + "caps PM@%x MSI@%x Express@%x, command 0x%04x]",
                pciId, initial[PCI_REVISION_ID] & 0xff, PciDevice.className(classCode), BAR0_SIZE, bar1Size, BAR3_SIZE,
                PM_OFFSET, MSI_OFFSET, EXP_OFFSET, read(PCI_COMMAND, 2));
    }
}
