package io.mdevgpu.core.pci;

import io.mdevgpu.Bar;
import io.mdevgpu.PciId;
import io.mdevgpu.Size;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.pci.PciDevice;
import io.mdevgpu.kernel.pci.PciResource;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import static io.mdevgpu.kernel.abi.pci.PciRegs.*;

/**
 * A parsed type-0 (endpoint) PCI configuration space: the header fields, the BARs ({@link Bar}: what each
 * decodes and, when known, its size), the capability list and the extended capability list. Immutable; it
 * keeps a copy of the bytes.
 *
 * <p>Three ways in: {@link #parse(byte[])} takes a raw dump (sysfs {@code config}, 256 or 4096 bytes) and
 * knows only the BARs' base addresses; {@link #parse(byte[], List)} adds the sizes from the device's sysfs
 * {@code resource} file as the kernel module parses it ({@link PciResource#parse(String, String)});
 * {@link #probe(GuestConfigSpace)} sizes the BARs of an emulated space by the sizing protocol (write all-ones,
 * read back the mask, restore).
 *
 * <p>Capability walks stop at a next pointer of 0 (standard list) or a header of 0 or all-ones (extended list)
 * and refuse a loop or a pointer into the header, as Linux does; they raise an error rather than guess.
 */
public final class PciConfigSpace {
    private final byte[] bytes;
    private final List<Bar> bars;
    private final List<Capability> capabilities;
    private final List<ExtendedCapability> extendedCapabilities;

    /** @param barSizes null: sizes unknown, a BAR is implemented when its register is not 0; else per BAR 0 = none */
    private PciConfigSpace(byte[] bytes, long[] barSizes) {
        this.bytes = bytes;
        this.bars = BarRegisters.parseBars(bytes, barSizes);
        this.capabilities = CapabilityWalk.walkCapabilities(bytes);
        this.extendedCapabilities = CapabilityWalk.walkExtendedCapabilities(bytes);
    }

    /**
     * Parses a raw config-space dump. BAR sizes stay unknown ({@link Size#ZERO}); a BAR counts as implemented when
     * its register is not zero (an unassigned 32-bit BAR therefore goes unseen: use the resource file).
     *
     * @throws ValidationException when the dump is not 256 or 4096 bytes, reads as no device, is not a type-0
     *                             header, or its capability lists loop or point outside their range
     */
    public static PciConfigSpace parse(byte[] config) {
        return new PciConfigSpace(checked(config), null);
    }

    /**
     * Parses a dump and takes each BAR's size from the lines of the device's sysfs {@code resource} file.
     *
     * @param resources every line of the file in order, as {@link PciResource#parse(String, String)} returns them
     * @throws ValidationException as {@link #parse(byte[])}, and when the lines are fewer than six or out of order,
     *                             or disagree with the registers (I/O against memory, 32 against 64 bits, a window
     *                             where the upper half of a 64-bit BAR sits, a size that is not a power of two)
     */
    public static PciConfigSpace parse(byte[] config, List<PciResource> resources) {
        Objects.requireNonNull(resources, "resources");
        List<PciResource> lines = PciResource.inFileOrder(resources);
        if (lines.size() < PCI_STD_NUM_BARS) {
            throw new ValidationException("resource file", lines.size() + " lines",
                    "a PCI device's resource file has a line for each of the " + PCI_STD_NUM_BARS + " BARs and more");
        }
        byte[] copy = checked(config);
        long[] sizes = new long[PCI_STD_NUM_BARS];
        for (int i = 0; i < PCI_STD_NUM_BARS; i++) {
            sizes[i] = lines.get(i).size().bytes();
        }
        PciConfigSpace space = new PciConfigSpace(copy, sizes);
        space.checkAgainst(lines);
        return space;
    }

