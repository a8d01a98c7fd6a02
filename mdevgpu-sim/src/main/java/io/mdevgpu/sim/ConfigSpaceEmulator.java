package io.mdevgpu.sim;

/**
 * A guest's PCI configuration space as a VFIO device's CONFIG region presents it: what {@code pread} and
 * {@code pwrite} on that region reach in the simulated kernel. The core's guest config space implements it (the
 * kernel never imports the core); {@link PlainConfigSpace} is a plain one for kernel-only tests. Accessed under
 * the simulated kernel's lock, one access at a time.
 */
public interface ConfigSpaceEmulator {
    /** The space's size in bytes: 256 (conventional) or 4096 (PCI Express). */
    int size();

    /**
     * Reads {@code width} bytes (1, 2 or 4) at {@code offset}, naturally aligned and within {@link #size()},
     * little-endian, as the low bytes of the result.
     */
    int read(int offset, int width);

    /** Writes the low {@code width} bytes (1, 2 or 4) of {@code value} at {@code offset}, as a guest's access would. */
    void write(int offset, int width, int value);
}
