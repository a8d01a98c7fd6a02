package io.mdevgpu;

import java.util.UUID;

/**
 * An mdev instance: a view on {@code /sys/bus/mdev/devices/<uuid>}.
 *
 * <p>Immutable and thread-safe, like its {@link MdevHost}; each {@link #open()} gives a {@link VfioDevice} of its own,
 * which is not.
 */
public interface MdevInstance {
    UUID uuid();

    PciAddress parent();

    /** {@code nvidia-531}. */
    String typeId();

    /** The IOMMU group number, -1 when the kernel gave none. */
    int iommuGroup();

    /** libvirt's node device XML of this instance ({@code mdev_<uuid>_<parent>}). */
    String nodeDeviceXml();

    /** The {@code <hostdev type='mdev'>} element that gives this instance to a libvirt domain. */
    String hostdevXml();

    /** Opens the instance's VFIO device (container, group, device). */
    VfioDevice open();

    /** Removes the instance; refused with {@link DeviceInUseException} while this process holds it open. */
    void remove();
}
