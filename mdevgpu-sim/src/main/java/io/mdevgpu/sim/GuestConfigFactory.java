package io.mdevgpu.sim;

import io.mdevgpu.MdevType;
import io.mdevgpu.kernel.pci.PciDevice;

/**
 * Builds the guest config space of an mdev instance when the simulated kernel creates it: from the physical GPU
 * and the type the driver holds. The core passes its own builder (the guest config space it computes and
 * emulates); kernel-only tests pass {@link #PLAIN_FOR_TESTS}.
 */
@FunctionalInterface
public interface GuestConfigFactory {
    /**
     * A plain 256-byte space with the type's guest ids (the physical GPU's where the type names none), for tests of
     * the kernel module alone; not the config space a guest of that type would see.
     */
    GuestConfigFactory PLAIN_FOR_TESTS = PlainConfigSpace::new;

    /** A fresh space for one new instance of {@code type} on {@code physical}. */
    ConfigSpaceEmulator create(PciDevice physical, MdevType type);
}
