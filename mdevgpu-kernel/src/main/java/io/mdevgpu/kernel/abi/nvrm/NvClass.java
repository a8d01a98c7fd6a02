package io.mdevgpu.kernel.abi.nvrm;

/** The RM object classes mdevgpu allocates ({@code hClass} of {@code NV_ESC_RM_ALLOC}). */
public final class NvClass {
    /** The root client; the driver allocates it as {@link #NV01_ROOT_CLIENT}. */
    public static final int NV01_ROOT = 0x0;
    public static final int NV01_ROOT_CLIENT = 0x41;
    /** A GPU device; params {@code NV0080_ALLOC_PARAMETERS} (deviceId = the GPU's device instance). */
    public static final int NV01_DEVICE_0 = 0x80;
    /** A subdevice of a device; params {@code NV2080_ALLOC_PARAMETERS}. */
    public static final int NV20_SUBDEVICE_0 = 0x2080;
    /** The vGPU configuration object of a subdevice; no params. */
    public static final int NVA081_VGPU_CONFIG = 0xA081;

    private NvClass() {
    }

    public static String name(int hClass) {
        return switch (hClass) {
            case NV01_ROOT -> "NV01_ROOT";
            case NV01_ROOT_CLIENT -> "NV01_ROOT_CLIENT";
            case NV01_DEVICE_0 -> "NV01_DEVICE_0";
            case NV20_SUBDEVICE_0 -> "NV20_SUBDEVICE_0";
            case NVA081_VGPU_CONFIG -> "NVA081_VGPU_CONFIG";
            default -> "class 0x" + Integer.toHexString(hClass);
        };
    }
}
