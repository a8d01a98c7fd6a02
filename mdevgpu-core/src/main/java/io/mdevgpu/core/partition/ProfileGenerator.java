package io.mdevgpu.core.partition;

import io.mdevgpu.DriverLimits;
import io.mdevgpu.MdevType;
import io.mdevgpu.MdevTypeBuilder;
import io.mdevgpu.Size;
import io.mdevgpu.ValidationException;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a GPU into 1/n types by the predecessor's Ampere rule: of a framebuffer of T MiB, each of n instances
 * takes {@code T/n} MiB, of which the host reserves {@code T/n/16 + 64} MiB and the guest gets the rest
 * (integer division, as the predecessor's numbers show: 40960 MiB gives 38336 + 2624, 19136 + 1344,
 * 9536 + 704, 4736 + 384 for n = 1, 2, 4, 8). {@code T/n} is rounded down to the planner's
 * {@linkplain PartitionPlanner#FRAMEBUFFER_ALIGNMENT framebuffer alignment} so that n aligned slots fit (on the
 * H100's 81559 MiB the whole-GPU instance takes 81558 MiB); the predecessor's numbers are even and unchanged.
 *
 * <p>BAR1 per instance follows the same profile: 2 GiB for the whole GPU, 1 GiB for a fraction, never more than
 * the largest power of two that fits n times in the GPU's aperture (so a 256 MiB aperture split in 4 gives
 * 64 MiB windows). That last bound is stricter than the {@link PartitionPlanner} needs, which only requires each
 * window to be no larger than the aperture (guests' BAR1 is mapped through it on demand, not carved out of it).
 */
public final class ProfileGenerator {
    /** The fixed part of each instance's reservation. */
    public static final Size RESERVED_BASE = Size.mib(64);
    /** The share of each instance's framebuffer the host reserves: one part in this many. */
    public static final int RESERVED_DIVISOR = 16;

    private static final Size WHOLE_GPU_BAR1 = Size.gib(2);
    private static final Size FRACTION_BAR1 = Size.gib(1);

    private ProfileGenerator() {
    }

    /**
     * One instance of a 1/n split.
     *
     * @param instances   n
     * @param framebuffer what the guest gets
     * @param reserved    what the host reserves
     * @param bar1        the guest's BAR1 length
     */
    public record Split(int instances, Size framebuffer, Size reserved, Size bar1) {
        @Override
        public String toString() {
            return "1/" + instances + ": " + framebuffer.toMiB() + " MiB + " + reserved.toMiB() + " MiB reserved, BAR1 " + bar1;
        }
    }

    /** The 1/n split of {@code gpu}'s framebuffer and BAR1 aperture. */
    public static Split split(GpuModel gpu, int n) {
        return split(gpu.framebuffer(), gpu.bar1(), n);
    }

    /**
     * The 1/n split of {@code total} framebuffer and a BAR1 aperture of {@code bar1Aperture}.
     *
     * @throws ValidationException when n is outside 1..48 (the newest driver's instance limit), when the total is
     *                             not a whole number of MiB, or when the split leaves the guest no framebuffer or a
     *                             BAR1 window below 1 MiB
     */
    public static Split split(Size total, Size bar1Aperture, int n) {
        int maxInstances = DriverLimits.NEWEST.maxInstancesPerGpu();
        if (n < 1 || n > maxInstances) {
            throw new ValidationException("split", "1/" + n, "n is 1.." + maxInstances + " (the newest driver's instances per GPU)");
        }
        if (total == null || total.isZero() || !total.isWholeMiB()) {
            throw new ValidationException("split total", String.valueOf(total), "a positive whole number of MiB");
        }
        long align = PartitionPlanner.FRAMEBUFFER_ALIGNMENT.toMiB();
        long perInstance = total.toMiB() / n / align * align;
        long reserved = perInstance / RESERVED_DIVISOR + RESERVED_BASE.toMiB();
        if (perInstance <= reserved) {
            throw new ValidationException("split", "1/" + n + " of " + total.toMiB() + " MiB",
                    perInstance + " MiB per instance leaves nothing after the " + reserved + " MiB reservation; use fewer instances");
        }
        long cap = (n == 1 ? WHOLE_GPU_BAR1 : FRACTION_BAR1).bytes();
        long bar1 = Math.min(cap, Long.highestOneBit(bar1Aperture.bytes() / n));
        if (bar1 < Size.mib(1).bytes()) {
            throw new ValidationException("split", "1/" + n + " of a " + bar1Aperture + " BAR1 aperture",
                    "gives BAR1 windows below 1 MiB, the driver's unit; use fewer instances");
        }
        return new Split(n, Size.mib(perInstance - reserved), Size.mib(reserved), Size.bytes(bar1));
    }

    /**
     * A builder for the 1/n type of {@code gpu}, filled with the split, {@code maxInstances = n}, the name
     * {@code "<gpu id>/<n>"} ({@code "<gpu id>"} for n = 1) and class "Compute"; set anything else before
     * {@code build()}.
     */
    public static MdevTypeBuilder type(GpuModel gpu, int number, int n) {
        Split split = split(gpu, n);
        return MdevTypeBuilder.number(number).name(n == 1 ? gpu.id() : gpu.id() + "/" + n).gpuClass(MdevType.DEFAULT_CLASS)
                .maxInstances(n).framebuffer(split.framebuffer()).reserved(split.reserved()).bar1(split.bar1());
    }

    /** The 1/n types for each n in {@code fractions}, numbered from {@code firstNumber} on. */
    public static List<MdevType> types(GpuModel gpu, int firstNumber, int... fractions) {
        List<MdevType> types = new ArrayList<>(fractions.length);
        for (int i = 0; i < fractions.length; i++) {
            types.add(type(gpu, firstNumber + i, fractions[i]).build());
        }
        return List.copyOf(types);
    }
}
