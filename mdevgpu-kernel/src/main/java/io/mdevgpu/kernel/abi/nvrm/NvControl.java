package io.mdevgpu.kernel.abi.nvrm;

/**
 * The RM control commands mdevgpu sends ({@code NVOS54_PARAMETERS.cmd}): {@code classId << 16 | category << 8 | index}.
 * Each takes exactly its params struct ({@code paramsSize} must match); {@link NvrmAbi#controlParams(int)} gives the
 * running release's.
 */
public final class NvControl {
    public static final int NV0000_CTRL_CMD_GPU_GET_ATTACHED_IDS = 0x201;
    public static final int NV0000_CTRL_CMD_GPU_GET_ID_INFO = 0x202;
    public static final int NV0000_CTRL_CMD_GPU_GET_ID_INFO_V2 = 0x205;
    public static final int NV0000_CTRL_CMD_GPU_GET_PROBED_IDS = 0x214;
    public static final int NV0000_CTRL_CMD_GPU_ATTACH_IDS = 0x215;
    public static final int NV0000_CTRL_CMD_GPU_DETACH_IDS = 0x216;
    public static final int NV0000_CTRL_CMD_GPU_GET_PCI_INFO = 0x21B;
    public static final int NV0080_CTRL_CMD_GPU_GET_VIRTUALIZATION_MODE = 0x800289;
    /** Sets the vGPU heterogeneous mode ({@code nvidia-smi vgpu -shm}) on the device object; from 550. */
    public static final int NV0080_CTRL_CMD_GPU_SET_VGPU_HETEROGENEOUS_MODE = 0x800297;
    /** Reads the vGPU heterogeneous mode on the device object; from 550. */
    public static final int NV0080_CTRL_CMD_GPU_GET_VGPU_HETEROGENEOUS_MODE = 0x800298;
    public static final int NV2080_CTRL_CMD_BUS_GET_PCI_INFO = 0x20801801;
    public static final int NVA081_CTRL_CMD_VGPU_CONFIG_SET_INFO = 0xA0810101;
    public static final int NVA081_CTRL_CMD_VGPU_CONFIG_GET_VGPU_TYPE_INFO = 0xA0810103;
    public static final int NVA081_CTRL_CMD_VGPU_CONFIG_GET_SUPPORTED_VGPU_TYPES = 0xA0810104;
    /** Publishes the registered types to the mdev core; named so up to 545. No params. */
    public static final int NVA081_CTRL_CMD_VGPU_CONFIG_MDEV_REGISTER = 0xA0810109;
    /** The same command, renamed from 550.40. */
    public static final int NVA081_CTRL_CMD_VGPU_CONFIG_UPDATE_PGPU_INFO = 0xA0810109;

    /** {@code NV0000_CTRL_GPU_INVALID_ID}: ends a list of gpu ids. */
    public static final int NV0000_CTRL_GPU_INVALID_ID = 0xFFFFFFFF;

    private NvControl() {
    }

    /**
     * The command's name without its {@code NVxxxx_CTRL_CMD_} prefix ({@code GPU_GET_PCI_INFO}), as error messages use
     * it; {@code cmd 0x...} for one this class does not name. 0xA0810109 is named as of 545 and earlier
     * ({@link NvrmRelease#vgpuRegisterCommand()} names it for a given release).
     */
    public static String name(int cmd) {
        return switch (cmd) {
            case NV0000_CTRL_CMD_GPU_GET_ATTACHED_IDS -> "GPU_GET_ATTACHED_IDS";
            case NV0000_CTRL_CMD_GPU_GET_ID_INFO -> "GPU_GET_ID_INFO";
            case NV0000_CTRL_CMD_GPU_GET_ID_INFO_V2 -> "GPU_GET_ID_INFO_V2";
            case NV0000_CTRL_CMD_GPU_GET_PROBED_IDS -> "GPU_GET_PROBED_IDS";
            case NV0000_CTRL_CMD_GPU_ATTACH_IDS -> "GPU_ATTACH_IDS";
            case NV0000_CTRL_CMD_GPU_DETACH_IDS -> "GPU_DETACH_IDS";
            case NV0000_CTRL_CMD_GPU_GET_PCI_INFO -> "GPU_GET_PCI_INFO";
            case NV0080_CTRL_CMD_GPU_GET_VIRTUALIZATION_MODE -> "GPU_GET_VIRTUALIZATION_MODE";
            case NV0080_CTRL_CMD_GPU_SET_VGPU_HETEROGENEOUS_MODE -> "GPU_SET_VGPU_HETEROGENEOUS_MODE";
            case NV0080_CTRL_CMD_GPU_GET_VGPU_HETEROGENEOUS_MODE -> "GPU_GET_VGPU_HETEROGENEOUS_MODE";
            case NV2080_CTRL_CMD_BUS_GET_PCI_INFO -> "BUS_GET_PCI_INFO";
            case NVA081_CTRL_CMD_VGPU_CONFIG_SET_INFO -> "VGPU_CONFIG_SET_INFO";
            case NVA081_CTRL_CMD_VGPU_CONFIG_GET_VGPU_TYPE_INFO -> "VGPU_CONFIG_GET_VGPU_TYPE_INFO";
            case NVA081_CTRL_CMD_VGPU_CONFIG_GET_SUPPORTED_VGPU_TYPES -> "VGPU_CONFIG_GET_SUPPORTED_VGPU_TYPES";
            case NVA081_CTRL_CMD_VGPU_CONFIG_MDEV_REGISTER -> "VGPU_CONFIG_MDEV_REGISTER";
            default -> "cmd 0x" + Integer.toHexString(cmd);
        };
    }
}
