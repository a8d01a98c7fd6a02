package io.mdevgpu;

/**
 * One IRQ index of a VFIO device, as {@code VFIO_DEVICE_GET_IRQ_INFO} reports it. Immutable.
 *
 * @param index the IRQ index; for vfio-pci INTx 0, MSI 1, MSI-X 2, ERR 3, REQ 4
 * @param flags the kernel's {@code VFIO_IRQ_INFO_*} bits: {@code EVENTFD} 1 (vectors can signal eventfds),
 *              {@code MASKABLE} 2, {@code AUTOMASKED} 4 (INTx, held back after it fires until unmasked),
 *              {@code NORESIZE} 8
 * @param count how many vectors the index has; 0 where the device does not implement it
 */
public record IrqInfo(int index, int flags, int count) {
    /**
     * The name of a vfio-pci IRQ index.
     *
     * @param index the IRQ index
     * @return {@code INTx}, {@code MSI}, {@code MSI-X}, {@code ERR}, {@code REQ}; {@code IRQ<n>} for another index
     */
    public static String indexName(int index) {
        return switch (index) {
            case 0 -> "INTx";
            case 1 -> "MSI";
            case 2 -> "MSI-X";
            case 3 -> "ERR";
            case 4 -> "REQ";
            default -> "IRQ" + index;
        };
    }

    @Override
    public String toString() {
        return indexName(index) + " x" + count + String.format(" flags=0x%x", flags);
    }
}
