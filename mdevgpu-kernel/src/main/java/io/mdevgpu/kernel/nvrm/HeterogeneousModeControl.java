package io.mdevgpu.kernel.nvrm;

import java.lang.foreign.MemorySegment;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mdevgpu.DriverException;
import io.mdevgpu.Errno;
import io.mdevgpu.HostStateException;
import io.mdevgpu.KernelException;
import io.mdevgpu.NotVgpuHostException;
import io.mdevgpu.kernel.abi.nvrm.NvControl;
import io.mdevgpu.kernel.abi.nvrm.NvEscape;
import io.mdevgpu.kernel.abi.nvrm.NvStatus;
import io.mdevgpu.kernel.abi.nvrm.NvrmAbi;
import io.mdevgpu.kernel.abi.nvrm.VirtualizationMode;

/**
 * The vGPU heterogeneous mode of one GPU (vGPUs of several sizes on it), as {@code nvidia-smi vgpu -shm} reads and
 * sets it: {@code NV0080_CTRL_CMD_GPU_GET/SET_VGPU_HETEROGENEOUS_MODE} on the GPU's device object, from driver 550
 * ({@code gpuInstanceId}, 0 here, from 575). Known from NVIDIA's open sources (ctrl0080gpu.h and
 * {@code deviceCtrlCmdGpuSetVgpuHeterogeneousMode} in device_ctrl.c), not yet shown by a real vGPU host; see
 * docs/nvidia-heterogeneous-mode.md.
 */
final class HeterogeneousModeControl {
    private static final Logger LOG = LoggerFactory.getLogger(HeterogeneousModeControl.class);
    private static final String GET = NvEscape.name(NvEscape.NV_ESC_RM_CONTROL) + " "
            + NvControl.name(NvControl.NV0080_CTRL_CMD_GPU_GET_VGPU_HETEROGENEOUS_MODE);
    private static final String SET = NvEscape.name(NvEscape.NV_ESC_RM_CONTROL) + " "
            + NvControl.name(NvControl.NV0080_CTRL_CMD_GPU_SET_VGPU_HETEROGENEOUS_MODE);

    private HeterogeneousModeControl() {
    }

    /** {@link RmGpu#heterogeneousMode()}. */
    static boolean read(RmClient client, RmGpu gpu) {
        NvrmAbi abi = requireControl(client, gpu, "read vGPU heterogeneous mode");
        MemorySegment p = client.buffer(NvrmAbi.GET_HETEROGENEOUS_MODE);
        abi.encodeHeterogeneousMode(p, false);
        int status = client.tryControl(gpu.deviceHandle(), NvControl.NV0080_CTRL_CMD_GPU_GET_VGPU_HETEROGENEOUS_MODE, p,
                gpu.target());
        answer(client, gpu, status, GET, NvControl.NV0080_CTRL_CMD_GPU_GET_VGPU_HETEROGENEOUS_MODE);
        return abi.heterogeneousMode(p);
    }

    /** {@link RmGpu#setHeterogeneousMode(boolean)}. */
    static void set(RmClient client, RmGpu gpu, boolean on) {
        NvrmAbi abi = requireControl(client, gpu, "set vGPU heterogeneous mode " + (on ? "on" : "off"));
        int mode = gpu.virtualizationMode();
        if (mode != VirtualizationMode.HOST.code()) {
            throw new NotVgpuHostException(gpu.target(), VirtualizationMode.describe(mode));
        }
        MemorySegment p = client.buffer(NvrmAbi.SET_HETEROGENEOUS_MODE);
        abi.encodeHeterogeneousMode(p, on);
        int status = client.tryControl(gpu.deviceHandle(), NvControl.NV0080_CTRL_CMD_GPU_SET_VGPU_HETEROGENEOUS_MODE, p,
                gpu.target());
        answer(client, gpu, status, SET, NvControl.NV0080_CTRL_CMD_GPU_SET_VGPU_HETEROGENEOUS_MODE);
        boolean now = read(client, gpu);
        if (now != on) {
            throw new HostStateException("set vGPU heterogeneous mode " + (on ? "on" : "off"), gpu.target(),
                    "the driver answered NV_OK but reads the mode back " + (now ? "on" : "off"),
                    "see the kernel log (dmesg) for the driver's reason", null);
        }
        LOG.info("{}: vGPU heterogeneous mode {}", gpu.target(), on ? "on" : "off");
    }

    /** The family, where its headers have the controls; EOPNOTSUPP naming the release and the fix otherwise. */
    private static NvrmAbi requireControl(RmClient client, RmGpu gpu, String operation) {
        NvrmAbi abi = client.abi();
        if (!abi.hasHeterogeneousMode()) {
            throw KernelException.of(operation, gpu.target(), Errno.EOPNOTSUPP, "NVIDIA driver " + client.release().version()
                    + " has no GPU_GET/SET_VGPU_HETEROGENEOUS_MODE control (NVIDIA added it in R550): upgrade to the R550 "
                    + "vGPU host driver or newer, where mixed vGPU sizes on one GPU need it");
        }
        return abi;
    }

    /** Throws for a failing status with the causes the driver's source gives for it; other statuses as every call. */
    private static void answer(RmClient client, RmGpu gpu, int status, String operation, int cmd) {
        String fix = switch (status) {
            case NvStatus.NV_ERR_NOT_SUPPORTED -> "the driver has no heterogeneous vGPU mode for this GPU: it is no vGPU "
                    + "host with SR-IOV (a pass-through or bare-metal GPU), MIG is on without time-slicing, or the GPU has "
                    + "no heterogeneous time-sliced vGPU sizes";
            case NvStatus.NV_ERR_IN_USE -> "a vGPU exists on the GPU: remove its vGPUs first (the mode is set after the "
                    + "VFs are enabled and before the first vGPU is created)";
            case NvStatus.NV_ERR_OBJECT_NOT_FOUND -> "the driver's vGPU manager does not know this GPU: it is no vGPU "
                    + "host GPU (load NVIDIA's vGPU host driver and enable the VFs)";
            default -> null;
        };
        if (fix == null || status == NvStatus.NV_OK) {
            client.check(status, NvEscape.NV_ESC_RM_CONTROL, cmd, gpu.target());
            return;
        }
        throw new DriverException(operation, gpu.target(), status, NvStatus.name(status), fix);
    }
}
