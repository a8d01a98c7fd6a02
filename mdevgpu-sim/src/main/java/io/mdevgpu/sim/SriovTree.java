package io.mdevgpu.sim;

import java.nio.file.Path;

import io.mdevgpu.MdevType;
import io.mdevgpu.kernel.pci.PciDevice;

/**
 * What the simulated SR-IOV GPUs show: each GPU's {@code sriov_*} files, each enabled VF as a PCI function with its
 * IOMMU group's node and (in vendor-specific VFIO) its {@code nvidia/} files, and the VFIO device of a VF that holds a
 * vGPU. Guarded by the simulated kernel's lock.
 */
final class SriovTree {
    private final SimSriov s;

    SriovTree(SimSriov sriov) {
        this.s = sriov;
    }

    void writeCapability(SimSriovPf p) {
        Path dir = s.layout.pciDeviceDirectory(p.address());
        s.writer.attribute(dir, "sriov_totalvfs", Integer.toString(p.cap.totalVfs()));
        s.writer.attribute(dir, "sriov_numvfs", Integer.toString(p.numVfs));
        s.writer.attribute(dir, "sriov_offset", Integer.toString(p.cap.offset()));
        s.writer.attribute(dir, "sriov_stride", Integer.toString(p.cap.stride()));
        s.writer.attribute(dir, "sriov_vf_device", String.format("%04x", p.cap.vfDevice()));
        s.writer.attribute(dir, "sriov_drivers_autoprobe", "1");
    }

    /** VF {@code index} as a PCI function of its own, linked to its GPU, with its IOMMU group's node. */
    void writeVf(SimSriovPf p, int index) {
        s.writer.virtualFunction(p.address(), index, vfDevice(p, index));
        s.writer.file(s.layout.vfioGroup(p.group(index)), "");
    }

    void removeVf(SimSriovPf p, int index) {
        s.vfio.removeGroup(p.group(index));
        s.writer.removeFile(s.layout.vfioGroup(p.group(index)));
        s.writer.removeVirtualFunction(p.address(), index, vfDevice(p, index));
    }

    void writeVfFiles(SimSriovPf p) {
        if (!p.vendorVfio) return;
        for (int i = 0; i < p.numVfs; i++) {
            MdevType held = p.types.get(i);
            s.writer.nvidiaVf(p.vf(i), held == null ? 0 : held.number(), s.vfTypes.creatable(p, i));
        }
    }

    private static PciDevice vfDevice(SimSriovPf p, int index) {
        return SimVfDevices.vf(p.gpu.device(), p.cap, p.vf(index), p.group(index));
    }

    /** The VF's VFIO device while it holds a type: what an mdev instance of that type has. */
    void addDevice(SimSriovPf p, int index) {
        MdevType type = p.types.get(index);
        VgpuVfioDevice.configure(s.vfio.group(p.group(index)).device(p.vf(index).toString()), type,
                s.configs.create(p.gpu.device(), type));
    }
}
