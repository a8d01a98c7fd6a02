package io.mdevgpu.core.partition;

import io.mdevgpu.MdevType;
import io.mdevgpu.Size;

/**
 * Where one instance sits: its slot in the GPU's framebuffer (guest framebuffer plus the host's reservation,
 * aligned), counted from the start of the framebuffer the vGPU manager places instances in, and the size of its
 * guest's BAR1. The BAR1 window has no place in the GPU's physical aperture: the host maps framebuffer into it
 * on demand ({@link PartitionPlanner}), so every instance may have a window as large as the aperture.
 *
 * @param type              the instance's type
 * @param instance          0-based among the instances of its type
 * @param framebufferOffset where its framebuffer slot begins
 * @param framebufferSize   the slot's length
 * @param bar1Size          what its guest's BAR1 decodes: the type's BAR1 length rounded up to a power of two
 */
public record InstancePlacement(MdevType type, int instance, Size framebufferOffset, Size framebufferSize, Size bar1Size) {

    /** The end of the framebuffer slot, exclusive. */
    public Size framebufferEnd() {
        return framebufferOffset.plus(framebufferSize);
    }

    @Override
    public String toString() {
        return type.sysfsName() + "#" + instance + " framebuffer [" + framebufferOffset.toMiB() + ", " + framebufferEnd().toMiB()
                + ") MiB, BAR1 " + bar1Size;
    }
}
