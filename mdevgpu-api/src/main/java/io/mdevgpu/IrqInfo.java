package io.mdevgpu;

/** {@code VFIO_DEVICE_GET_IRQ_INFO}: index (INTx 0, MSI 1, MSI-X 2, ERR 3, REQ 4), flags, count. */
public record IrqInfo(int index, int flags, int count) {
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
