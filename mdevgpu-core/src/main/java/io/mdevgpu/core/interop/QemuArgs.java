package io.mdevgpu.core.interop;

import io.mdevgpu.PciAddress;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The QEMU command-line arguments that give a vGPU to a VM started without libvirt, one list element per argument
 * (for {@code ProcessBuilder}, never a shell). The forms are QEMU's vfio-pci device's {@code host=} (a PCI function)
 * and {@code sysfsdev=} (any VFIO device by its sysfs directory, how the kernel's vfio-mediated-device.rst and
 * NVIDIA's vGPU user guide for KVM give an mdev to QEMU).
 */
public final class QemuArgs {
    private QemuArgs() {
    }

    /**
     * A vGPU on an SR-IOV virtual function: {@code -uuid <uuid> -device vfio-pci,host=<VF>}. The VM gets the vGPU's
     * UUID as its own; {@code host=} names the VF, not the GPU.
     */
    public static List<String> vfVgpu(UUID uuid, PciAddress vf) {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(vf, "vf");
        return List.of("-uuid", uuid.toString(), "-device", "vfio-pci,host=" + vf);
    }

    /**
     * An mdev instance: {@code -device vfio-pci,sysfsdev=<device>}, where {@code device} is the instance's sysfs
     * directory ({@code /sys/bus/mdev/devices/<uuid>}), made absolute: QEMU runs in a directory of its own. No
     * {@code -uuid}: the VM's UUID is the VM's, not the instance's. A comma in the path is doubled, as QEMU's option
     * syntax asks of a comma inside a value.
     */
    public static List<String> mdevVgpu(Path device) {
        Objects.requireNonNull(device, "device");
        return List.of("-device", "vfio-pci,sysfsdev=" + device.toAbsolutePath().toString().replace(",", ",,"));
    }
}
