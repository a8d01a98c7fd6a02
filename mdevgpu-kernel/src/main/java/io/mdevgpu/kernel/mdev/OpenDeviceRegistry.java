package io.mdevgpu.kernel.mdev;

import java.util.UUID;

/**
 * Which mdev instances this process holds open. The VFIO layer implements it; {@link MdevBus#remove} asks it
 * first, because the kernel blocks a remove until every fd of the device is closed, and a process waiting on
 * its own open device waits forever.
 */
@FunctionalInterface
public interface OpenDeviceRegistry {
    /** For a process that opens no devices. */
    OpenDeviceRegistry NONE = uuid -> false;

    /** Whether this process holds the instance {@code uuid} open. Must not block. */
    boolean isOpen(UUID uuid);
}
