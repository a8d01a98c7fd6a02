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
    /** {@return the device's name in its VFIO group: the mdev's UUID, or the VF's PCI address} */
    String name();

    /**
     * {@return the {@code VFIO_DEVICE_FLAGS_*} bits {@code VFIO_DEVICE_GET_INFO} gave at the open: {@code RESET} 1
     * (the device has a reset), {@code PCI} 2, {@code CAPS} 0x80 (the info has capabilities)}
     */
    int flags();

    /**
     * Every region of the device, by index ({@code VFIO_DEVICE_GET_REGION_INFO} for each); a region the device does
     * not implement has size 0.
     *
     * @return the regions, index 0 first; unmodifiable
     * @throws KernelException EBADF after the device's close
     */
    List<Region> regions();

    /**
     * One region by index; for vfio-pci BAR0-5 = 0-5, ROM 6, CONFIG 7, VGA 8.
     *
     * @param index the region's index, 0 to the device's region count - 1
     * @return the region
     * @throws ValidationException when the device has no region {@code index}
     * @throws KernelException     EBADF after the device's close
     */
    Region region(int index);

    /** {@return the PCI config space region, index 7} */
    default Region config() {
        return region(7);
    }

    /**
     * Every IRQ index of the device, as {@code VFIO_DEVICE_GET_IRQ_INFO} reports each now.
     *
     * @return the IRQ indexes, index 0 first; unmodifiable
     * @throws KernelException EBADF after the device's close
     */
    List<IrqInfo> irqs();

    /**
     * Wires {@code count} vectors of IRQ {@code index} (INTx 0, MSI 1, MSI-X 2...) to new eventfds
     * ({@code VFIO_DEVICE_SET_IRQS}, {@code DATA_EVENTFD | ACTION_TRIGGER}), vectors 0..count-1.
     *
     * @param index the IRQ index
     * @param count how many vectors, 1 to the index's {@link IrqInfo#count()}
     * @return the eventfds, owned by the caller: their close disables the index, and the device's close closes them
     * @throws ValidationException when the device has no such index, the index has no eventfd vectors, the count
     *                             is out of range, or the index is enabled already
     * @throws KernelException     when the kernel refuses, or EBADF after the device's close
     */
    IrqEventFds enableIrq(int index, int count);

    /**
     * Disables IRQ {@code index} and closes its eventfds, as their own close does; nothing for an index not enabled
     * through this device.
     *
     * @param index the IRQ index
     */
    void disableIrq(int index);

    /**
     * Resets the device ({@code VFIO_DEVICE_RESET}), the way its VFIO driver resets it.
     *
     * @throws UnsupportedOperationKernelException when the device advertises no reset ({@code RESET} absent from
     *                                             {@link #flags()}); the kernel is not asked
     * @throws KernelException                     when the kernel refuses, or EBADF after the device's close
     */
    void reset();

    @Override
    void close();
}
