package io.mdevgpu;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A vGPU, whichever backend holds it ({@link VgpuBackend}): an mdev instance ({@code /sys/bus/mdev/devices/<uuid>})
 * or, on an SR-IOV GPU in NVIDIA's vendor-VFIO mode, a virtual function holding a vGPU type. Both are created, listed,
 * opened and removed the same way; {@link #virtualFunction()} tells them apart.
 *
 * <p>A vGPU is a snapshot of the host when it was listed or created: its accessors read nothing from the host, except
 * where a method says it does. Implementations are immutable and thread-safe.
 */
public interface Vgpu {
    /**
     * Its UUID: the mdev's name, or the owner record of a VF's vGPU (what QEMU gets as {@code -uuid}).
     *
     * @return the vGPU's UUID
     */
    UUID uuid();

    /**
     * The GPU it is on.
     *
     * @return the GPU's PCI address; for a VF's vGPU, the physical function's, not the VF's
     */
    PciAddress parent();

    /**
     * Its type, as the mdev bus names it.
     *
     * @return the type's id, {@code nvidia-531} (a VF's type id is given the same form)
     */
    String typeId();

    /**
     * Its IOMMU group: the mdev's, or the VF's own.
     *
     * @return the IOMMU group number, -1 when the kernel gave none
     */
    int iommuGroup();

    /**
     * The virtual function that is this vGPU on an SR-IOV GPU.
     *
     * @return the VF's PCI address; empty for an mdev instance
     */
    default Optional<PciAddress> virtualFunction() {
        return Optional.empty();
    }

    /**
     * libvirt's node device XML of this vGPU, as {@code virsh nodedev-dumpxml} shows it: the mdev node device
     * ({@code mdev_<uuid>_<parent>}), or a VF's PCI node device ({@code pci_0000_65_00_4}; reads the VF's sysfs
     * directory).
     *
     * @return the {@code <device>} element, one XML document
     */
    String nodeDeviceXml();

    /**
     * The {@code <hostdev>} element that gives this vGPU to a libvirt domain (in its {@code <devices>}):
     * {@code type='mdev'} for an mdev instance, {@code type='pci' managed='no'} for a VF (the VF stays bound to the
     * nvidia driver, whose own VFIO device the guest uses).
     *
     * @return the {@code <hostdev>} element, one XML document
     */
    String hostdevXml();

    /**
     * The QEMU arguments that give this vGPU to a VM started without libvirt, one element per argument (for
     * {@link ProcessBuilder}, never a shell), to append to the VM's command line:
     * <ul>
     * <li>an mdev instance: {@code -device vfio-pci,sysfsdev=/sys/bus/mdev/devices/<uuid>}, the form of the kernel's
     * VFIO mediated device documentation (Documentation/driver-api/vfio-mediated-device.rst, "Using the Sample
     * Code") and of NVIDIA's vGPU user guide for KVM ("Adding One or More vGPUs to a Linux with KVM Hypervisor VM by
     * Using the QEMU Command Line"), and what libvirt itself runs for a {@code type='mdev'} hostdev. No
     * {@code -uuid}: the one NVIDIA's guide adds there is the VM's own UUID, the caller's to choose, and a VM may
     * hold several vGPUs;</li>
     * <li>a VF's vGPU: {@code -uuid <uuid> -device vfio-pci,host=<VF>}: the VF itself as a PCI device, and this
     * vGPU's UUID as the VM's.</li>
     * </ul>
     * The sysfs path is under this host's sysfs root ({@link HostSpec#sysfsRoot()}), made absolute: {@code /sys} on a
     * real host, the directory a {@code real:DIR} host's tree is in (what a QEMU that sees that tree, as in a container
     * with the host's sysfs mounted there, opens), and on a simulated host its simulated device, which no QEMU can
     * open: never the path of a device of the machine the simulation runs on. A comma in the path is doubled, as
     * QEMU's option syntax asks.
     *
     * @return the arguments, an unmodifiable list
     */
    List<String> qemuArgs();

    /**
     * Opens the vGPU's VFIO device (container, group, device), as a VMM would.
     *
     * @return the open device, which the caller closes
     * @throws HostStateException when the vGPU has no IOMMU group
     * @throws KernelException    when the kernel refuses an open or an ioctl (the errno named)
     */
    VfioDevice open();

    /**
     * Removes the vGPU: the mdev instance, or the VF's type (the VF is free again). Its persistent definition, if
     * any, stays.
     *
     * @throws DeviceInUseException while this process holds it open
     * @throws KernelException      when the kernel or the driver refuses (EBUSY while another process holds it open)
     */
    void remove();
}
