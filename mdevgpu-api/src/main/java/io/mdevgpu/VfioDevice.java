package io.mdevgpu;

import java.util.List;

/**
 * An open VFIO device with its container and group. Owns file descriptors and mappings: close it (the kernel's
 * order: device, container unset, group, container).
 *
 * <p>Not thread-safe, except {@link #close()}: a close from another thread waits for the calls in flight on the
 * device's fd (and ends an {@link IrqEventFds#await} in flight), and every call of this device, its regions and its
 * {@link IrqEventFds} after it (or racing it) throws {@link KernelException} with {@link Errno#EBADF}, naming the
 * operation and the device. Only a {@link MappedRegion#segment()} the caller holds fails otherwise (see there).
 */
public interface VfioDevice extends AutoCloseable {
    /** The mdev UUID or PCI address this device was opened by. */
    String name();

    /** {@code VFIO_DEVICE_FLAGS_*}. */
    int flags();

    List<Region> regions();

    /** Region by index: BAR0-5 = 0-5, ROM 6, CONFIG 7, VGA 8. */
    Region region(int index);

    /** The config region. */
    default Region config() {
        return region(7);
    }

    List<IrqInfo> irqs();

    /** Wires {@code count} vectors of IRQ {@code index} (INTx 0, MSI 1, MSI-X 2...) to new eventfds. */
    IrqEventFds enableIrq(int index, int count);

    /** Disables IRQ {@code index}. */
    void disableIrq(int index);

    /** {@code VFIO_DEVICE_RESET}. */
    void reset();

    @Override
    void close();
}
