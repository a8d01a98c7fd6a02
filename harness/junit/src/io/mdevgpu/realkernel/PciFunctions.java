package io.mdevgpu.realkernel;

import io.mdevgpu.PciAddress;
import io.mdevgpu.kernel.pci.LinuxSriov;
import io.mdevgpu.kernel.pci.SriovPort;
import io.mdevgpu.kernel.sysfs.AttributeWriter;
import io.mdevgpu.kernel.sysfs.SysfsReader;
import io.mdevgpu.kernel.vfio.VfioContainer;
import io.mdevgpu.kernel.vfio.VfioDevice;

import java.nio.file.Path;
import java.util.Optional;

import static io.mdevgpu.realkernel.Library.LAYOUT;

/**
 * The VM's real PCI functions (harness.sh's QEMU command line) and what the expectations come from: QEMU's
 * {@code docs/specs/edu.rst} for edu, QEMU's NVMe controller ({@code hw/nvme}: ids 1b36:0010, FLR, SR-IOV with
 * {@code sriov_max_vfs=2}, VF offset 1 and stride 1), never the code under test.
 */
final class PciFunctions {
    static final PciAddress EDU = PciAddress.parse("0000:00:01.0");
    static final PciAddress NVME = PciAddress.parse("0000:00:02.0");
    static final int EDU_VENDOR = 0x1234, EDU_DEVICE = 0x11e8, EDU_CLASS = 0x00ff00;
    static final int NVME_VENDOR = 0x1b36, NVME_DEVICE = 0x0010, NVME_CLASS = 0x010802;
    static final long EDU_BAR0_SIZE = 1 << 20;
    // edu's BAR0 registers (edu.rst)
    static final int EDU_ID = 0x00, EDU_LIVENESS = 0x04, EDU_FACTORIAL = 0x08, EDU_STATUS = 0x20, EDU_IRQ_STATUS = 0x24,
            EDU_IRQ_RAISE = 0x60, EDU_IRQ_ACK = 0x64, EDU_DMA_SRC = 0x80, EDU_DMA_DST = 0x88, EDU_DMA_COUNT = 0x90,
            EDU_DMA_CMD = 0x98;
    static final int EDU_IDENTIFICATION = 0x010000ed;
    static final long EDU_DMA_BUFFER = 0x40000;   // the engine's buffer in edu's own address space
    static final int EDU_DMA_START = 1, EDU_DMA_TO_RAM = 2;
    /** The library's SR-IOV port on the guest's sysfs: what the vendor-VFIO backend uses. */
    static final SriovPort SRIOV = LinuxSriov.linux(LAYOUT);

    private PciFunctions() {}

    /**
     * Binds {@code function} to {@code driver} the way the kernel documents it, with the library's sysfs writes:
     * {@code driver_override}, unbind from the current driver, {@code drivers_probe}. An empty driver clears the
     * override and lets the kernel pick the function's own driver again.
     */
    static void bind(PciAddress function, String driver) {
        Path dir = LAYOUT.pciDevice(function);
        if (!driver.isEmpty() && driver.equals(driverOf(function).orElse(""))) return;
        AttributeWriter.LINUX.write(dir.resolve("driver_override"), driver.isEmpty() ? "\n" : driver, "set driver_override");
        if (driverOf(function).isPresent()) {
            AttributeWriter.LINUX.write(dir.resolve("driver/unbind"), function.toString(), "unbind " + function);
        }
        AttributeWriter.LINUX.write(LAYOUT.sys().resolve("bus/pci/drivers_probe"), function.toString(), "probe " + function);
        String now = driverOf(function).orElse("");
        if (!driver.isEmpty() && !now.equals(driver)) {
            throw new AssertionError(function + " is bound to '" + now + "' after binding it to " + driver);
        }
    }

    static Optional<String> driverOf(PciAddress function) {
        return SysfsReader.linkName(LAYOUT.pciDevice(function).resolve("driver"));
    }

    static int iommuGroup(PciAddress function) {
        return Library.PCI.device(function).iommuGroup()
                .orElseThrow(() -> new AssertionError(function + " has no IOMMU group: is intel_iommu=on?"));
    }

    /** Container (type1), the function's group and the function by its address, bound to vfio-pci first. */
    static VfioDevice openVfio(VfioContainer container, PciAddress function) {
        bind(function, "vfio-pci");
        return container.openGroup(iommuGroup(function)).openDevice(function.toString());
    }
}
