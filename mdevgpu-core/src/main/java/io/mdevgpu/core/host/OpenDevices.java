package io.mdevgpu.core.host;

import io.mdevgpu.kernel.mdev.OpenDeviceRegistry;

import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The mdev instances this process holds open, per host: the mdev bus asks before every remove, because the kernel
 * blocks a remove until the device is closed and a process waiting on its own open device waits forever. Real hosts
 * share one registry per sysfs root (two {@code MdevHost}s of one machine must see each other's devices); a simulated
 * host has its own. Counts opens, so a device opened twice is open until closed twice. Thread-safe; never blocks.
 */
final class OpenDevices implements OpenDeviceRegistry {
    private static final ConcurrentHashMap<Path, OpenDevices> REAL = new ConcurrentHashMap<>();

    private final ConcurrentHashMap<UUID, Integer> open = new ConcurrentHashMap<>();

    /** The registry of the real host whose sysfs is at {@code sysfsRoot}. */
    static OpenDevices ofRealHost(Path sysfsRoot) {
        return REAL.computeIfAbsent(sysfsRoot.toAbsolutePath().normalize(), r -> new OpenDevices());
    }

    /** A registry of its own, for a simulated host. */
    static OpenDevices own() {
        return new OpenDevices();
    }

    void opened(UUID uuid) {
        open.merge(uuid, 1, Integer::sum);
    }

    void closed(UUID uuid) {
        open.computeIfPresent(uuid, (u, n) -> n == 1 ? null : n - 1);
    }

    @Override
    public boolean isOpen(UUID uuid) {
        return open.containsKey(uuid);
    }

    @Override
    public String toString() {
        return "open mdev devices " + open.keySet();
    }
}
