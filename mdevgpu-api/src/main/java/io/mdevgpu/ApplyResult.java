package io.mdevgpu;

import java.util.List;

/**
 * What {@link Plan#apply()} did, as read back from the host.
 *
 * @param applied        every planned GPU, as planned
 * @param unchanged      those of them that held the planned types already: nothing was sent to them, and their
 *                       instances kept running (applying the same configuration again, as a restarted unit does)
 * @param publishedTypes the planned types as the mdev bus shows them now
 * @param steps          what was done, in order
 */
public record ApplyResult(List<Plan.GpuPlan> applied, List<PciAddress> unchanged, List<SupportedType> publishedTypes,
                          List<String> steps) {
    /**
     * Copies the lists.
     *
     * @throws NullPointerException when a list or an element is null
     */
    public ApplyResult {
        applied = List.copyOf(applied);
        unchanged = List.copyOf(unchanged);
        publishedTypes = List.copyOf(publishedTypes);
        steps = List.copyOf(steps);
    }

    /**
     * Whether {@code gpu} held its planned types already, so that nothing was sent to it.
     *
     * @param gpu the GPU's address
     * @return true when it is one of {@link #unchanged()}; false for a GPU that was changed or not planned
     */
    public boolean unchanged(PciAddress gpu) {
        return unchanged.contains(gpu);
    }

    @Override
    public String toString() {
        return "applied " + applied.size() + " GPU(s)" + (unchanged.isEmpty() ? "" : " (" + unchanged.size() + " unchanged)")
                + ", " + publishedTypes.size() + " type(s) published in " + steps.size() + " step(s)";
    }
}
