package io.mdevgpu;

/** The kernel rejected an argument (EINVAL): a malformed UUID, a bad region offset, an unsupported IOMMU type. */
public non-sealed class InvalidArgumentException extends KernelException {
    public InvalidArgumentException(String operation, String target, Errno errno, String fix, Throwable cause) {
        super(operation, target, errno, fix, cause);
    }
}