    /**
     * Parses a dump whose BAR sizes are known from elsewhere, as a VMM knows them from VFIO's region info or the API
     * lists a GPU's windows: {@code barSizes[i]} is BAR i's size in bytes, 0 where register i implements none (the
     * upper half of a 64-bit BAR included). Unlike {@link #parse(byte[])}, a BAR whose register holds 0 (not yet
     * assigned, as in a guest's space before its firmware runs) is seen when its size is not 0.
     *
     * @throws ValidationException as {@link #parse(byte[])}, and when there are not six sizes or one is neither 0 nor a
     *                             power of two
     */
    public static PciConfigSpace parse(byte[] config, long[] barSizes) {
        if (barSizes == null || barSizes.length != PCI_STD_NUM_BARS) {
            throw new ValidationException("BAR sizes", barSizes == null ? null : barSizes.length + " sizes",
                    "one size for each of the " + PCI_STD_NUM_BARS + " BAR registers, 0 where none is implemented");
        }
        for (int i = 0; i < PCI_STD_NUM_BARS; i++) {
            if (barSizes[i] != 0 && !Size.bytes(barSizes[i]).isPowerOfTwo()) {
                throw new ValidationException("BAR" + i + " size", Long.toString(barSizes[i]), "0 or a power of two bytes");
            }
        }
        return new PciConfigSpace(checked(config), barSizes.clone());
    }

    /**
     * Reads an emulated config space and sizes every BAR by the sizing protocol: save the register, write
     * all-ones, read back the size mask (the upper register too for a 64-bit BAR), restore. The space is left
     * as it was found.
     */
    public static PciConfigSpace probe(GuestConfigSpace space) {
        long[] sizes = new long[PCI_STD_NUM_BARS];
        for (int i = 0; i < PCI_STD_NUM_BARS; i++) {
            int register = PCI_BASE_ADDRESS_0 + 4 * i;
            int low = sizeMask(space, register);
            if (low == 0) {
                continue;
            }
            boolean io = BarRegisters.declaresIo(low);
            boolean is64Bit = !io && BarRegisters.memoryType(low, i) == PCI_BASE_ADDRESS_MEM_TYPE_64;
            long mask;
            if (io) {
                mask = Integer.toUnsignedLong(low) & PCI_BASE_ADDRESS_IO_MASK & 0xffff_ffffL;
            } else if (is64Bit && i + 1 < PCI_STD_NUM_BARS) {
                mask = (Integer.toUnsignedLong(sizeMask(space, register + 4)) << 32)
                        | (Integer.toUnsignedLong(low) & PCI_BASE_ADDRESS_MEM_MASK);
            } else {
                mask = Integer.toUnsignedLong(low) & PCI_BASE_ADDRESS_MEM_MASK & 0xffff_ffffL;
            }
            sizes[i] = Long.lowestOneBit(mask);
            i += is64Bit ? 1 : 0;
        }
        return new PciConfigSpace(checked(space.snapshot()), sizes);
    }

    private static int sizeMask(GuestConfigSpace space, int register) {
        int saved = space.read(register, 4);
        space.write(register, 4, 0xffff_ffff);
        int mask = space.read(register, 4);
        space.write(register, 4, saved);
        return mask;
    }

    /** The same bytes with the BAR sizes of the {@code resource} file's lines ({@link #parse(byte[], List)}). */
    public PciConfigSpace withBarSizes(List<PciResource> resources) {
        return parse(bytes, resources);
    }

    private static byte[] checked(byte[] config) {
        if (config == null) {
            throw new ValidationException("PCI config space", null, "the bytes of /sys/bus/pci/devices/ADDRESS/config are required");
        }
        if (config.length != PCI_CFG_SPACE_SIZE && config.length != PCI_CFG_SPACE_EXP_SIZE) {
            throw new ValidationException("PCI config space", config.length + " bytes",
                    "a config space is " + PCI_CFG_SPACE_SIZE + " bytes (PCI) or " + PCI_CFG_SPACE_EXP_SIZE
                            + " (PCI Express); sysfs returns only the first 64 to a user who is not root, so read it as root");
        }
        int vendor = ConfigBytes.get(config, PCI_VENDOR_ID, 2);
        if (vendor == 0xffff || vendor == 0) {
            throw new ValidationException("PCI config space", String.format("vendor 0x%04x", vendor),
                    "no device answers (the space reads as all ones or zeros); check the address and that the device is powered");
        }
        int headerType = config[PCI_HEADER_TYPE] & PCI_HEADER_TYPE_MASK;
        if (headerType != PCI_HEADER_TYPE_NORMAL) {
            throw new ValidationException("PCI config space", "header type " + headerType,
                    "only type-0 headers (endpoints such as GPUs) are parsed; type 1 is a bridge, type 2 a CardBus bridge");
        }
        return config.clone();
    }


