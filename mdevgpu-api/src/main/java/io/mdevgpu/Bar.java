package io.mdevgpu;

/**
 * A PCI base address register window.
 *
 * @param index        0..5
 * @param start        bus address (0 when not assigned)
 * @param size         window size
 * @param is64Bit      a 64-bit memory BAR
 * @param prefetchable prefetchable memory
 * @param io           an I/O port BAR
 */
public record Bar(int index, long start, Size size, boolean is64Bit, boolean prefetchable, boolean io) {
    @Override
    public String toString() {
        return "BAR" + index + " " + size + (io ? " I/O" : is64Bit ? " 64-bit" : " 32-bit")
                + (prefetchable ? " prefetchable" : "") + (start != 0 ? String.format(" @ 0x%x", start) : "");
    }
}
