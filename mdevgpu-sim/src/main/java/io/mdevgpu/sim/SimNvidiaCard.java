package io.mdevgpu.sim;

import java.util.List;

import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.pci.PciDevice;
import io.mdevgpu.kernel.pci.PciResource;

/**
 * What the simulated NVIDIA driver's {@code NV_ESC_CARD_INFO} says of a GPU beyond its address, ids, gpu id and minor. The windows are the
 * CPU's physical addresses, as sysfs {@code resource} shows them.
 *
 * @param interruptLine   the irq, as sysfs {@code irq} and the driver's {@code information} file say
 * @param registerBase    the register window's base (BAR0)
 * @param registerSize    its size in bytes
 * @param framebufferBase the framebuffer aperture's base (the second memory BAR: BAR2 after a 64-bit BAR0)
 * @param framebufferSize its size in bytes
 */
public record SimNvidiaCard(int interruptLine, long registerBase, long registerSize, long framebufferBase, long framebufferSize) {
    /** What a GPU no test described answers: zeros. */
    public static final SimNvidiaCard NONE = new SimNvidiaCard(0, 0, 0, 0, 0);

    public SimNvidiaCard {
        if (interruptLine < 0 || interruptLine > 0xFFFF) {
            throw new ValidationException("interrupt line of a simulated card", Integer.toString(interruptLine),
                    "0..65535 (NV_ESC_CARD_INFO carries 16 bits)");
        }
        if (registerSize < 0 || framebufferSize < 0) {
            throw new ValidationException("window sizes of a simulated card", registerSize + ", " + framebufferSize,
                    "sizes of 0 or more bytes");
        }
    }

    /**
     * The windows the driver maps on {@code device}, as the real one does: registers at its first memory BAR, the
     * framebuffer aperture at its second (zero where it has none); {@code interruptLine} as given.
     */
    public static SimNvidiaCard of(PciDevice device, int interruptLine) {
        List<PciResource> memory = PciResource.memoryBars(device.resources());
        PciResource registers = memory.isEmpty() ? null : memory.get(0);
        PciResource framebuffer = memory.size() < 2 ? null : memory.get(1);
        return new SimNvidiaCard(interruptLine, registers == null ? 0 : registers.start(),
                registers == null ? 0 : registers.size().bytes(), framebuffer == null ? 0 : framebuffer.start(),
                framebuffer == null ? 0 : framebuffer.size().bytes());
    }
}
