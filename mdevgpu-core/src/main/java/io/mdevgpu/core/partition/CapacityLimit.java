package io.mdevgpu.core.partition;

/** What bounds the number of instances of a type on a GPU. */
public enum CapacityLimit {
    /** The type's own {@code maxInstances}: everything it advertises fits. */
    ADVERTISED,
    /** The driver's per-GPU instance limit. */
    DRIVER_INSTANCE_LIMIT,
    /** Framebuffer: guest framebuffer plus reservation per instance. */
    FRAMEBUFFER,
    /** BAR1: one window per instance in the GPU's aperture. */
    BAR1,
    /** The driver would not register the type at all (type limit, duplicate number, name or class too long). */
    REJECTED
}
