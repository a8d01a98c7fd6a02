package io.mdevgpu.kernel.nvrm;

import io.mdevgpu.PciAddress;
import io.mdevgpu.PciId;
import io.mdevgpu.Size;

/**
 * One GPU as {@code NV_ESC_CARD_INFO} lists it: where it sits, its {@code /dev/nvidiaN} and the two BAR windows the
 * driver mapped (registers, BAR0; the framebuffer aperture, NVIDIA's "BAR1", PCI BAR2 on a GPU with a 64-bit BAR0).
 * The addresses are the CPU's physical ones, as sysfs {@code resource} shows them.
 *
 * @param gpuId           the RM gpu id
 * @param address         domain, bus, slot and function
 * @param id              vendor and device (the card info carries no subsystem ids)
 * @param minor           N of {@code /dev/nvidiaN}
 * @param interruptLine   the interrupt line, as in sysfs {@code irq}
 * @param registerBase    BAR0's base
 * @param registerSize    BAR0's size
 * @param framebufferBase the framebuffer aperture's base
 * @param framebufferSize the framebuffer aperture's size
 */
public record CardInfo(int gpuId, PciAddress address, PciId id, int minor, int interruptLine, long registerBase,
                       Size registerSize, long framebufferBase, Size framebufferSize) {
    @Override
    public String toString() {
        return "card " + address + " " + id + " gpu id 0x" + Integer.toHexString(gpuId) + ", /dev/nvidia" + minor
                + ", irq " + interruptLine + ", registers 0x" + Long.toHexString(registerBase) + " " + registerSize
                + ", framebuffer 0x" + Long.toHexString(framebufferBase) + " " + framebufferSize;
    }
}
