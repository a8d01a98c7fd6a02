package io.mdevgpu.core.inventory;

import io.mdevgpu.PciAddress;
import io.mdevgpu.Size;
import io.mdevgpu.core.partition.GpuModel;
import io.mdevgpu.core.pci.PcieLink;
import io.mdevgpu.kernel.pci.PciResource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static io.mdevgpu.kernel.abi.pci.IoResource.IORESOURCE_MEM;
import static io.mdevgpu.kernel.abi.pci.IoResource.IORESOURCE_MEM_64;
import static io.mdevgpu.kernel.abi.pci.IoResource.IORESOURCE_PREFETCH;
import static io.mdevgpu.kernel.abi.pci.IoResource.IORESOURCE_SIZEALIGN;
import static io.mdevgpu.kernel.abi.pci.PciRegs.*;

/**
 * What a simulated GPU's sysfs shows, made from its model: the {@code resource} lines with addresses assigned
 * the way a BIOS lays out an NVIDIA GPU's windows, and a 4096-byte configuration space to match. Both are made,
 * not copied, so that an inventory is self-contained.
 *
 * <p>The windows: NVIDIA's BAR1 (framebuffer aperture) and BAR3 sit back to back at {@code (0x10 + bus) << 40},
 * 64-bit prefetchable; BAR0 (registers) is either a 32-bit window below 4 GiB at BAR register 0 (the classic
 * layout: BAR0, BAR1 at registers 1-2, BAR3 at 3-4) or, on GPUs that make every window 64-bit (Hopper), sits
 * after BAR3 at register 0 with the others at registers 2 and 4 (then on bus 0 it is exactly the real H100's
 * 0x102002000000, BAR2 0x100000000000, BAR4 0x102000000000). The capability chain is the H100's: power
 * management at 0x40, MSI at 0x48, PCI Express v2 endpoint at 0x60 (with the model's link), MSI-X at 0xb0.
 */
final class PhysicalGpu {
    static final int PM = 0x40, MSI = 0x48, EXP = 0x60, MSIX = 0xb0;
    private static final int MSIX_VECTORS = 9;
    private static final long BELOW_4G_BASE = 0xC000_0000L;
    /** The largest 32-bit BAR0 the layout places: the window the BAR0s of all buses share. */
    static final long MAX_32BIT_BAR0 = 0x4000_0000L;
    private static final long FLAGS_64_PREFETCH = IORESOURCE_MEM | IORESOURCE_PREFETCH | IORESOURCE_MEM_64
            | IORESOURCE_SIZEALIGN | PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH;
    private static final long FLAGS_32 = IORESOURCE_MEM | IORESOURCE_SIZEALIGN;

    private PhysicalGpu() {
    }

    /** The six BAR lines and the (empty) ROM line of {@code model} at {@code address}. */
    static List<PciResource> resources(GpuModel model, PciAddress address, boolean bar0Is64Bit) {
        long high = (0x10L + address.bus()) << 40;
        long bar1 = high;
        long bar3 = bar1 + model.bar1().bytes();
        List<PciResource> lines = new ArrayList<>(PCI_STD_NUM_BARS + 1);
        for (int i = 0; i <= PCI_STD_NUM_BARS; i++) lines.add(new PciResource(i, 0, 0, 0));
        if (bar0Is64Bit) {
            long bar0 = bar3 + model.bar3().bytes();
            lines.set(0, window(0, bar0, model.bar0(), FLAGS_64_PREFETCH));
            lines.set(2, window(2, bar1, model.bar1(), FLAGS_64_PREFETCH));
            lines.set(4, window(4, bar3, model.bar3(), FLAGS_64_PREFETCH));
        } else {
            // one aligned slot per bus in the top GiB below 4 GiB (buses that wrap around share one: a simulation allows it)
            long bar0 = BELOW_4G_BASE + address.bus() * model.bar0().bytes() % MAX_32BIT_BAR0;
            lines.set(0, window(0, bar0, model.bar0(), FLAGS_32));
            lines.set(1, window(1, bar1, model.bar1(), FLAGS_64_PREFETCH));
            lines.set(3, window(3, bar3, model.bar3(), FLAGS_64_PREFETCH));
        }
        return List.copyOf(lines);
    }

