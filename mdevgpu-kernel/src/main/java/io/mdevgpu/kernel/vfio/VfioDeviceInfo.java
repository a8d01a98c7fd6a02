package io.mdevgpu.kernel.vfio;

import static io.mdevgpu.kernel.abi.vfio.VfioConstants.*;

import java.util.List;

/**
 * What {@code VFIO_DEVICE_GET_INFO} says about a device: its flags ({@code VFIO_DEVICE_FLAGS_*}), how many
 * regions and IRQ indexes it has, and the ids of the capabilities in its reply's chain.
 */
public record VfioDeviceInfo(int flags, int numRegions, int numIrqs, List<Integer> capabilities) {
    public VfioDeviceInfo {
        capabilities = List.copyOf(capabilities);
    }

    public boolean isPci() { return (flags & VFIO_DEVICE_FLAGS_PCI) != 0; }
    public boolean canReset() { return (flags & VFIO_DEVICE_FLAGS_RESET) != 0; }

    @Override
    public String toString() {
        return (isPci() ? "vfio-pci" : "vfio device flags 0x" + Integer.toHexString(flags)) + ", " + numRegions
                + " regions, " + numIrqs + " IRQ indexes" + (canReset() ? ", reset" : "")
                + (capabilities.isEmpty() ? "" : ", capabilities " + capabilities);
    }
}
