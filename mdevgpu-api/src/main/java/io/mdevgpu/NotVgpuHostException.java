package io.mdevgpu;

/**
 * The GPU's driver is not in vGPU host mode, so it cannot take vGPU types. Nothing was sent to the driver.
 */
public final class NotVgpuHostException extends DriverException {
    private final String virtualizationMode;

    public NotVgpuHostException(String target, String virtualizationMode) {
        super("register vGPU types", target,
                "this GPU is not a vGPU host: the driver reports virtualization mode " + virtualizationMode,
                "Install NVIDIA's vGPU host driver (virtualization mode HOST) for this GPU; nothing was changed");
        this.virtualizationMode = virtualizationMode;
    }

    /** The mode the driver reported, e.g. {@code "NMOS (pass-through)"}. */
    public String virtualizationMode() { return virtualizationMode; }
}
