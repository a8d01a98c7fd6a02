package io.mdevgpu;

/**
 * An mdev instance is open in user space (in this process, or another that did not let go within the
 * timeout); the kernel would block a remove until it is closed, so mdevgpu refuses instead. The same for a VF's
 * vGPU whose VFIO device is open, and for a change to a GPU's SR-IOV settings while its VFs hold vGPUs.
 */
public final class DeviceInUseException extends KernelException {
    private static final long serialVersionUID = 1L;

    /**
     * A device held open. It has no errno ({@link #errno()} is null): either the library refuses before writing to
     * the kernel, or the kernel's remove did not finish within the remove timeout.
     *
     * @param operation what was being done, e.g. {@code "remove mdev"}
     * @param target    the instance (an mdev's UUID, a VF's vGPU), or the GPU whose VFs hold vGPUs
     * @param fix       what the operator can do about it (close the VFIO device, stop the VM), or null
     */
    public DeviceInUseException(String operation, String target, String fix) {
        super(operation, target, null, fix, null);
    }

    @Override
    public String getMessage() {
        return operation() + " " + target() + ": the device is in use" + fix().map(f -> ". " + f).orElse("");
    }
}
