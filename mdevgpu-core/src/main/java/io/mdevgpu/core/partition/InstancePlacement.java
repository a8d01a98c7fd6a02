package io.mdevgpu.core.partition;

import io.mdevgpu.MdevType;
import io.mdevgpu.Size;

/**
 * Where one instance sits: its slot in the GPU's framebuffer (guest framebuffer plus the host's reservation,
 * aligned) and its window in the GPU's BAR1 aperture (naturally aligned). Offsets count from the start of the
 * framebuffer the vGPU manager places instances in and from the start of the aperture.
 *
 * @param type              the instance's type
 * @param instance          0-based among the instances of its type
 * @param framebufferOffset where its framebuffer slot begins
 * @param framebufferSize   the slot's length
 * @param bar1Offset        where its BAR1 window begins
 * @param bar1Size          the window's length
 */
public record InstancePlacement(MdevType type, int instance, Size framebufferOffset, Size framebufferSize,
                                Size bar1Offset, Size bar1Size) {

    /** The end of the framebuffer slot, exclusive. */
    public Size framebufferEnd() {
        return framebufferOffset.plus(framebufferSize);
    }

    /** The end of the BAR1 window, exclusive. */
    public Size bar1End() {
        return bar1Offset.plus(bar1Size);
    }

    @Override
    public String toString() {
        return type.sysfsName() + "#" + instance + " framebuffer [" + framebufferOffset.toMiB() + ", " + framebufferEnd().toMiB()
                + ") MiB, BAR1 [" + bar1Offset + ", " + bar1End() + ")";
    }
}
