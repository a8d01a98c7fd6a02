package io.mdevgpu;

/**
 * An mdev instance is open in user space (in this process, or another that did not let go within the
 * timeout); the kernel would block a remove until it is closed, so mdevgpu refuses instead.
 */
public final class DeviceInUseException extends KernelException {
    public DeviceInUseException(String operation, String target, String fix) {
        super(operation, target, null, fix, null);
    }

    @Override
    public String getMessage() {
        return operation() + " " + target() + ": the device is in use" + fix().map(f -> ". " + f).orElse("");
    }
}
