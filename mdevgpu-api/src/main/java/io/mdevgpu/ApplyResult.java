package io.mdevgpu;

import java.util.List;

/** What {@link Plan#apply()} did, as read back from the host. */
public record ApplyResult(List<Plan.GpuPlan> applied, List<SupportedType> publishedTypes, List<String> steps) {
    @Override
    public String toString() {
        return "applied " + applied.size() + " GPU(s), " + publishedTypes.size() + " type(s) published in " + steps.size() + " step(s)";
    }
}
