package io.mdevgpu.sim;

import java.util.Objects;

import io.mdevgpu.PciAddress;
import io.mdevgpu.PciId;

/**
 * A GPU as the simulated NVIDIA driver ({@link SimNvidiaDriver}) knows it.
 *
 * @param gpuId          the RM gpu id
 * @param address        where it sits ({@code GET_PCI_INFO}, {@code CARD_INFO})
 * @param id             vendor, device and subsystem ids ({@code BUS_GET_PCI_INFO})
 * @param revision       the revision id
 * @param minor          N of {@code /dev/nvidiaN}
 * @param deviceInstance the device instance an {@code NV01_DEVICE_0} allocation names
 * @param mode           its {@code NV0080_CTRL_GPU_VIRTUALIZATION_MODE_*} ({@link VirtualizationMode})
 */
public record SimNvidiaGpu(int gpuId, PciAddress address, PciId id, int revision, int minor, int deviceInstance, int mode) {
    public SimNvidiaGpu {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(id, "id");
    }

    /**
     * The gpu id the simulated kernel gives the GPU at {@code address}: {@code domain << 16 | bus << 8 | slot}, as
     * the real driver's (a 580 driver gave 0000:00:06.0 the id 0x6, {@code docs/hardware/h100-580.md}).
     */
    public static int idOf(PciAddress address) {
        return address.domain() << 16 | address.bus() << 8 | address.slot();
    }
}
