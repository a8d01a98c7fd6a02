package io.mdevgpu;

/**
 * A PCI base address register: what it decodes (I/O ports, or 32-bit, below-1M or 64-bit memory), where it
 * sits and how large it is. The one BAR value of the library: sysfs {@code resource} windows convert to it
 * and a parsed or emulated config space lists its BARs as it. A 64-bit BAR spans registers {@code index} and
 * {@code index + 1}; the upper half is not a BAR of its own.
 *
 * @param index        0..5, the register it starts at (0..4 for a 64-bit BAR)
 * @param start        bus address (0 when not assigned)
 * @param size         window size, a power of two; {@link Size#ZERO} when unknown (a raw config dump holds only
 *                     base addresses: sizes come from sysfs {@code resource} or from the sizing protocol)
 * @param is64Bit      a 64-bit memory BAR
 * @param prefetchable prefetchable memory
 * @param io           an I/O port BAR
 * @param below1M      a memory BAR of the obsolete below-1M type (PCI 2.x; Linux treats it as 32-bit)
 */
public record Bar(int index, long start, Size size, boolean is64Bit, boolean prefetchable, boolean io, boolean below1M) {
    /** The most BARs a type-0 header has. */
    private static final int REGISTERS = 6;

    /**
     * Checks the BAR is one the PCI specification allows.
     *
     * @throws ValidationException when the index is out of range (or a 64-bit BAR has no next register), the size
     *                             is null or not a power of two, or the kinds contradict each other (an I/O BAR
     *                             that is prefetchable, 64-bit or below-1M; a 64-bit below-1M BAR)
     */
    public Bar {
        if (index < 0 || index + (is64Bit ? 2 : 1) > REGISTERS) {
            throw new ValidationException("BAR index", Integer.toString(index),
                    "BARs are 0..5 and a 64-bit BAR needs the next register for its upper half, so it starts at 0..4");
        }
        if (size == null) {
            throw new ValidationException("BAR" + index + " size", null, "a size is required (Size.ZERO when it is unknown)");
        }
        if (io && (prefetchable || is64Bit || below1M)) {
            throw new ValidationException("BAR" + index, "I/O" + (prefetchable ? " prefetchable" : "") + (is64Bit ? " 64-bit" : "")
                    + (below1M ? " below-1M" : ""), "only memory BARs can be prefetchable, 64-bit or below 1M");
        }
        if (is64Bit && below1M) {
            throw new ValidationException("BAR" + index, "64-bit below-1M", "a memory BAR is 32-bit, below-1M or 64-bit");
        }
        if (!size.isZero() && !size.isPowerOfTwo()) {
            throw new ValidationException("BAR" + index + " size", size.toString(), "a BAR decodes a power of two bytes");
        }
    }

    /**
     * A BAR that is not of the below-1M type (every BAR of a PCI Express device).
     *
     * @param index        0..5, the register it starts at (0..4 for a 64-bit BAR)
     * @param start        bus address (0 when not assigned)
     * @param size         window size, a power of two; {@link Size#ZERO} when unknown
     * @param is64Bit      a 64-bit memory BAR
     * @param prefetchable prefetchable memory
     * @param io           an I/O port BAR
     * @throws ValidationException as the canonical constructor
     */
    public Bar(int index, long start, Size size, boolean is64Bit, boolean prefetchable, boolean io) {
        this(index, start, size, is64Bit, prefetchable, io, false);
    }

    /** {@return whether it decodes memory (32-bit, below-1M or 64-bit) rather than I/O ports} */
    public boolean isMemory() {
        return !io;
    }

    /** {@return how many of the six BAR registers it occupies: 2 for a 64-bit BAR, else 1} */
    public int registers() {
        return is64Bit ? 2 : 1;
    }

    /** {@return whether the size is known: false for {@link Size#ZERO}, as a BAR read from a raw config dump has} */
    public boolean sizeKnown() {
        return !size.isZero();
    }

    /** {@code BAR2 128GiB 64-bit prefetchable @ 0x100000000000}; {@code size unknown} in place of a size of 0. */
    @Override
    public String toString() {
        return "BAR" + index + " " + (sizeKnown() ? size : "size unknown")
                + (io ? " I/O" : is64Bit ? " 64-bit" : below1M ? " below-1M" : " 32-bit")
                + (prefetchable ? " prefetchable" : "") + (start != 0 ? String.format(" @ 0x%x", start) : "");
    }
}
