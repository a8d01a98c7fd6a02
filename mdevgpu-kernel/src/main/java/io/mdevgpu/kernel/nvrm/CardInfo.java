package io.mdevgpu.kernel.nvrm;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import io.mdevgpu.PciAddress;
import io.mdevgpu.PciId;
import io.mdevgpu.Size;
import io.mdevgpu.kernel.abi.nvrm.NvEscape;
import io.mdevgpu.kernel.abi.nvrm.nv_ioctl_card_info_t;
import io.mdevgpu.kernel.abi.nvrm.nv_pci_info_t;

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
    /** The valid entries of a {@code NV_ESC_CARD_INFO} array of {@link NvEscape#MAX_CARDS} entries. */
    static List<CardInfo> decodeAll(MemorySegment cards) {
        List<CardInfo> out = new ArrayList<>();
        for (int i = 0; i < NvEscape.MAX_CARDS; i++) {
            MemorySegment card = nv_ioctl_card_info_t.asSlice(cards, i);
            if (nv_ioctl_card_info_t.valid(card) == 0) continue;
            MemorySegment pci = nv_ioctl_card_info_t.pci_info(card);
            out.add(new CardInfo(nv_ioctl_card_info_t.gpu_id(card),
                    PciAddress.of(nv_pci_info_t.domain(pci), Byte.toUnsignedInt(nv_pci_info_t.bus(pci)),
                            Byte.toUnsignedInt(nv_pci_info_t.slot(pci)), Byte.toUnsignedInt(nv_pci_info_t.function(pci))),
                    PciId.of(Short.toUnsignedInt(nv_pci_info_t.vendor_id(pci)), Short.toUnsignedInt(nv_pci_info_t.device_id(pci))),
                    nv_ioctl_card_info_t.minor_number(card), Short.toUnsignedInt(nv_ioctl_card_info_t.interrupt_line(card)),
                    nv_ioctl_card_info_t.reg_address(card), Size.bytes(nv_ioctl_card_info_t.reg_size(card)),
                    nv_ioctl_card_info_t.fb_address(card), Size.bytes(nv_ioctl_card_info_t.fb_size(card))));
        }
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return "card " + address + " " + id + " gpu id 0x" + Integer.toHexString(gpuId) + ", /dev/nvidia" + minor
                + ", irq " + interruptLine + ", registers 0x" + Long.toHexString(registerBase) + " " + registerSize
                + ", framebuffer 0x" + Long.toHexString(framebufferBase) + " " + framebufferSize;
    }
}
