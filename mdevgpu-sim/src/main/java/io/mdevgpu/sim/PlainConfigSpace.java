package io.mdevgpu.sim;

import io.mdevgpu.MdevType;
import io.mdevgpu.PciId;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.pci.PciDevice;

import static io.mdevgpu.kernel.abi.pci.PciRegs.PCI_CFG_SPACE_SIZE;
import static io.mdevgpu.kernel.abi.pci.PciRegs.PCI_CLASS_REVISION;
import static io.mdevgpu.kernel.abi.pci.PciRegs.PCI_DEVICE_ID;
import static io.mdevgpu.kernel.abi.pci.PciRegs.PCI_SUBSYSTEM_ID;
import static io.mdevgpu.kernel.abi.pci.PciRegs.PCI_SUBSYSTEM_VENDOR_ID;
import static io.mdevgpu.kernel.abi.pci.PciRegs.PCI_VENDOR_ID;

/**
 * The config space {@link GuestConfigFactory#PLAIN_FOR_TESTS} builds, for tests of the kernel module alone: 256
 * bytes holding the type's guest ids (vendor, device, subsystem; the physical GPU's where the type names none) and
 * the physical GPU's class and revision; every other byte is plain memory a write changes, except the ids,
 * which are read-only. No capabilities, no BAR sizing: the core's guest config space does that.
 */
public final class PlainConfigSpace implements ConfigSpaceEmulator {
    private final byte[] bytes = new byte[PCI_CFG_SPACE_SIZE];

    public PlainConfigSpace(PciDevice physical, MdevType type) {
        PciId id = type.guestPciId().orElse(physical.id());
        put(PCI_VENDOR_ID, 2, id.vendor());
        put(PCI_DEVICE_ID, 2, id.device());
        put(PCI_SUBSYSTEM_VENDOR_ID, 2, id.subsystemVendor());
        put(PCI_SUBSYSTEM_ID, 2, id.subsystemDevice());
        put(PCI_CLASS_REVISION, 4, physical.classCode() << 8 | physical.revision());
    }

    @Override
    public int size() {
        return bytes.length;
    }

    @Override
    public int read(int offset, int width) {
        check(offset, width);
        int value = 0;
        for (int i = width - 1; i >= 0; i--) value = value << 8 | bytes[offset + i] & 0xFF;
        return value;
    }

    @Override
    public void write(int offset, int width, int value) {
        check(offset, width);
        for (int i = 0; i < width; i++) {
            int at = offset + i;
            boolean readOnly = at < PCI_DEVICE_ID + 2 || at >= PCI_SUBSYSTEM_VENDOR_ID && at < PCI_SUBSYSTEM_ID + 2
                    || at >= PCI_CLASS_REVISION && at < PCI_CLASS_REVISION + 4;
            if (!readOnly) bytes[at] = (byte) (value >>> 8 * i);
        }
    }

    private void put(int offset, int width, int value) {
        for (int i = 0; i < width; i++) bytes[offset + i] = (byte) (value >>> 8 * i);
    }

    private void check(int offset, int width) {
        if (width != 1 && width != 2 && width != 4 || offset < 0 || offset + width > bytes.length || offset % width != 0) {
            throw new ValidationException("config space access", width + " bytes at 0x" + Integer.toHexString(offset),
                    "1, 2 or 4 bytes, naturally aligned, within " + bytes.length);
        }
    }

    @Override
    public String toString() {
        return String.format("PlainConfigSpace[%04x:%04x]", read(PCI_VENDOR_ID, 2), read(PCI_DEVICE_ID, 2));
    }
}
