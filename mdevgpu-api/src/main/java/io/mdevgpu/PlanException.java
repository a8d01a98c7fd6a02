package io.mdevgpu;

import java.util.List;

/**
 * The desired types do not fit the GPU (or the driver's limits); each reason says why with the numbers. Or, with
 * {@link #hostChangedSincePlan()}, the plan fitted but the host changed after it was made (an instance created
 * meanwhile, seen under the apply lock): nothing was changed, and a new plan says what fits now.
 */
public final class PlanException extends MdevException {
    private final List<String> reasons;
    private final boolean hostChangedSincePlan;

    public PlanException(String target, List<String> reasons) {
        this(target, reasons, false);
    }

    /** As above; {@code hostChangedSincePlan}: the plan fitted, the host changed since (nothing was changed). */
    public PlanException(String target, List<String> reasons, boolean hostChangedSincePlan) {
        super("plan", target, String.join("; ", reasons), hostChangedSincePlan
                ? "the host changed since the plan: nothing was changed; make the plan again" : null, null);
        this.reasons = List.copyOf(reasons);
        this.hostChangedSincePlan = hostChangedSincePlan;
    }

    public List<String> reasons() { return reasons; }

    /** Whether the plan fitted when it was made and the host changed since: plan again, nothing was changed. */
    public boolean hostChangedSincePlan() { return hostChangedSincePlan; }
}
