package io.mdevgpu.sim;

import static io.mdevgpu.kernel.abi.vfio.VfioConstants.*;

import io.mdevgpu.MdevType;
import io.mdevgpu.Size;

/** What the VFIO device of a simulated vGPU has, an mdev instance's or a VF's: its regions and interrupts. */
final class VgpuVfioDevice {
    /** vfio-pci's region offsets: index << 40 (VFIO_PCI_OFFSET_SHIFT). */
    private static final int OFFSET_SHIFT = 40;
    static final Size BAR0 = Size.mib(16), BAR3 = Size.mib(32);
    private static final int NUM_REGIONS = VFIO_PCI_VGA_REGION_INDEX + 1;
    private static final int MAPPED = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE | VFIO_REGION_INFO_FLAG_MMAP;

    private VgpuVfioDevice() {
    }

    /**
     * Gives {@code device} what a vGPU of {@code type} has: BAR0 and BAR3, the type's BAR1, each mappable, the guest's
     * config space ({@code config}) and two interrupts (INTx, MSI), as an mdev instance's or a VF's VFIO device.
     */
    static void configure(SimVfioKernel.Device device, MdevType type, ConfigSpaceEmulator config) {
        device.region(VFIO_PCI_BAR0_REGION_INDEX, MAPPED, BAR0.bytes(), offset(VFIO_PCI_BAR0_REGION_INDEX))
                .region(VFIO_PCI_BAR1_REGION_INDEX, MAPPED, type.bar1().bytes(), offset(VFIO_PCI_BAR1_REGION_INDEX))
                .region(VFIO_PCI_BAR3_REGION_INDEX, MAPPED, BAR3.bytes(), offset(VFIO_PCI_BAR3_REGION_INDEX))
                .emulatedRegion(VFIO_PCI_CONFIG_REGION_INDEX, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE,
                        offset(VFIO_PCI_CONFIG_REGION_INDEX), config)
                .numRegions(NUM_REGIONS)
                .irq(VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED, 1)
                .irq(VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE, 1);
    }

    private static long offset(int index) {
        return (long) index << OFFSET_SHIFT;
    }
}
