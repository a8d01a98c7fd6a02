package io.mdevgpu.core.pci;

import io.mdevgpu.Size;
import io.mdevgpu.ValidationException;

import static io.mdevgpu.kernel.abi.pci.PciRegs.PCI_BASE_ADDRESS_0;
import static io.mdevgpu.kernel.abi.pci.PciRegs.PCI_STD_NUM_BARS;

/**
 * One implemented base address register of a type-0 header. A 64-bit BAR spans registers {@code index} and
 * {@code index + 1}; the upper half is not a BAR of its own.
 *
 * @param index        0..5, the register it starts at
 * @param kind         what it decodes
 * @param prefetchable memory that may be prefetched (never for I/O)
 * @param address      the base address programmed into it (0 when unassigned)
 * @param size         the decoded size; {@link Size#ZERO} when unknown (a raw config dump holds only base
 *                     addresses: sizes come from sysfs {@code resource} or from the sizing protocol)
 */
public record Bar(int index, BarKind kind, boolean prefetchable, long address, Size size) {
    public Bar {
        if (index < 0 || index + (kind == null ? 1 : kind.registers()) > PCI_STD_NUM_BARS) {
            throw new ValidationException("BAR index", Integer.toString(index),
                    "BARs are 0..5 and a 64-bit BAR needs the next register for its upper half, so it starts at 0..4");
        }
        if (kind == null || size == null) {
            throw new ValidationException("BAR" + index, null, "kind and size are required (Size.ZERO when the size is unknown)");
        }
        if (prefetchable && !kind.isMemory()) {
            throw new ValidationException("BAR" + index, "prefetchable I/O", "only memory BARs can be prefetchable");
        }
        if (!size.isZero() && !size.isPowerOfTwo()) {
            throw new ValidationException("BAR" + index + " size", size.toString(), "a BAR decodes a power of two bytes");
        }
    }

    /** The config-space offset of this BAR's (first) register. */
    public int register() {
        return PCI_BASE_ADDRESS_0 + 4 * index;
    }

    public boolean is64Bit() {
        return kind == BarKind.MEMORY_64;
    }

    public boolean sizeKnown() {
        return !size.isZero();
    }

    public Bar withSize(Size newSize) {
        return new Bar(index, kind, prefetchable, address, newSize);
    }

    /** Like lspci: {@code Region 2: Memory at 100000000000 (64-bit, prefetchable) [size=128GiB]}. */
    @Override
    public String toString() {
        String where = kind == BarKind.IO ? "I/O ports at " + Long.toHexString(address)
                : "Memory at " + Long.toHexString(address) + " (" + kind.label() + ", "
                + (prefetchable ? "prefetchable" : "non-prefetchable") + ")";
        return "Region " + index + ": " + where + (sizeKnown() ? " [size=" + size + "]" : " [size unknown]");
    }
}
