package io.mdevgpu;

import java.util.List;

/**
 * The desired types do not fit the GPU (or the driver's limits); each reason says why with the numbers. Or, with
 * {@link #hostChangedSincePlan()}, the plan fitted but the host changed after it was made (an instance created
 * meanwhile, seen under the apply lock): nothing was changed, and a new plan says what fits now.
 */
public final class PlanException extends MdevException {
    private static final long serialVersionUID = 1L;

    /** Why the types do not fit; see {@link #reasons()}. */
    private final List<String> reasons;
    /** Whether the host changed since the plan; see {@link #hostChangedSincePlan()}. */
    private final boolean hostChangedSincePlan;

    /**
     * The desired types do not fit.
     *
     * @param target  what was planned, e.g. {@code "GPU 0000:65:00.0 (H100 PCIe)"}
     * @param reasons why it does not fit, one sentence each with the numbers; copied
     */
    public PlanException(String target, List<String> reasons) {
        this(target, reasons, false);
    }

    /**
     * The desired types do not fit, or the plan fitted and the host changed since.
     *
     * @param target               what was planned
     * @param reasons              why it does not fit (now), one sentence each; copied
     * @param hostChangedSincePlan true when the plan fitted and the host changed since (nothing was changed)
     */
    public PlanException(String target, List<String> reasons, boolean hostChangedSincePlan) {
        super("plan", target, String.join("; ", reasons), hostChangedSincePlan
                ? "the host changed since the plan: nothing was changed; make the plan again" : null, null);
        this.reasons = List.copyOf(reasons);
        this.hostChangedSincePlan = hostChangedSincePlan;
    }

    /** {@return why the types do not fit, one sentence each with the numbers; unmodifiable} */
    public List<String> reasons() { return reasons; }

    /** {@return whether the plan fitted when it was made and the host changed since: plan again; nothing changed} */
    public boolean hostChangedSincePlan() { return hostChangedSincePlan; }
}