    private void checkAgainst(List<PciResource> lines) {
        for (Bar bar : bars) {
            PciResource window = lines.get(bar.index());
            if (window.isIo() == bar.isMemory() || window.is64Bit() != bar.is64Bit()) {
                throw new ValidationException("resource line " + bar.index(), window.toString(),
                        "must describe the same kind of window as BAR" + bar.index() + " declares (" + regionLine(bar) + ")");
            }
            if (bar.is64Bit() && !lines.get(bar.index() + 1).isEmpty()) {
                throw new ValidationException("resource line " + (bar.index() + 1), lines.get(bar.index() + 1).toString(),
                        "must be unused: register " + (bar.index() + 1) + " holds the upper half of 64-bit BAR" + bar.index());
            }
        }
    }


    /** 256 (PCI) or 4096 (PCI Express). */
    public int size() { return bytes.length; }

    /** The little-endian value of {@code width} (1, 2 or 4) bytes at {@code offset}, zero-extended. */
    public int read(int offset, int width) {
        ConfigBytes.check(bytes.length, offset, width);
        return ConfigBytes.get(bytes, offset, width);
    }

    /** A copy of the bytes. */
    public byte[] bytes() { return bytes.clone(); }

    public int vendorId() { return ConfigBytes.get(bytes, PCI_VENDOR_ID, 2); }
    public int deviceId() { return ConfigBytes.get(bytes, PCI_DEVICE_ID, 2); }
    public int command() { return ConfigBytes.get(bytes, PCI_COMMAND, 2); }
    public int status() { return ConfigBytes.get(bytes, PCI_STATUS, 2); }
    public int revision() { return ConfigBytes.get(bytes, PCI_REVISION_ID, 1); }
    /** The 24-bit class code: base class, subclass, programming interface (0x030200: 3D controller). */
    public int classCode() { return ConfigBytes.get(bytes, PCI_CLASS_REVISION, 4) >>> 8; }
    /** The header type byte, multi-function bit (0x80) included. */
    public int headerType() { return ConfigBytes.get(bytes, PCI_HEADER_TYPE, 1); }
    public boolean isMultiFunction() { return (headerType() & 0x80) != 0; }
    public int subsystemVendorId() { return ConfigBytes.get(bytes, PCI_SUBSYSTEM_VENDOR_ID, 2); }
    public int subsystemId() { return ConfigBytes.get(bytes, PCI_SUBSYSTEM_ID, 2); }
    public int interruptLine() { return ConfigBytes.get(bytes, PCI_INTERRUPT_LINE, 1); }
    /** 0: no INTx; 1..4: INTA..INTD. */
    public int interruptPin() { return ConfigBytes.get(bytes, PCI_INTERRUPT_PIN, 1); }

    /** Vendor, device and subsystem ids. */
    public PciId pciId() {
        return PciId.of(vendorId(), deviceId(), subsystemVendorId(), subsystemId());
    }

    /** The implemented BARs in register order (a 64-bit BAR once, at its first register). */
    public List<Bar> bars() { return bars; }

    /** The BAR that starts at register {@code index}, if one does. */
    public Optional<Bar> bar(int index) {
        for (Bar bar : bars) {
            if (bar.index() == index) return Optional.of(bar);
        }
        return Optional.empty();
    }

    /** The standard capabilities in list order. */
    public List<Capability> capabilities() { return capabilities; }

