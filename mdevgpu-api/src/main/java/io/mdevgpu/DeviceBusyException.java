package io.mdevgpu;

/** The device is busy (EBUSY): a VFIO group is already open, in this process or another. */
public non-sealed class DeviceBusyException extends KernelException {
    public DeviceBusyException(String operation, String target, Errno errno, String fix, Throwable cause) {
        super(operation, target, errno, fix, cause);
    }
}
