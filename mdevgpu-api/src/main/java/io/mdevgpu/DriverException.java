package io.mdevgpu;

/**
 * The NVIDIA Resource Manager answered a call with a failing status. The message names the call (escape
 * and control command), the target GPU, the status name and its code in hex; unknown codes print as hex.
 */
public sealed class DriverException extends MdevException permits NotVgpuHostException {
    private final int status;
    private final String statusName;

    public DriverException(String operation, String target, int status, String statusName, String fix) {
        super(operation, target, statusName + " (0x" + Integer.toHexString(status) + ")", fix, null);
        this.status = status;
        this.statusName = statusName;
    }

    protected DriverException(String operation, String target, String cause, String fix) {
        super(operation, target, cause, fix, null);
        this.status = 0;
        this.statusName = "NV_OK";
    }

    /** The raw NV_STATUS code. */
    public int status() { return status; }

    /** {@code NV_ERR_INVALID_ARGUMENT}, or {@code NV_STATUS 0x...} when the library does not know the code. */
    public String statusName() { return statusName; }
}
