package io.mdevgpu.kernel.nvvf;

import java.util.List;

import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.PciAddress;

/**
 * The port for NVIDIA's vendor-specific VFIO vGPUs (driver R550+ on Linux 6.8+ with SR-IOV GPUs): the files in a
 * virtual function's {@code /sys/bus/pci/devices/<VF>/nvidia/} directory. A vGPU there is the VF itself, with a
 * type written to {@code current_vgpu_type}. The real implementation reads and writes those files (one
 * {@code write(2)} each); the simulated kernel answers with the same errnos. The GPU's heterogeneous vGPU mode is no
 * file here: it is an RM control ({@code io.mdevgpu.kernel.nvrm.RmGpu#heterogeneousMode()}).
 */
public interface NvidiaVfPort {
    /** A host without vendor-VFIO vGPUs: no VF has an {@code nvidia/} directory. */
    NvidiaVfPort NONE = new NvidiaVfPort() {
        @Override public boolean isVgpuCapable(PciAddress vf) { return false; }
        @Override public List<CreatableType> creatableTypes(PciAddress vf) { throw absent("read creatable_vgpu_types", vf); }
        @Override public int currentType(PciAddress vf) { throw absent("read current_vgpu_type", vf); }
        @Override public void setType(PciAddress vf, int typeId) { throw absent("write current_vgpu_type", vf); }
        @Override public void clearType(PciAddress vf) { throw absent("write current_vgpu_type", vf); }
        @Override public String toString() { return "no NVIDIA vendor-VFIO vGPUs"; }

        private static KernelException absent(String operation, PciAddress vf) {
            return KernelException.of(operation, vf + "/nvidia", Errno.ENOENT,
                    "this host has no NVIDIA vendor-VFIO vGPU files (driver R550+ with SR-IOV VFs enabled)");
        }
    };

    /** Whether {@code vf} has the driver's {@code nvidia/} directory (a VF of a GPU in vendor-VFIO vGPU mode). */
    boolean isVgpuCapable(PciAddress vf);

    /**
     * {@code creatable_vgpu_types}: the types that can still be created on {@code vf} given the GPU's other vGPUs,
     * parsed from its {@code ID : NAME} lines (the header line, if any, skipped).
     *
     * @throws KernelException when the file cannot be read
     */
    List<CreatableType> creatableTypes(PciAddress vf);

    /** {@code current_vgpu_type}: the type id the VF holds, 0 when it holds none. */
    int currentType(PciAddress vf);

    /**
     * Writes {@code typeId} to {@code current_vgpu_type}: creates the vGPU. The driver answers EINVAL for a type
     * not creatable there, EBUSY when the VF already holds one, ENODEV after the VFs went away.
     *
     * @throws KernelException of the driver's errno, naming the VF and the type
     */
    void setType(PciAddress vf, int typeId);

    /**
     * Writes {@code 0} to {@code current_vgpu_type}: deletes the VF's vGPU. EBUSY while the VF's VFIO device is
     * open.
     *
     * @throws KernelException of the driver's errno, naming the VF
     */
    void clearType(PciAddress vf);

    /** One line of {@code creatable_vgpu_types}: {@code 1414 : NVIDIA H200X-1-18C}. */
    record CreatableType(int id, String name) {
        @Override
        public String toString() {
            return id + " : " + name;
        }
    }
}
