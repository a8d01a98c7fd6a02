package io.mdevgpu.sim;

import io.mdevgpu.kernel.abi.nvrm.NvStatus;

/**
 * The NVIDIA RM statuses ({@code NV_STATUS}) a test most often makes the simulated driver answer, as values for
 * {@link Faults.Failure#status(RmStatus)}; {@link Faults.Failure#status(int)} takes any other code.
 */
public enum RmStatus {
    NV_ERR_BUSY_RETRY(NvStatus.NV_ERR_BUSY_RETRY),
    NV_ERR_GPU_IS_LOST(NvStatus.NV_ERR_GPU_IS_LOST),
    NV_ERR_IN_USE(NvStatus.NV_ERR_IN_USE),
    NV_ERR_INSUFFICIENT_RESOURCES(NvStatus.NV_ERR_INSUFFICIENT_RESOURCES),
    NV_ERR_INSUFFICIENT_PERMISSIONS(NvStatus.NV_ERR_INSUFFICIENT_PERMISSIONS),
    NV_ERR_INVALID_ARGUMENT(NvStatus.NV_ERR_INVALID_ARGUMENT),
    NV_ERR_INVALID_STATE(NvStatus.NV_ERR_INVALID_STATE),
    NV_ERR_NO_MEMORY(NvStatus.NV_ERR_NO_MEMORY),
    NV_ERR_NOT_SUPPORTED(NvStatus.NV_ERR_NOT_SUPPORTED),
    NV_ERR_OBJECT_NOT_FOUND(NvStatus.NV_ERR_OBJECT_NOT_FOUND),
    NV_ERR_TIMEOUT(NvStatus.NV_ERR_TIMEOUT),
    NV_ERR_GENERIC(NvStatus.NV_ERR_GENERIC);

    private final int code;

    RmStatus(int code) {
        this.code = code;
    }

    /** The status's number, as the driver writes it into an ioctl's parameters. */
    public int code() {
        return code;
    }

    /** {@code NV_ERR_IN_USE (0x17)}. */
    @Override
    public String toString() {
        return name() + " (0x" + Integer.toHexString(code) + ")";
    }
}
