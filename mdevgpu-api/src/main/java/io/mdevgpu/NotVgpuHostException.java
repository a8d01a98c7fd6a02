package io.mdevgpu;

/**
 * The GPU's driver is not in vGPU host mode, so it cannot take vGPU types. Nothing was sent to the driver.
 */
public final class NotVgpuHostException extends DriverException {
    private static final long serialVersionUID = 1L;

    /** The mode the driver reported; see {@link #virtualizationMode()}. */
    private final String virtualizationMode;

    /**
     * A GPU whose driver reports a virtualization mode other than HOST.
     *
     * @param target             the GPU, e.g. {@code "GPU 0000:65:00.0 (gpu id 0x6500)"}
     * @param virtualizationMode the mode the driver reported, in words
     */
    public NotVgpuHostException(String target, String virtualizationMode) {
        super("register vGPU types", target,
                "this GPU is not a vGPU host: the driver reports virtualization mode " + virtualizationMode,
                "Install NVIDIA's vGPU host driver (virtualization mode HOST) for this GPU; nothing was changed");
        this.virtualizationMode = virtualizationMode;
    }

    /**
     * {@return the mode the driver reported, e.g. {@code "NMOS (pass-through guest)"}} {@code "mode N"} for a mode the
     * library does not know.
     */
    public String virtualizationMode() { return virtualizationMode; }
}