    /** The first capability with {@code id} ({@code PciRegs.PCI_CAP_ID_*}). */
    public Optional<Capability> capability(int id) {
        for (Capability c : capabilities) {
            if (c.id() == id) return Optional.of(c);
        }
        return Optional.empty();
    }

    /** The extended capabilities in list order (empty for a 256-byte space). */
    public List<ExtendedCapability> extendedCapabilities() { return extendedCapabilities; }

    /** The first extended capability with {@code id} ({@code PciRegs.PCI_EXT_CAP_ID_*}). */
    public Optional<ExtendedCapability> extendedCapability(int id) {
        for (ExtendedCapability c : extendedCapabilities) {
            if (c.id() == id) return Optional.of(c);
        }
        return Optional.empty();
    }

    /** The negotiated link from the PCI Express capability's link status; empty without one or with the link down. */
    public Optional<PcieLink> pcieLink() {
        return capability(PCI_CAP_ID_EXP).flatMap(exp -> {
            int status = field(exp.offset() + PCI_EXP_LNKSTA, 2);
            int speed = status & PCI_EXP_LNKSTA_CLS;
            int width = (status & PCI_EXP_LNKSTA_NLW) >> PCI_EXP_LNKSTA_NLW_SHIFT;
            return speed >= 1 && speed <= 6 && width >= 1 && width <= 32 ? Optional.of(new PcieLink(speed, width)) : Optional.empty();
        });
    }

    /** A capability's field, 0 when it would lie past the end (a capability squeezed against the end of the space). */
    private int field(int offset, int width) {
        return offset + width <= bytes.length ? ConfigBytes.get(bytes, offset, width) : 0;
    }

    private static String flag(String name, boolean on) {
        return name + (on ? "+" : "-");
    }

    private String describe(Capability cap) {
        int at = cap.offset();
        return switch (cap.id()) {
            case PCI_CAP_ID_PM -> "Power Management version " + (field(at + PCI_PM_PMC, 2) & PCI_PM_CAP_VER_MASK);
            case PCI_CAP_ID_MSI -> {
                int flags = field(at + PCI_MSI_FLAGS, 2);
                yield "MSI: " + flag("Enable", (flags & PCI_MSI_FLAGS_ENABLE) != 0)
                        + " Count=" + (1 << ((flags & PCI_MSI_FLAGS_QSIZE) >> 4)) + "/" + (1 << ((flags & PCI_MSI_FLAGS_QMASK) >> 1))
                        + " " + flag("Maskable", (flags & PCI_MSI_FLAGS_MASKBIT) != 0)
                        + " " + flag("64bit", (flags & PCI_MSI_FLAGS_64BIT) != 0);
            }
            case PCI_CAP_ID_EXP -> {
                int flags = field(at + PCI_EXP_FLAGS, 2);
                yield "Express (v" + (flags & PCI_EXP_FLAGS_VERS) + ") " + portType((flags & PCI_EXP_FLAGS_TYPE) >> 4)
                        + pcieLink().map(link -> ", link " + link).orElse("");
            }
            case PCI_CAP_ID_MSIX -> {
                int flags = field(at + PCI_MSIX_FLAGS, 2);
                yield "MSI-X: " + flag("Enable", (flags & PCI_MSIX_FLAGS_ENABLE) != 0)
                        + " Count=" + ((flags & PCI_MSIX_FLAGS_QSIZE) + 1) + " " + flag("Masked", (flags & PCI_MSIX_FLAGS_MASKALL) != 0);
            }
            default -> cap.name();
        };
    }

