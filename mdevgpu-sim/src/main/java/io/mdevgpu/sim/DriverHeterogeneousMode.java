package io.mdevgpu.sim;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

import io.mdevgpu.Errno;
import io.mdevgpu.kernel.abi.nvrm.NvStatus;
import io.mdevgpu.kernel.abi.nvrm.NvrmAbi;
import io.mdevgpu.kernel.abi.nvrm.NvrmTables.Field;
import io.mdevgpu.kernel.abi.nvrm.NvrmTables.Struct;
import io.mdevgpu.kernel.abi.nvrm.NvrmTables.Table;
import io.mdevgpu.kernel.abi.nvrm.VirtualizationMode;

/**
 * The simulated driver's answer to {@code NV0080_CTRL_CMD_GPU_GET/SET_VGPU_HETEROGENEOUS_MODE} on a device object
 * (driver 550 on), as NVIDIA's {@code device_ctrl.c} answers it: GET reads the mode of any GPU (off where it is no
 * SR-IOV vGPU host); SET needs a vGPU host ({@code NV_ERR_OBJECT_NOT_FOUND} otherwise: the vGPU manager does not know
 * the GPU) and a GPU in vendor-VFIO mode (the simulator's only GPUs with the mode; {@code NV_ERR_NOT_SUPPORTED}
 * elsewhere), and is refused while a VF holds a vGPU ({@code NV_ERR_IN_USE}). The params are read at the offsets of
 * the release's layout table, never through the client's codec; the mode is the one {@link SimSriov} keeps (enabling
 * the VFs again resets it), so it persists with the rest of a {@code sim@DIR} host. Without MIG, a GPU instance other
 * than 0 names nothing ({@code NV_ERR_INVALID_ARGUMENT}).
 */
final class DriverHeterogeneousMode {
    /** The params' fields, from the table; empty before 550, where the driver has no such control. */
    private final Optional<Field> mode;
    private final Optional<Field> gpuInstance; // from 575
    private final SimSriov sriov; // null: a driver without SR-IOV GPUs

    DriverHeterogeneousMode(Table table, SimSriov sriov) {
        Struct get = table.structs().get(NvrmAbi.GET_HETEROGENEOUS_MODE);
        this.mode = get == null ? Optional.empty() : Optional.of(get.require("bHeterogeneousMode"));
        this.gpuInstance = get == null ? Optional.empty() : get.field("gpuInstanceId");
        this.sriov = sriov;
    }

    /** {@code GET_VGPU_HETEROGENEOUS_MODE} on {@code gpu}'s device object; {@code p} is the caller's params. */
    int get(SimNvidiaGpu gpu, MemorySegment p) {
        if (mode.isEmpty()) return NvStatus.NV_ERR_NOT_SUPPORTED;
        if (!wholeGpu(p)) return NvStatus.NV_ERR_INVALID_ARGUMENT;
        boolean on = sriov != null && sriov.locked(() -> sriov.vfTypes.heterogeneous(gpu.address())).orElse(false);
        mode.get().put(p, 0, on ? 1 : 0);
        return NvStatus.NV_OK;
    }

    /** {@code SET_VGPU_HETEROGENEOUS_MODE} on {@code gpu}'s device object. */
    int set(SimNvidiaGpu gpu, MemorySegment p) {
        if (mode.isEmpty()) return NvStatus.NV_ERR_NOT_SUPPORTED;
        if (!wholeGpu(p)) return NvStatus.NV_ERR_INVALID_ARGUMENT;
        if (gpu.mode() != VirtualizationMode.HOST.code()) return NvStatus.NV_ERR_OBJECT_NOT_FOUND;
        if (sriov == null) return NvStatus.NV_ERR_NOT_SUPPORTED;
        long value = mode.get().get(p, 0);
        if (value > 1) return NvStatus.NV_ERR_INVALID_ARGUMENT; // an NvBool is 0 or 1
        int errno = sriov.locked(() -> sriov.vfTypes.setHeterogeneous(gpu.address(), value == 1));
        if (errno == 0) return NvStatus.NV_OK;
        if (errno == Errno.EBUSY.number()) return NvStatus.NV_ERR_IN_USE;
        if (errno == Errno.EINVAL.number()) return NvStatus.NV_ERR_INVALID_STATE; // no VFs enabled
        return NvStatus.NV_ERR_NOT_SUPPORTED; // not in vendor-VFIO mode
    }

    private boolean wholeGpu(MemorySegment p) {
        return gpuInstance.map(f -> f.get(p, 0) == 0).orElse(true);
    }

    @Override
    public String toString() {
        return "heterogeneous vGPU mode" + (mode.isEmpty() ? " (no such control in this release)" : "")
                + (sriov == null ? ", no SR-IOV GPUs" : "");
    }
}
