package io.mdevgpu.kernel.vfio;

import static io.mdevgpu.kernel.abi.vfio.VfioConstants.*;

/** What {@code VFIO_DEVICE_GET_IRQ_INFO} says about one IRQ index: its flags and how many vectors it has. */
public record VfioIrqInfo(int index, int flags, int count) {
    private static final String[] PCI_NAMES = {"INTx", "MSI", "MSI-X", "ERR", "REQ"};

    /** {@code INTx}, {@code MSI}, {@code MSI-X}, {@code ERR}, {@code REQ} (vfio-pci's fixed indexes), else {@code irq N}. */
    public String name() {
        return index >= 0 && index < PCI_NAMES.length ? PCI_NAMES[index] : "irq " + index;
    }

    public boolean eventfd() { return (flags & VFIO_IRQ_INFO_EVENTFD) != 0; }
    public boolean maskable() { return (flags & VFIO_IRQ_INFO_MASKABLE) != 0; }
    public boolean automasked() { return (flags & VFIO_IRQ_INFO_AUTOMASKED) != 0; }
    public boolean noResize() { return (flags & VFIO_IRQ_INFO_NORESIZE) != 0; }

    @Override
    public String toString() {
        StringBuilder f = new StringBuilder();
        if (eventfd()) f.append(" eventfd");
        if (maskable()) f.append(" maskable");
        if (automasked()) f.append(" automasked");
        if (noResize()) f.append(" noresize");
        return name() + " count " + count + (f.isEmpty() ? "" : " [" + f.substring(1) + "]");
    }
}
