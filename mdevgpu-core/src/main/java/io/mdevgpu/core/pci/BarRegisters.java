package io.mdevgpu.core.pci;

import io.mdevgpu.Bar;
import io.mdevgpu.Size;
import io.mdevgpu.ValidationException;

import java.util.ArrayList;
import java.util.List;

import static io.mdevgpu.kernel.abi.pci.PciRegs.*;

/**
 * The {@link PciConfigSpace}'s decoding of the six BAR registers: I/O or memory, the memory type, the base address
 * (both halves of a 64-bit BAR) and, when known, the size.
 */
final class BarRegisters {
    private BarRegisters() {
    }

    static List<Bar> parseBars(byte[] bytes, long[] sizes) {
        List<Bar> bars = new ArrayList<>(PCI_STD_NUM_BARS);
        for (int i = 0; i < PCI_STD_NUM_BARS; i++) {
            int register = ConfigBytes.get(bytes, PCI_BASE_ADDRESS_0 + 4 * i, 4);
            long size = sizes == null ? -1 : sizes[i];
            if (size == 0 || (size < 0 && register == 0)) {
                continue;
            }
            boolean io = declaresIo(register);
            int type = io ? 0 : memoryType(register, i);
            long low = Integer.toUnsignedLong(register);
            long address;
            if (type == PCI_BASE_ADDRESS_MEM_TYPE_64) {
                if (i == PCI_STD_NUM_BARS - 1) {
                    throw new ValidationException("BAR5", String.format("0x%08x", register),
                            "declares a 64-bit BAR but there is no register after it for the upper half");
                }
                long high = Integer.toUnsignedLong(ConfigBytes.get(bytes, PCI_BASE_ADDRESS_0 + 4 * (i + 1), 4));
                address = high << 32 | (low & PCI_BASE_ADDRESS_MEM_MASK);
            } else {
                address = low & (io ? PCI_BASE_ADDRESS_IO_MASK : PCI_BASE_ADDRESS_MEM_MASK);
            }
            boolean prefetchable = !io && (register & PCI_BASE_ADDRESS_MEM_PREFETCH) != 0;
            Bar bar = new Bar(i, address, size > 0 ? Size.bytes(size) : Size.ZERO, type == PCI_BASE_ADDRESS_MEM_TYPE_64,
                    prefetchable, io, type == PCI_BASE_ADDRESS_MEM_TYPE_1M);
            bars.add(bar);
            i += bar.registers() - 1;
        }
        return List.copyOf(bars);
    }

    static boolean declaresIo(int register) {
        return (register & PCI_BASE_ADDRESS_SPACE) == PCI_BASE_ADDRESS_SPACE_IO;
    }

    /**
     * The memory type a memory BAR's register declares: {@code PCI_BASE_ADDRESS_MEM_TYPE_32}, {@code _1M} or {@code _64}.
     *
     * @throws ValidationException for the reserved type {@code 0b11}
     */
    static int memoryType(int register, int index) {
        int type = register & PCI_BASE_ADDRESS_MEM_TYPE_MASK;
        if (type != PCI_BASE_ADDRESS_MEM_TYPE_32 && type != PCI_BASE_ADDRESS_MEM_TYPE_1M && type != PCI_BASE_ADDRESS_MEM_TYPE_64) {
            throw new ValidationException("BAR" + index, String.format("0x%08x", register),
                    "memory type 0b11 is reserved by the PCI specification; a BAR decodes 32-bit, below-1M or 64-bit memory");
        }
        return type;
    }
}
