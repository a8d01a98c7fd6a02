package io.mdevgpu.kernel.nvvf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.MdevException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.kernel.sysfs.SysfsReader;

/**
 * Turns the errno of a failed {@code current_vgpu_type} write into the operator's message: the VF, the type,
 * and the fix. The exception type stays the one {@link KernelException#of} picks for the errno. Facts for the fix
 * (which types the VF offers, which type it holds, its VFIO node) are read from sysfs best effort: an unreadable
 * fact is left out, never a second error.
 */
final class NvidiaVfErrors {
    private static final String ROOT = "writing current_vgpu_type needs root: run as root";

    private NvidiaVfErrors() {
    }

    static KernelException setFailure(LinuxNvidiaVf port, PciAddress vf, int typeId, KernelException failure) {
        Errno errno = failure.errno();
        String target = "type " + typeId + " on VF " + vf + " (" + port.layout().nvidiaVfCurrentType(vf) + ")";
        String fix = switch (errno.name()) {
            case "EINVAL" -> "type " + typeId + " is not creatable on VF " + vf + " now; creatable there: "
                    + creatable(port, vf) + " (a GPU takes one vGPU size unless heterogeneous mode is on, and the "
                    + "types its other VFs hold narrow the list); pick one of those";
            case "EBUSY" -> busyForCreate(port, vf);
            case "ENODEV", "ENOENT", "ENXIO" -> gone(vf);
            case "EACCES", "EPERM" -> ROOT;
            default -> null;
        };
        return KernelException.of("create vGPU", target, errno, fix, failure);
    }

    static KernelException clearFailure(LinuxNvidiaVf port, PciAddress vf, KernelException failure) {
        Errno errno = failure.errno();
        String target = "VF " + vf + " (" + port.layout().nvidiaVfCurrentType(vf) + ")";
        String fix = switch (errno.name()) {
            case "EBUSY" -> "the VF's VFIO device" + vfioNode(port, vf) + " is open (a VM or process uses the vGPU); "
                    + "nothing was changed: stop that VM or process first";
            case "EINVAL" -> "the driver refused \"0\"; see the kernel log (dmesg) for its reason";
            case "ENODEV", "ENOENT", "ENXIO" -> gone(vf) + "; a VF that went away took its vGPU with it";
            case "EACCES", "EPERM" -> ROOT;
            default -> null;
        };
        return KernelException.of("delete vGPU", target, errno, fix, failure);
    }

    /**
     * A read of {@code file} that found no file: the VF is gone (VFs disabled), or it is no VF of a GPU in
     * vendor-VFIO vGPU mode (no {@code nvidia/} directory), or the driver lacks that one file.
     */
    static KernelException readFailure(LinuxNvidiaVf port, PciAddress vf, Path file, KernelException failure) {
        String fix;
        if (!Files.exists(port.layout().pciDevice(vf))) {
            fix = "there is no PCI function " + vf + ": " + gone(vf);
        } else if (!Files.isDirectory(port.layout().nvidiaVf(vf))) {
            fix = vf + " has no nvidia/ directory, so it is no VF of a GPU whose NVIDIA driver runs vGPUs on VFs "
                    + "(vendor-specific VFIO, R550+ on Linux 6.8+): a GPU on an mdev host, a PF, or the vGPU manager "
                    + "not loaded";
        } else {
            fix = "the driver's nvidia/ directory of " + vf + " lacks " + file.getFileName()
                    + "; this driver release may not have it";
        }
        return KernelException.of("read", vf + " (" + file + ")", failure.errno(), fix, failure);
    }

    private static String busyForCreate(LinuxNvidiaVf port, PciAddress vf) {
        try {
            int current = port.currentType(vf);
            if (current != 0) {
                return "VF " + vf + " already holds a vGPU of type " + current + ": delete it first (write 0) or pick "
                        + "a VF whose current_vgpu_type is 0";
            }
        } catch (MdevException e) {
            // unreadable: fall through to the general reason
        }
        return "the VF is in use: its VFIO device" + vfioNode(port, vf) + " is open, or its GPU is being reconfigured; "
                + "stop the VM or process that holds it, or pick another VF";
    }

    private static String gone(PciAddress vf) {
        return "VF " + vf + " is gone: its GPU's VFs were disabled (sriov_numvfs set to 0) or the GPU was reset; "
                + "enable the VFs again (write the count to the GPU's sriov_numvfs, or NVIDIA's sriov-manage -e <PF>) "
                + "and retry";
    }

    private static String creatable(LinuxNvidiaVf port, PciAddress vf) {
        try {
            return CreatableTypesFile.describe(port.creatableTypes(vf));
        } catch (MdevException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** {@code " (/dev/vfio/devices/vfio3)"}, or empty when the VF shows no VFIO device node. */
    private static String vfioNode(LinuxNvidiaVf port, PciAddress vf) {
        try {
            List<String> nodes = SysfsReader.names(port.layout().pciVfioDev(vf));
            return nodes.isEmpty() ? "" : " (" + port.layout().vfioDeviceNode(nodes.getFirst()) + ")";
        } catch (MdevException e) {
            return "";
        }
    }
}
