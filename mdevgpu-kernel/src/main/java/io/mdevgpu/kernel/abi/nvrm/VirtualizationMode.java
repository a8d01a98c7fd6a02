package io.mdevgpu.kernel.abi.nvrm;

/**
 * A GPU's virtualization mode as {@code NV0080_CTRL_CMD_GPU_GET_VIRTUALIZATION_MODE} reports it. Only {@link #HOST}
 * (a vGPU host driver) takes vGPU types; whether the vGPU config object can be allocated says nothing (a 580 open
 * driver in pass-through mode allocates it).
 */
public enum VirtualizationMode {
    NONE(0, "NONE (bare metal)"),
    NMOS(1, "NMOS (pass-through guest)"),
    VGX(2, "VGX (vGPU guest)"),
    HOST(3, "HOST (vGPU host)"),
    HOST_VSGA(4, "HOST_VSGA (vSGA host)");

    private final int code;
    private final String description;

    VirtualizationMode(int code, String description) {
        this.code = code;
        this.description = description;
    }

    /** {@code NV0080_CTRL_GPU_VIRTUALIZATION_MODE_*}. */
    public int code() {
        return code;
    }

    /** The mode for a code, or null for one the driver headers do not define. */
    public static VirtualizationMode of(int code) {
        for (VirtualizationMode m : values()) {
            if (m.code == code) return m;
        }
        return null;
    }

    /** {@code HOST (vGPU host)}, or {@code mode N} for an unknown code. */
    public static String describe(int code) {
        VirtualizationMode m = of(code);
        return m != null ? m.description : "mode " + code;
    }

    @Override
    public String toString() {
        return description;
    }
}
