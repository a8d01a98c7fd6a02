package io.mdevgpu.core.partition;

import io.mdevgpu.DriverLimits;
import io.mdevgpu.MdevType;
import io.mdevgpu.PlanException;
import io.mdevgpu.Size;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A concrete set of instances of several types on one GPU at the same time, placed largest first without
 * overlap, or the reasons it does not fit (then {@link #placements()} is empty).
 *
 * @param gpu             the GPU
 * @param limits          the driver's limits
 * @param requested       instances per type, in type-number order (types asked for 0 times left out)
 * @param placements      every instance, in framebuffer order; empty when the mix does not fit
 * @param framebufferUsed framebuffer the mix takes
 * @param reasons         why it does not fit, with the numbers
 */
public record MixedPlacement(GpuModel gpu, DriverLimits limits, Map<MdevType, Integer> requested,
                             List<InstancePlacement> placements, Size framebufferUsed, List<String> reasons) {
    public MixedPlacement {
        requested = Collections.unmodifiableMap(new LinkedHashMap<>(requested)); // keeps the number order
        placements = List.copyOf(placements);
        reasons = List.copyOf(reasons);
    }

    public boolean fits() {
        return reasons.isEmpty();
    }

    /**
     * This placement when it fits.
     *
     * @throws PlanException naming the GPU and listing every reason
     */
    public MixedPlacement orThrow() {
        if (!fits()) {
            throw new PlanException("GPU " + gpu.id() + " (" + gpu.name() + ")", reasons);
        }
        return this;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("MixedPlacement ").append(gpu.id()).append(": ");
        requested.forEach((type, n) -> sb.append(n).append(" x ").append(type.sysfsName()).append(", "));
        sb.append("framebuffer ").append(framebufferUsed.toMiB()).append(" of ").append(gpu.framebuffer().toMiB())
                .append(" MiB: ")
                .append(fits() ? "fits" : "does not fit");
        for (InstancePlacement p : placements) {
            sb.append("\n  ").append(p);
        }
        for (String reason : reasons) {
            sb.append("\n  ! ").append(reason);
        }
        return sb.toString();
    }
}
