package io.mdevgpu.core.interop;

import io.mdevgpu.PciAddress;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The QEMU command-line arguments that give a vGPU to a VM started without libvirt, one list element per argument
 * (for {@code ProcessBuilder}, never a shell).
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
}
