package io.mdevgpu.sim;

import io.mdevgpu.kernel.abi.nvrm.NvControl;

/**
 * The RM control commands mdevgpu sends, each a narrower {@link RmCall#CONTROL}: failing
 * {@link #VGPU_CONFIG_SET_INFO} fails only the registration of vGPU types, not the controls around it.
 */
public enum RmControl implements SimCall {
    GPU_GET_ATTACHED_IDS(NvControl.NV0000_CTRL_CMD_GPU_GET_ATTACHED_IDS),
    GPU_GET_ID_INFO(NvControl.NV0000_CTRL_CMD_GPU_GET_ID_INFO),
    GPU_GET_ID_INFO_V2(NvControl.NV0000_CTRL_CMD_GPU_GET_ID_INFO_V2),
    GPU_GET_PROBED_IDS(NvControl.NV0000_CTRL_CMD_GPU_GET_PROBED_IDS),
    GPU_ATTACH_IDS(NvControl.NV0000_CTRL_CMD_GPU_ATTACH_IDS),
    GPU_DETACH_IDS(NvControl.NV0000_CTRL_CMD_GPU_DETACH_IDS),
    GPU_GET_PCI_INFO(NvControl.NV0000_CTRL_CMD_GPU_GET_PCI_INFO),
    GPU_GET_VIRTUALIZATION_MODE(NvControl.NV0080_CTRL_CMD_GPU_GET_VIRTUALIZATION_MODE),
    /** Reads the vGPU heterogeneous mode (550 on). */
    GPU_GET_VGPU_HETEROGENEOUS_MODE(NvControl.NV0080_CTRL_CMD_GPU_GET_VGPU_HETEROGENEOUS_MODE),
    /** Sets it, as {@code nvidia-smi vgpu -shm} (550 on). */
    GPU_SET_VGPU_HETEROGENEOUS_MODE(NvControl.NV0080_CTRL_CMD_GPU_SET_VGPU_HETEROGENEOUS_MODE),
    BUS_GET_PCI_INFO(NvControl.NV2080_CTRL_CMD_BUS_GET_PCI_INFO),
    /** Registers a GPU's vGPU types with the driver: what {@code Plan.apply} sends for each type. */
    VGPU_CONFIG_SET_INFO(NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_SET_INFO),
    VGPU_CONFIG_GET_VGPU_TYPE_INFO(NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_GET_VGPU_TYPE_INFO),
    VGPU_CONFIG_GET_SUPPORTED_VGPU_TYPES(NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_GET_SUPPORTED_VGPU_TYPES),
    /** Publishes the registered types to the mdev bus ({@code UPDATE_PGPU_INFO} as of 550: the same command). */
    VGPU_CONFIG_MDEV_REGISTER(NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_MDEV_REGISTER);

    private final int command;

    RmControl(int command) {
        this.command = command;
    }

    /** The command's number, {@code NVOS54_PARAMETERS.cmd}. */
    public int command() {
        return command;
    }

    @Override
    public Faults.Seam seam() {
        return Faults.Seam.NVIDIA;
    }

    @Override
    public SimCall kind() {
        return RmCall.CONTROL;
    }

    /** The control {@code command} is, or {@link RmCall#CONTROL} for one not named here; allocates nothing. */
    static SimCall of(int command) {
        for (RmControl c : VALUES) {
            if (c.command == command) return c;
        }
        return RmCall.CONTROL;
    }

    private static final RmControl[] VALUES = values();
}
