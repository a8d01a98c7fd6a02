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
 * rounded up to {@link #FRAMEBUFFER_ALIGNMENT}, and a BAR1 window of the type's BAR1 length rounded up to a
 * power of two (what the guest's BAR1 decodes), aligned to its size, inside the GPU's BAR1 aperture; slots
 * and windows never overlap. A type is limited by its advertised {@code maxInstances}, the driver's per-GPU
 * instance limit, the framebuffer and the aperture. The driver refuses a type outright beyond its per-GPU type
 * limit, with a number given twice, or with a name or class longer than its string buffer.
 *
 * <p>Two questions. {@link #plan} evaluates each type on its own, as NVIDIA's types are alternatives sharing the
 * GPU ({@code available_instances} of every type drops when an instance of any is created); a plan fits when
 * every type's advertised instances fit. {@link #placeMixed} asks whether a concrete mix of instances of several
 * types fits at the same time and places it largest first: framebuffer slots by size, then BAR1 windows by size,
 * which keeps every power-of-two window naturally aligned with no gaps.
 *
 * <p>Known simplification: NVIDIA's driver does not necessarily back guest BAR1 windows one-to-one in the
 * physical aperture (its own T4 types advertise 16 instances with 256 MiB BAR1 on a 256 MiB aperture); this
 * planner does, so on GPUs with a small aperture it admits fewer instances than such a driver would.
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
            long byBar1 = gpu.bar1().bytes() / window.bytes();
            if (byBar1 < advertised) {
                reasons = add(reasons, byBar1 == 0
                        ? "type " + type.sysfsName() + " needs a " + bar1Window(type, window) + " per instance but the GPU's BAR1 aperture is "
                        + gpu.bar1()
                        : "type " + type.sysfsName() + " advertises " + advertised + " instances but only " + byBar1
                        + (byBar1 == 1 ? " fits" : " fit") + " in BAR1: " + advertised + " x a " + bar1Window(type, window) + " = "
                        + window.times(advertised) + ", and the GPU's BAR1 aperture is " + gpu.bar1());
                if (byBar1 < capacity) {
                    capacity = (int) byBar1;
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
        long bar1 = 0;
        StringBuilder framebufferSum = new StringBuilder();
        StringBuilder bar1Sum = new StringBuilder();
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
            long slot = slotBytes(type);
            long window = GuestConfigSpace.bar1Size(type).bytes();
            total += count;
            framebuffer = saturatingAdd(framebuffer, saturatingMultiply(slot, count));
            bar1 = saturatingAdd(bar1, saturatingMultiply(window, count));
            framebufferSum.append(i == 0 ? "" : " + ").append(count).append(" x ").append(slot / MIB).append(" MiB for ").append(type.sysfsName());
            bar1Sum.append(i == 0 ? "" : " + ").append(count).append(" x ").append(Size.bytes(window)).append(" for ").append(type.sysfsName());
        }
        if (total > limits.maxInstancesPerGpu()) {
            reasons.add(total + " instances requested but the driver allows at most " + limits.maxInstancesPerGpu() + " per GPU");
        }
        if (framebuffer > gpu.framebuffer().bytes()) {
            reasons.add("the mix needs " + mib(framebuffer) + " of framebuffer (" + framebufferSum + ") but the GPU has "
                    + mib(gpu.framebuffer().bytes()) + " usable");
        }
        if (bar1 > gpu.bar1().bytes()) {
            reasons.add("the mix needs " + Size.bytes(bar1) + " of BAR1 windows (" + bar1Sum + ") but the GPU's BAR1 aperture is " + gpu.bar1());
        }
        List<InstancePlacement> placements = reasons.isEmpty() ? place(types, counts) : List.of();
        return new MixedPlacement(gpu, limits, requested, placements, Size.bytes(framebuffer), Size.bytes(bar1), reasons);
    }

    /** Largest first: framebuffer slots in descending size, BAR1 windows in descending (power-of-two) size. */
    private static List<InstancePlacement> place(List<MdevType> types, Map<MdevType, Integer> counts) {
        int n = types.size();
        long[] framebufferStart = new long[n];
        long[] bar1Start = new long[n];
        List<MdevType> bySlot = new ArrayList<>(types);
        bySlot.sort(Comparator.comparingLong(PartitionPlanner::slotBytes).reversed());
        long offset = 0;
        for (MdevType type : bySlot) {
            framebufferStart[types.indexOf(type)] = offset;
            offset += slotBytes(type) * counts.get(type);
        }
        List<MdevType> byWindow = new ArrayList<>(types);
        byWindow.sort(Comparator.comparingLong((MdevType t) -> GuestConfigSpace.bar1Size(t).bytes()).reversed());
        offset = 0;
        for (MdevType type : byWindow) {
            bar1Start[types.indexOf(type)] = offset;
            offset += GuestConfigSpace.bar1Size(type).bytes() * counts.get(type);
        }
        List<InstancePlacement> placements = new ArrayList<>();
        for (MdevType type : bySlot) {
            int t = types.indexOf(type);
            long slot = slotBytes(type);
            long window = GuestConfigSpace.bar1Size(type).bytes();
            for (int i = 0; i < counts.get(type); i++) {
                placements.add(new InstancePlacement(type, i, Size.bytes(framebufferStart[t] + i * slot), Size.bytes(slot),
                        Size.bytes(bar1Start[t] + i * window), Size.bytes(window)));
            }
        }
        return placements;
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
