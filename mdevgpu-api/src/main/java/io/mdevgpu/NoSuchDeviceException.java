package io.mdevgpu;

/** The device, parent, type or node is gone or was never there (ENODEV, ENXIO, ENOENT). */
public non-sealed class NoSuchDeviceException extends KernelException {
    public NoSuchDeviceException(String operation, String target, Errno errno, String fix, Throwable cause) {
        super(operation, target, errno, fix, cause);
    }
}
