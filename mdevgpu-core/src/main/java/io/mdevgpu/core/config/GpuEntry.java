package io.mdevgpu.core.config;

import io.mdevgpu.DriverLimits;
import io.mdevgpu.GpuFilter;
import io.mdevgpu.MdevType;
import io.mdevgpu.PciAddress;
import io.mdevgpu.PciId;
import io.mdevgpu.ValidationException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One {@code [[gpu]]} entry: which GPUs it applies to and the types to register on each of them. Immutable;
 * always holds 1 to 128 types (the newest driver's limit) with distinct numbers.
 *
 * @param filter which GPUs; {@link GpuFilter#ANY} for every GPU
 * @param types  the types, in file order (the order they are registered in)
 * @param sriov  what apply does to the VFs of SR-IOV GPUs ({@code [gpu.sriov]})
 */
public record GpuEntry(GpuFilter filter, List<MdevType> types, SriovSettings sriov) {

    /** An entry without a {@code [gpu.sriov]} table. */
    public GpuEntry(GpuFilter filter, List<MdevType> types) {
        this(filter, types, SriovSettings.DEFAULT);
    }

    public GpuEntry {
        if (filter == null) throw new ValidationException("gpu entry filter", null, "use GpuFilter.ANY for every GPU");
        if (sriov == null) throw new ValidationException("gpu entry sriov", null, "use SriovSettings.DEFAULT");
        if (types == null || types.isEmpty()) throw new ValidationException("gpu entry types", null, "at least one type");
        types = List.copyOf(types);
        int max = DriverLimits.NEWEST.maxTypesPerGpu();
        if (types.size() > max) {
            throw new ValidationException("gpu entry types", types.size() + " types", "at most " + max + " per GPU");
        }
        int repeated = firstRepeatedNumber(types);
        if (repeated >= 0) {
            throw new ValidationException("gpu entry types", types.get(repeated).sysfsName(),
                    "each type of a GPU entry needs its own number");
        }
    }

    /** An entry for the GPUs {@code filter} matches. */
    public static GpuEntry of(GpuFilter filter, MdevType... types) {
        return new GpuEntry(filter, List.of(types));
    }

    /** Whether this entry applies to the GPU at {@code address} with identity {@code id}. */
    public boolean matches(PciAddress address, PciId id) {
        return filter.matches(address, id);
    }

    /** The index of the first type whose number an earlier type already has, or -1. */
    static int firstRepeatedNumber(List<MdevType> types) {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < types.size(); i++) {
            if (!seen.add(types.get(i).number())) return i;
        }
        return -1;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("GpuEntry[").append(filter.matchesEverything() ? "every GPU" : filter)
                .append(", ").append(types.size()).append(types.size() == 1 ? " type" : " types")
                .append(sriov.isDefault() ? "" : ", " + sriov).append(':');
        for (MdevType t : types) sb.append("\n  ").append(t);
        return sb.append(']').toString();
    }
}
