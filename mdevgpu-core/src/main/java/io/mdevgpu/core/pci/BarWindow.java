package io.mdevgpu.core.pci;

import io.mdevgpu.Size;
import io.mdevgpu.ValidationException;

import static io.mdevgpu.kernel.abi.pci.IoResource.IORESOURCE_IO;
import static io.mdevgpu.kernel.abi.pci.IoResource.IORESOURCE_MEM;
import static io.mdevgpu.kernel.abi.pci.IoResource.IORESOURCE_MEM_64;
import static io.mdevgpu.kernel.abi.pci.IoResource.IORESOURCE_PREFETCH;

/**
 * One line of a PCI device's sysfs {@code resource} file: the host's window for a BAR (lines 0..5), the
 * expansion ROM (line 6) or further resources, as {@code start end flags}. An unused line is all zeros.
 *
 * @param index the line, 0-based (= the BAR index for 0..5)
 * @param start first address of the window
 * @param end   last address, inclusive
 * @param flags the kernel's {@code IORESOURCE_*} flags
 */
public record BarWindow(int index, long start, long end, long flags) {
    public BarWindow {
        if (index < 0) {
            throw new ValidationException("resource line", Integer.toString(index), "line indexes start at 0");
        }
        if (Long.compareUnsigned(end, start) < 0) {
            throw new ValidationException("resource line " + index,
                    String.format("0x%016x 0x%016x", start, end), "the end address must not lie below the start");
        }
        if (start == 0 && end == -1L) {
            throw new ValidationException("resource line " + index, "0x0 0xffffffffffffffff",
                    "a window cannot span the whole 64-bit address space");
        }
    }

    /** An unused line: no flags and no addresses. */
    public boolean isEmpty() {
        return flags == 0 && start == 0 && end == 0;
    }

    /** The window's length ({@code end - start + 1}); {@link Size#ZERO} for an unused line. */
    public Size size() {
        return isEmpty() ? Size.ZERO : Size.bytes(end - start + 1);
    }

    public boolean isMemory() {
        return (flags & IORESOURCE_MEM) != 0;
    }

    public boolean isIo() {
        return (flags & IORESOURCE_IO) != 0;
    }

    public boolean isPrefetchable() {
        return (flags & IORESOURCE_PREFETCH) != 0;
    }

    public boolean is64Bit() {
        return (flags & IORESOURCE_MEM_64) != 0;
    }

    @Override
    public String toString() {
        if (isEmpty()) {
            return index + ": unused";
        }
        String what = isIo() ? "I/O" : isMemory() ? "memory" + (is64Bit() ? " 64-bit" : " 32-bit")
                + (isPrefetchable() ? " prefetchable" : "") : "flags 0x" + Long.toHexString(flags);
        return index + ": " + Long.toHexString(start) + "-" + Long.toHexString(end) + " " + what + " [" + size() + "]";
    }
}
