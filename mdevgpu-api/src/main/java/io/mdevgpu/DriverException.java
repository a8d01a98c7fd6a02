package io.mdevgpu;

/**
 * The NVIDIA Resource Manager answered a call with a failing status. The message names the call (escape
 * and control command), the target GPU, the status name and its code in hex; unknown codes print as hex.
 */
public sealed class DriverException extends MdevException permits NotVgpuHostException {
    private static final long serialVersionUID = 1L;

    /** The NV_STATUS code; see {@link #status()}. */
    private final int status;
    /** The status's symbolic name; see {@link #statusName()}. */
    private final String statusName;

    /**
     * A call the RM answered with a failing status.
     *
     * @param operation  the call: the escape and the class or control command, e.g.
     *                   {@code "NV_ESC_RM_CONTROL GPU_GET_PCI_INFO"}
     * @param target     what the call went to, e.g. {@code "GPU 0000:65:00.0 (gpu id 0x6500)"}, {@code /dev/nvidiactl}
     * @param status     the NV_STATUS code the RM returned
     * @param statusName its symbolic name, {@code NV_STATUS 0x...} for a code the library does not know
     * @param fix        what the operator can do about it, or null
     */
    public DriverException(String operation, String target, int status, String statusName, String fix) {
        super(operation, target, statusName + " (0x" + Integer.toHexString(status) + ")", fix, null);
        this.status = status;
        this.statusName = statusName;
    }

    /**
     * For a refusal the library makes from what the driver reports, not from a failing call: {@link #status()} is
     * 0 and {@link #statusName()} {@code NV_OK}.
     *
     * @param operation what was being done
     * @param target    the GPU
     * @param cause     what the driver reports that rules the operation out, in words
     * @param fix       what the operator can do about it, or null
     */
    protected DriverException(String operation, String target, String cause, String fix) {
        super(operation, target, cause, fix, null);
        this.status = 0;
        this.statusName = "NV_OK";
    }

    /**
     * {@return the raw NV_STATUS code the RM returned} 0 ({@code NV_OK}) for a {@link NotVgpuHostException}, which no
     * failing call raised.
     */
    public int status() { return status; }

    /** {@return the status's name, {@code NV_ERR_INVALID_ARGUMENT}, or {@code NV_STATUS 0x...} for an unknown code} */
    public String statusName() { return statusName; }
}
