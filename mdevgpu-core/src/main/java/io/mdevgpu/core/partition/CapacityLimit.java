package io.mdevgpu.core.partition;

/** What bounds the number of instances of a type on a GPU. */
public enum CapacityLimit {
    /** The type's own {@code maxInstances}: everything it advertises fits. */
    ADVERTISED,
    /** The driver's per-GPU instance limit. */
    DRIVER_INSTANCE_LIMIT,
    /** Framebuffer: guest framebuffer plus reservation per instance. */
    FRAMEBUFFER,
    /**
     * BAR1: the type's guest BAR1 window (its BAR1 length rounded up to a power of two) is larger than the GPU's
     * physical BAR1 aperture, so no instance fits. BAR1 never limits the count otherwise: guests' windows are
     * mapped through the aperture on demand, not carved out of it.
     */
    BAR1,
    /** The driver would not register the type at all (type limit, duplicate number, name or class too long). */
    REJECTED
}