    private static String portType(int type) {
        return switch (type) {
            case PCI_EXP_TYPE_ENDPOINT -> "Endpoint";
            case PCI_EXP_TYPE_LEG_END -> "Legacy Endpoint";
            case PCI_EXP_TYPE_ROOT_PORT -> "Root Port";
            case PCI_EXP_TYPE_UPSTREAM -> "Upstream Port";
            case PCI_EXP_TYPE_DOWNSTREAM -> "Downstream Port";
            case PCI_EXP_TYPE_PCI_BRIDGE -> "PCI-Express to PCI/PCI-X Bridge";
            case PCI_EXP_TYPE_PCIE_BRIDGE -> "PCI/PCI-X to PCI-Express Bridge";
            case PCI_EXP_TYPE_RC_END -> "Root Complex Integrated Endpoint";
            case PCI_EXP_TYPE_RC_EC -> "Root Complex Event Collector";
            default -> "port type " + type;
        };
    }

    /**
     * One BAR as {@code lspci -v} prints it:
     * {@code Region 2: Memory at 100000000000 (64-bit, prefetchable) [size=128GiB]}.
     */
    public static String regionLine(Bar bar) {
        String where = bar.io() ? "I/O ports at " + Long.toHexString(bar.start())
                : "Memory at " + Long.toHexString(bar.start()) + " ("
                + (bar.is64Bit() ? "64-bit" : bar.below1M() ? "low-1M" : "32-bit") + ", "
                + (bar.prefetchable() ? "prefetchable" : "non-prefetchable") + ")";
        return "Region " + bar.index() + ": " + where + (bar.sizeKnown() ? " [size=" + bar.size() + "]" : " [size unknown]");
    }

    /** A compact {@code lspci -vv}: identity, control and status, interrupt, regions, capabilities. */
    @Override
    public String toString() {
        int command = command();
        int status = status();
        StringBuilder sb = new StringBuilder(512);
        sb.append(String.format("PCI %s rev %02x, %s [%06x], %d bytes\n", pciId(), revision(), PciDevice.className(classCode()), classCode(), size()));
        sb.append("\tControl: ").append(flag("I/O", (command & PCI_COMMAND_IO) != 0))
                .append(' ').append(flag("Mem", (command & PCI_COMMAND_MEMORY) != 0))
                .append(' ').append(flag("BusMaster", (command & PCI_COMMAND_MASTER) != 0))
                .append(' ').append(flag("ParErr", (command & PCI_COMMAND_PARITY) != 0))
                .append(' ').append(flag("SERR", (command & PCI_COMMAND_SERR) != 0))
                .append(' ').append(flag("DisINTx", (command & PCI_COMMAND_INTX_DISABLE) != 0)).append('\n');
        sb.append("\tStatus: ").append(flag("Cap", (status & PCI_STATUS_CAP_LIST) != 0))
                .append(' ').append(flag("INTx", (status & PCI_STATUS_INTERRUPT) != 0))
                .append(' ').append(flag(">TAbort", (status & PCI_STATUS_SIG_TARGET_ABORT) != 0))
                .append(' ').append(flag("<TAbort", (status & PCI_STATUS_REC_TARGET_ABORT) != 0))
                .append(' ').append(flag("<MAbort", (status & PCI_STATUS_REC_MASTER_ABORT) != 0))
                .append(' ').append(flag(">SERR", (status & PCI_STATUS_SIG_SYSTEM_ERROR) != 0))
                .append(' ').append(flag("<PERR", (status & PCI_STATUS_DETECTED_PARITY) != 0)).append('\n');
        int pin = interruptPin();
        sb.append("\tInterrupt: ").append(pin == 0 ? "none" : "pin " + (char) ('A' + pin - 1) + " routed to IRQ " + interruptLine()).append('\n');
        for (Bar bar : bars) {
            sb.append('\t').append(regionLine(bar)).append('\n');
        }
        for (Capability cap : capabilities) {
            sb.append(String.format("\tCapabilities: [%x] %s\n", cap.offset(), describe(cap)));
        }
        for (ExtendedCapability cap : extendedCapabilities) {
            sb.append("\tCapabilities: ").append(cap).append('\n');
        }
        return sb.toString().stripTrailing();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PciConfigSpace other && Arrays.equals(bytes, other.bytes) && bars.equals(other.bars);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes) * 31 + bars.hashCode();
    }
}
