package io.mdevgpu.sim;

/**
 * A kind of call into one seam of the simulated kernel, as {@link Faults} counts, fails and records it: the mdev
 * bus's attribute writes ({@link MdevCall}), the VFIO system calls ({@link VfioCall}), the NVIDIA driver's escapes
 * ({@link RmCall}), its RM controls by command ({@link RmControl}) and the SR-IOV and VF vGPU files
 * ({@link SriovCall}). A kind can be broader than the calls it
 * matches: {@link RmCall#CONTROL} matches every control, {@link RmControl#VGPU_CONFIG_SET_INFO} only that command;
 * {@link VfioCall#IOCTL} every VFIO ioctl, {@link VfioCall#DEVICE_RESET} only that one.
 *
 * <p>A new seam adds an enum here (its {@link Faults.Seam} beside it) and passes its constants to
 * {@code Faults.enter}; nothing else in {@link Faults} changes.
 */
public sealed interface SimCall permits MdevCall, VfioCall, RmCall, RmControl, SriovCall {
    /** The seam this call goes through. */
    Faults.Seam seam();

    /** The broader kind this call is one of ({@link RmCall#CONTROL} for an {@link RmControl}); itself if none. */
    default SimCall kind() {
        return this;
    }

    /** Whether a rule armed for this kind fails {@code call}: the same call, or a call of this broader kind. */
    default boolean matches(SimCall call) {
        return call == this || call.kind() == this;
    }
}
