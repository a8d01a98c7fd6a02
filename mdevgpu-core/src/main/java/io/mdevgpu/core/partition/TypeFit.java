package io.mdevgpu.core.partition;

import io.mdevgpu.MdevType;
import io.mdevgpu.PciId;
import io.mdevgpu.Size;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How one type fits a GPU on its own (types are alternatives that share the GPU, as NVIDIA's
 * {@code available_instances} shows: creating an instance of one type lowers what is left for the others).
 *
 * @param type            the type
 * @param capacity        how many instances of it fit at once
 * @param limitedBy       what bounds {@code capacity}
 * @param framebufferSlot framebuffer per instance: guest framebuffer plus reservation, aligned
 * @param bar1Window      each guest's BAR1: the type's BAR1 length rounded up to a power of two; at most the
 *                        GPU's BAR1 aperture, and not taken from it per instance
 * @param guestPciId      the identity a guest of this type sees on this GPU
 * @param reasons         why the type does not fit as advertised, with the numbers; empty when it does
 */
public record TypeFit(MdevType type, int capacity, CapacityLimit limitedBy, Size framebufferSlot, Size bar1Window,
                      PciId guestPciId, List<String> reasons) {
    public TypeFit {
        reasons = List.copyOf(reasons);
    }

    /** All {@code maxInstances} instances fit and the driver takes the type. */
    public boolean fits() {
        return reasons.isEmpty();
    }

    /** Where each of the {@code capacity} instances sits when only this type is on the GPU: slots back to back from 0. */
    public List<InstancePlacement> placements() {
        List<InstancePlacement> placements = new ArrayList<>(capacity);
        for (int i = 0; i < capacity; i++) {
            placements.add(new InstancePlacement(type, i, framebufferSlot.times(i), framebufferSlot, bar1Window));
        }
        return List.copyOf(placements);
    }

    @Override
    public String toString() {
        return String.format("%-11s %-24s %2d/%-2d instances, %6d MiB + BAR1 %s each, guest %s%s", type.sysfsName(),
                '"' + type.name() + '"', capacity, type.maxInstances(), framebufferSlot.toMiB(), bar1Window, guestPciId,
                fits() ? "" : " (" + limitedBy.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ")");
    }
}
