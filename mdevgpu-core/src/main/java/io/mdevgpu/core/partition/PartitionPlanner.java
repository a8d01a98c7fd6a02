package io.mdevgpu.core.partition;

import io.mdevgpu.DriverLimits;
import io.mdevgpu.MdevType;
import io.mdevgpu.Size;
import io.mdevgpu.ValidationException;
import io.mdevgpu.core.pci.GuestConfigSpace;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Computes how types fit a GPU under one driver's limits. Pure and cheap: no I/O, no streams, and no
 * allocation beyond the result unless something does not fit.
 *
 * <p>The model. Each instance takes a framebuffer slot of guest framebuffer plus the host's reservation,
 * rounded up to {@link #FRAMEBUFFER_ALIGNMENT}; slots never overlap. A type is limited by its advertised
 * {@code maxInstances}, the driver's per-GPU instance limit and the framebuffer. The driver refuses a type
 * outright beyond its per-GPU type limit, with a number given twice, or with a name or class longer than its
 * string buffer.
 *
 * <p>BAR1. A guest's BAR1 is the type's BAR1 length rounded up to a power of two (what the guest's BAR1
 * decodes, {@link GuestConfigSpace#bar1Size}). It is not a slice of the GPU's physical BAR1 aperture: the host
 * maps framebuffer into it on demand through the aperture, which is how NVIDIA's own types run sixteen 256 MiB
 * BAR1 windows on a T4 whose aperture is 256 MiB. So BAR1 does not limit the instance count; the one rule is
 * that a single guest window may not be larger than the physical aperture ({@link CapacityLimit#BAR1}: then no
 * instance of the type fits). Placements therefore carry each instance's window size but no aperture offset.
 *
 * <p>Two questions. {@link #plan} evaluates each type on its own, as NVIDIA's types are alternatives sharing the
 * GPU ({@code available_instances} of every type drops when an instance of any is created); a plan fits when
 * every type's advertised instances fit. {@link #placeMixed} asks whether a concrete mix of instances of several
 * types fits at the same time and places its framebuffer slots largest first, which keeps every slot aligned
 * with no gaps.
 */
public final class PartitionPlanner {
    /** Framebuffer slots start on 2 MiB boundaries: the GPU's large page, in which the driver maps vGPU memory. */
    public static final Size FRAMEBUFFER_ALIGNMENT = Size.mib(2);
    private static final long ALIGN = FRAMEBUFFER_ALIGNMENT.bytes();
    private static final long MIB = 1L << 20;

    private final DriverLimits limits;

    private PartitionPlanner(DriverLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** A planner for a driver with {@code limits} ({@link DriverLimits#NEWEST}, {@link DriverLimits#PRE_580}...). */
    public static PartitionPlanner of(DriverLimits limits) {
        return new PartitionPlanner(limits);
    }

    public DriverLimits limits() {
        return limits;
    }

    /** Framebuffer per instance of {@code type}: guest framebuffer plus reservation, rounded up to the alignment. */
    public static Size framebufferSlot(MdevType type) {
        return Size.bytes(slotBytes(type));
    }

    private static long slotBytes(MdevType type) {
        long bytes = type.framebuffer().bytes() + type.reserved().bytes();
        return (bytes + ALIGN - 1) & -ALIGN;
    }

    /**
     * Each type's capacity on {@code gpu} on its own, in the given order.
     *
     * @throws NullPointerException when {@code gpu}, {@code types} or a type is null
     */
    public PartitionPlan plan(GpuModel gpu, List<MdevType> types) {
        Objects.requireNonNull(gpu, "gpu");
        List<TypeFit> fits = new ArrayList<>(types.size());
        for (int i = 0; i < types.size(); i++) {
            MdevType type = Objects.requireNonNull(types.get(i), "type");
            long slot = slotBytes(type);
            Size window = GuestConfigSpace.bar1Size(type);
            List<String> reasons = rejections(types, i);
            if (reasons != null) {
                fits.add(new TypeFit(type, 0, CapacityLimit.REJECTED, Size.bytes(slot), window, gpu.guestPciId(type), reasons));
                continue;
            }
            int advertised = type.maxInstances();
            int capacity = advertised;
            CapacityLimit limit = CapacityLimit.ADVERTISED;
            if (limits.maxInstancesPerGpu() < advertised) {
                capacity = limits.maxInstancesPerGpu();
                limit = CapacityLimit.DRIVER_INSTANCE_LIMIT;
                reasons = add(reasons, "type " + type.sysfsName() + " advertises " + advertised
                        + " instances but the driver allows at most " + limits.maxInstancesPerGpu() + " instances per GPU");
            }
            long byFramebuffer = gpu.framebuffer().bytes() / slot;
            if (byFramebuffer < advertised) {
                reasons = add(reasons, byFramebuffer == 0
                        ? "type " + type.sysfsName() + " needs " + perInstance(type, slot) + " per instance but the GPU has "
                        + mib(gpu.framebuffer().bytes()) + " usable"
                        : "type " + type.sysfsName() + " advertises " + advertised + " instances but only " + byFramebuffer
                        + " fit in the framebuffer: " + advertised + " x " + perInstance(type, slot) + " = "
                        + mib(slot * advertised) + ", and the GPU has " + mib(gpu.framebuffer().bytes()) + " usable");
                if (byFramebuffer < capacity) {
                    capacity = (int) byFramebuffer;
                    limit = CapacityLimit.FRAMEBUFFER;
                }
            }
            String bar1Overflow = bar1Overflow(gpu, type, window);
            if (bar1Overflow != null) {
                reasons = add(reasons, bar1Overflow);
                if (capacity > 0) {
                    capacity = 0;
                    limit = CapacityLimit.BAR1;
                }
            }
            fits.add(new TypeFit(type, capacity, limit, Size.bytes(slot), window, gpu.guestPciId(type),
                    reasons == null ? List.of() : reasons));
        }
        return new PartitionPlan(gpu, limits, fits);
    }

    /**
     * Whether {@code counts} instances of each type fit on {@code gpu} at the same time, and where each one sits.
     * Types asked for 0 times are left out.
     *
     * @throws ValidationException when a count is negative
     */
    public MixedPlacement placeMixed(GpuModel gpu, Map<MdevType, Integer> counts) {
        Objects.requireNonNull(gpu, "gpu");
        List<MdevType> types = new ArrayList<>(counts.size());
        for (Map.Entry<MdevType, Integer> e : counts.entrySet()) {
            MdevType type = Objects.requireNonNull(e.getKey(), "type");
            Integer count = e.getValue();
            if (count == null || count < 0) {
                throw new ValidationException("instances of " + type.sysfsName(), String.valueOf(count), "a count is 0 or more");
            }
            if (count > 0) {
                types.add(type);
            }
        }
        types.sort(Comparator.comparingInt(MdevType::number).thenComparing(MdevType::name));
        Map<MdevType, Integer> requested = new LinkedHashMap<>();
        List<String> reasons = new ArrayList<>();
        long total = 0;
        long framebuffer = 0;
        StringBuilder framebufferSum = new StringBuilder();
        for (int i = 0; i < types.size(); i++) {
            MdevType type = types.get(i);
            int count = counts.get(type);
            requested.put(type, count);
            List<String> rejected = rejections(types, i);
            if (rejected != null) {
                reasons.addAll(rejected);
            }
            if (count > type.maxInstances()) {
                reasons.add(count + " instances of " + type.sysfsName() + " requested but the type advertises at most " + type.maxInstances());
            }
            String bar1Overflow = bar1Overflow(gpu, type, GuestConfigSpace.bar1Size(type));
            if (bar1Overflow != null) {
                reasons.add(bar1Overflow);
            }
            long slot = slotBytes(type);
            total += count;
            framebuffer = saturatingAdd(framebuffer, saturatingMultiply(slot, count));
            framebufferSum.append(i == 0 ? "" : " + ").append(count).append(" x ").append(slot / MIB).append(" MiB for ").append(type.sysfsName());
        }
        if (total > limits.maxInstancesPerGpu()) {
            reasons.add(total + " instances requested but the driver allows at most " + limits.maxInstancesPerGpu() + " per GPU");
        }
        if (framebuffer > gpu.framebuffer().bytes()) {
            reasons.add("the mix needs " + mib(framebuffer) + " of framebuffer (" + framebufferSum + ") but the GPU has "
                    + mib(gpu.framebuffer().bytes()) + " usable");
        }
        List<InstancePlacement> placements = reasons.isEmpty() ? place(types, counts) : List.of();
        return new MixedPlacement(gpu, limits, requested, placements, Size.bytes(framebuffer), reasons);
    }

    /** Framebuffer slots largest first, back to back from 0; each instance with its guest's BAR1 window size. */
    private static List<InstancePlacement> place(List<MdevType> types, Map<MdevType, Integer> counts) {
        List<MdevType> bySlot = new ArrayList<>(types);
        bySlot.sort(Comparator.comparingLong(PartitionPlanner::slotBytes).reversed());
        List<InstancePlacement> placements = new ArrayList<>();
        long offset = 0;
        for (MdevType type : bySlot) {
            long slot = slotBytes(type);
            Size window = GuestConfigSpace.bar1Size(type);
            for (int i = 0; i < counts.get(type); i++) {
                placements.add(new InstancePlacement(type, i, Size.bytes(offset), Size.bytes(slot), window));
                offset += slot;
            }
        }
        return placements;
    }

    /** Why a guest of {@code type}, whose BAR1 decodes {@code window}, cannot run on {@code gpu}; null when it can. */
    private static String bar1Overflow(GpuModel gpu, MdevType type, Size window) {
        if (!window.isLargerThan(gpu.bar1())) {
            return null;
        }
        return "type " + type.sysfsName() + " gives its guests a " + bar1Window(type, window) + " but the GPU's BAR1 aperture is "
                + gpu.bar1() + "; a guest's BAR1 cannot be larger than the aperture it is mapped through";
    }

    /** Why the driver would not register {@code types.get(index)} at all; null when it would. */
    private List<String> rejections(List<MdevType> types, int index) {
        MdevType type = types.get(index);
        List<String> reasons = null;
        if (index >= limits.maxTypesPerGpu()) {
            reasons = add(reasons, "type " + type.sysfsName() + " is type " + (index + 1) + " on this GPU but the driver registers at most "
                    + limits.maxTypesPerGpu() + " types per GPU");
        }
        for (int j = 0; j < index; j++) {
            if (types.get(j).number() == type.number()) {
                reasons = add(reasons, "type number " + Integer.toUnsignedString(type.number())
                        + " is given more than once; each type on a GPU needs its own number");
                break;
            }
        }
        // MdevType already holds every string to the newest driver's buffer; only a smaller buffer needs a look.
        if (limits.stringBufferBytes() < DriverLimits.NEWEST.stringBufferBytes()) {
            reasons = checkString(reasons, type, "name", type.name());
            reasons = checkString(reasons, type, "class", type.gpuClass());
        }
        return reasons;
    }

    private List<String> checkString(List<String> reasons, MdevType type, String what, String value) {
        try {
            MdevType.checkString(what, value, limits);
            return reasons;
        } catch (ValidationException e) {
            return add(reasons, "type " + type.sysfsName() + ": " + e.getMessage());
        }
    }

    private static List<String> add(List<String> reasons, String reason) {
        List<String> list = reasons == null ? new ArrayList<>(2) : reasons;
        list.add(reason);
        return list;
    }

    private static String perInstance(MdevType type, long slot) {
        long exact = type.framebuffer().bytes() + type.reserved().bytes();
        return mib(slot) + " (" + type.framebuffer().toMiB() + " MiB + " + type.reserved().toMiB() + " MiB reserved"
                + (slot != exact ? ", aligned to " + FRAMEBUFFER_ALIGNMENT.toMiB() + " MiB" : "") + ")";
    }

    private static String bar1Window(MdevType type, Size window) {
        return window + " BAR1 window" + (window.equals(type.bar1()) ? "" : " (BAR1 length " + type.bar1() + " rounded up to a power of two)");
    }

    private static String mib(long bytes) {
        return bytes / MIB + " MiB";
    }

    private static long saturatingMultiply(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        return high != 0 || low < 0 ? Long.MAX_VALUE : low;
    }

    private static long saturatingAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }
}