    private static PciResource window(int index, long start, Size size, long flags) {
        return new PciResource(index, start, start + size.bytes() - 1, flags);
    }

    /** The configuration space of {@code model} with the windows {@code resources} in its BAR registers. */
    static byte[] configSpace(GpuModel model, List<PciResource> resources, PcieLink link) {
        ByteBuffer c = ByteBuffer.allocate(PCI_CFG_SPACE_EXP_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        c.putShort(PCI_VENDOR_ID, (short) model.pciId().vendor());
        c.putShort(PCI_DEVICE_ID, (short) model.pciId().device());
        c.putShort(PCI_COMMAND, (short) (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER)); // as the bound driver leaves it
        c.putShort(PCI_STATUS, (short) PCI_STATUS_CAP_LIST);
        c.putInt(PCI_CLASS_REVISION, model.classCode() << 8 | model.revision());
        for (PciResource r : resources) {
            if (!r.isBar() || r.isEmpty()) continue;
            int register = PCI_BASE_ADDRESS_0 + 4 * r.index();
            c.putInt(register, (int) (r.start() & PCI_BASE_ADDRESS_MEM_MASK) | (int) (r.flags() & 0xf));
            if (r.is64Bit()) c.putInt(register + 4, (int) (r.start() >>> 32));
        }
        c.putShort(PCI_SUBSYSTEM_VENDOR_ID, (short) model.pciId().subsystemVendor());
        c.putShort(PCI_SUBSYSTEM_ID, (short) model.pciId().subsystemDevice());
        c.put(PCI_CAPABILITY_LIST, (byte) PM);
        c.put(PCI_INTERRUPT_LINE, (byte) 0xff);
        c.put(PCI_INTERRUPT_PIN, (byte) 1);

        capability(c, PM, PCI_CAP_ID_PM, MSI);
        c.putShort(PM + PCI_PM_PMC, (short) 3);
        c.putShort(PM + PCI_PM_CTRL, (short) PCI_PM_CTRL_NO_SOFT_RESET);

        capability(c, MSI, PCI_CAP_ID_MSI, EXP);
        c.putShort(MSI + PCI_MSI_FLAGS, (short) (PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_MASKBIT));

        int linkBits = link.speed() | link.width() << PCI_EXP_LNKSTA_NLW_SHIFT;
        capability(c, EXP, PCI_CAP_ID_EXP, MSIX);
        c.putShort(EXP + PCI_EXP_FLAGS, (short) (2 | PCI_EXP_TYPE_ENDPOINT << 4));
        c.putInt(EXP + PCI_EXP_DEVCAP, 2 | PCI_EXP_DEVCAP_EXT_TAG);
        c.putShort(EXP + PCI_EXP_DEVCTL, (short) (PCI_EXP_DEVCTL_RELAX_EN | PCI_EXP_DEVCTL_NOSNOOP_EN | PCI_EXP_DEVCTL_READRQ_512B));
        c.putInt(EXP + PCI_EXP_LNKCAP, linkBits);
        c.putShort(EXP + PCI_EXP_LNKSTA, (short) linkBits);
        c.putInt(EXP + PCI_EXP_LNKCAP2, ((1 << link.speed()) - 1) << 1);
        c.putShort(EXP + PCI_EXP_LNKCTL2, (short) link.speed());

        capability(c, MSIX, PCI_CAP_ID_MSIX, 0);
        c.putShort(MSIX + PCI_MSIX_FLAGS, (short) (MSIX_VECTORS - 1));
        c.putInt(MSIX + PCI_MSIX_TABLE, 0x00b9_0000); // table in BAR0 at 0xb90000, PBA right after: as NVIDIA boards
        c.putInt(MSIX + PCI_MSIX_PBA, 0x00ba_0000);
        return c.array();
    }

    private static void capability(ByteBuffer c, int offset, int id, int next) {
        c.put(offset + PCI_CAP_LIST_ID, (byte) id);
        c.put(offset + PCI_CAP_LIST_NEXT, (byte) next);
    }
}
