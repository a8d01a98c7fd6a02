package io.mdevgpu;

import java.util.Optional;
import java.util.UUID;

/**
 * A vGPU, whichever backend holds it ({@link VgpuBackend}): an mdev instance ({@code /sys/bus/mdev/devices/<uuid>})
 * or, on an SR-IOV GPU in NVIDIA's vendor-VFIO mode, a virtual function holding a vGPU type. Both are created, listed,
 * opened and removed the same way; {@link #virtualFunction()} tells them apart.
 */
public interface Vgpu {
    /** Its UUID: the mdev's name, or the owner record of a VF's vGPU (what QEMU gets as {@code -uuid}). */
    UUID uuid();

    /** The GPU it is on (for a VF's vGPU, the physical function). */
    PciAddress parent();

    /** {@code nvidia-531}. */
    String typeId();

    /** The IOMMU group number, -1 when the kernel gave none. */
    int iommuGroup();

    /** The virtual function that is this vGPU on an SR-IOV GPU; empty for an mdev instance. */
    default Optional<PciAddress> virtualFunction() {
        return Optional.empty();
    }

    /** libvirt's node device XML of this vGPU. */
    String nodeDeviceXml();

    /**
     * The {@code <hostdev>} element that gives this vGPU to a libvirt domain: {@code type='mdev'} for an mdev instance,
     * {@code type='pci' managed='no'} for a VF.
     */
    String hostdevXml();

    /** Opens the vGPU's VFIO device (container, group, device). */
    VfioDevice open();

    /** Removes the vGPU; refused with {@link DeviceInUseException} while this process holds it open. */
    void remove();
}
