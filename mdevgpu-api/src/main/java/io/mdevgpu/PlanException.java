package io.mdevgpu;

import java.util.List;

/** The desired types do not fit the GPU (or the driver's limits); each reason says why with the numbers. */
public final class PlanException extends MdevException {
    private final List<String> reasons;

    public PlanException(String target, List<String> reasons) {
        super("plan", target, String.join("; ", reasons), null, null);
        this.reasons = List.copyOf(reasons);
    }

    public List<String> reasons() { return reasons; }
}
