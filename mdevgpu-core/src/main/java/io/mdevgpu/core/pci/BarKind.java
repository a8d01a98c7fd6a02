package io.mdevgpu.core.pci;

import io.mdevgpu.ValidationException;

import static io.mdevgpu.kernel.abi.pci.PciRegs.PCI_BASE_ADDRESS_MEM_TYPE_1M;
import static io.mdevgpu.kernel.abi.pci.PciRegs.PCI_BASE_ADDRESS_MEM_TYPE_32;
import static io.mdevgpu.kernel.abi.pci.PciRegs.PCI_BASE_ADDRESS_MEM_TYPE_64;
import static io.mdevgpu.kernel.abi.pci.PciRegs.PCI_BASE_ADDRESS_MEM_TYPE_MASK;
import static io.mdevgpu.kernel.abi.pci.PciRegs.PCI_BASE_ADDRESS_SPACE_IO;

/** What a base address register decodes: I/O ports, or memory with 32-bit, below-1M (obsolete) or 64-bit addresses. */
public enum BarKind {
    IO("I/O ports"),
    MEMORY_32("32-bit"),
    MEMORY_BELOW_1M("low-1M"),
    MEMORY_64("64-bit");

    private final String label;

    BarKind(String label) {
        this.label = label;
    }

    /**
     * The kind a BAR register's low bits declare.
     *
     * @param register the register's value (only the type bits matter)
     * @param index    the BAR's index, for the error message
     * @throws ValidationException for the reserved memory type {@code 0b11}
     */
    public static BarKind of(int register, int index) {
        if ((register & PCI_BASE_ADDRESS_SPACE_IO) != 0) {
            return IO;
        }
        int type = register & PCI_BASE_ADDRESS_MEM_TYPE_MASK;
        if (type == PCI_BASE_ADDRESS_MEM_TYPE_32) return MEMORY_32;
        if (type == PCI_BASE_ADDRESS_MEM_TYPE_1M) return MEMORY_BELOW_1M;
        if (type == PCI_BASE_ADDRESS_MEM_TYPE_64) return MEMORY_64;
        throw new ValidationException("BAR" + index, String.format("0x%08x", register),
                "memory type 0b11 is reserved by the PCI specification; a BAR decodes 32-bit, below-1M or 64-bit memory");
    }

    public boolean isMemory() {
        return this != IO;
    }

    /** How many of the six BAR registers this kind occupies. */
    public int registers() {
        return this == MEMORY_64 ? 2 : 1;
    }

    /** The word lspci uses, e.g. {@code 64-bit}. */
    public String label() {
        return label;
    }
}
