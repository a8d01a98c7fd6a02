package io.mdevgpu.core.partition;

import io.mdevgpu.DriverLimits;
import io.mdevgpu.PlanException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The per-type capacity of a set of types on one GPU. {@link #fits()} means the driver takes every type and
 * each type's advertised {@code maxInstances} instances fit the GPU on their own; whether several types fit
 * at the same time is {@link PartitionPlanner#placeMixed}'s question.
 *
 * @param gpu    the GPU
 * @param limits the driver's limits the plan was checked against
 * @param types  one entry per given type, in the given order
 */
public record PartitionPlan(GpuModel gpu, DriverLimits limits, List<TypeFit> types) {
    public PartitionPlan {
        types = List.copyOf(types);
    }

    public boolean fits() {
        for (TypeFit fit : types) {
            if (!fit.fits()) return false;
        }
        return true;
    }

    /** Every reason in type order; empty when the plan fits. */
    public List<String> reasons() {
        List<String> reasons = new ArrayList<>();
        for (TypeFit fit : types) {
            reasons.addAll(fit.reasons());
        }
        return List.copyOf(reasons);
    }

    /** The entry for type {@code nvidia-<number>}. */
    public Optional<TypeFit> type(int number) {
        for (TypeFit fit : types) {
            if (fit.type().number() == number) return Optional.of(fit);
        }
        return Optional.empty();
    }

    /**
     * This plan when it fits.
     *
     * @throws PlanException naming the GPU and listing every reason
     */
    public PartitionPlan orThrow() {
        if (!fits()) {
            throw new PlanException("GPU " + gpu.id() + " (" + gpu.name() + ")", reasons());
        }
        return this;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("PartitionPlan ").append(gpu.id()).append(" (").append(gpu.name()).append(", ")
                .append(gpu.framebuffer().toMiB()).append(" MiB, BAR1 ").append(gpu.bar1()).append("), driver ").append(limits)
                .append(": ").append(fits() ? "fits" : "does not fit");
        for (TypeFit fit : types) {
            sb.append("\n  ").append(fit);
        }
        for (String reason : reasons()) {
            sb.append("\n  ! ").append(reason);
        }
        return sb.toString();
    }
}
