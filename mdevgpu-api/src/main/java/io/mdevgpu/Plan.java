package io.mdevgpu;

import java.util.List;

/**
 * What applying a configuration would do: for each GPU, the types it would register, how many instances of
 * each fit and where, the guest's PCI identity, and the differences from what the driver has now. Making a plan
 * reads the host and changes nothing the driver keeps: to read each planned GPU's virtualization mode (whether it is
 * a vGPU host) it opens an NVIDIA RM client and attaches the GPU ({@code NV0000_CTRL_CMD_GPU_ATTACH_IDS}), since the
 * driver answers that control only on the GPU's device object; the client frees its objects and detaches the GPU
 * before the plan is returned, so no type table, instance or driver setting changes. {@link #apply()} changes the
 * host step by step with a journal, undoing completed steps in reverse if one fails, then reads the host back.
 */
public interface Plan {
    /** Whether every type of every GPU fits. */
    boolean fits();

    /** Why it does not fit, in words with the numbers; empty when it fits. */
    List<String> problems();

    /** One entry per GPU the plan touches. */
    List<GpuPlan> gpus();

    /**
     * What the plan leaves alone and why, in words (a GPU that an entry without a filter skips because its types do
     * not fit it, a display device that is not NVIDIA's); empty when there is nothing to say.
     */
    List<String> notes();

    /**
     * Applies the plan, one apply at a time on a host. A GPU whose driver holds the planned types already is left as
     * it is (nothing is sent, its instances keep running): applying the same configuration again is safe.
     *
     * @throws PlanException      if it does not fit, or if a GPU whose types would change has instances now (they may
     *                            have come after the plan, which is looked at again under the apply lock: then
     *                            {@link PlanException#hostChangedSincePlan()}); nothing is changed then
     * @throws HostStateException a step failed and undoing the steps before it failed too:
     *                            {@link HostStateException#hostChanged()}, the message lists what is left
     */
    ApplyResult apply();

    /** The plan for one GPU. */
    record GpuPlan(PciAddress address, String model, List<TypePlan> types, List<String> changes) {
    }

    /** One type on one GPU: the instances that fit and why not more. */
    record TypePlan(MdevType type, PciId guestId, int instancesThatFit, String limitedBy) {
    }
}
