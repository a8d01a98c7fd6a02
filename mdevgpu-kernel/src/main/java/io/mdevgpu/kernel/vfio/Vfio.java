package io.mdevgpu.kernel.vfio;

import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.mdevgpu.kernel.mdev.OpenDeviceRegistry;

/**
 * The VFIO port: containers, groups, device fds, regions, mappings and interrupts over one {@link VfioKernel},
 * the real one ({@link #linux()}) or a simulated one.
 *
 * <pre>{@code
 * try (VfioContainer container = Vfio.linux().openContainer()) {
 *     VfioDevice dev = container.openGroup(12).openDevice("83b8f4f2-509f-382f-3c1e-e6bfe0fa1001");
 *     int ids = dev.config().read32(0);
 *     try (VfioMapping bar0 = dev.region(0).map()) { bar0.segment().get(JAVA_INT, 0x1000); }
 * } // closes device fds, unsets the container, closes the group, then the container
 * }</pre>
 *
 * <p>Handles are not thread-safe: one thread at a time per container (and its groups and devices), except for
 * {@code close()}, which any thread may call at any time: it waits for the calls in flight on the handle's fd, and
 * every call after it (or racing it) throws {@link io.mdevgpu.KernelException} with {@code EBADF} naming the
 * operation, the handle and the fix.
 *
 * <p>It is the {@link OpenDeviceRegistry} of the mdev bus: it knows which devices are open through it, so that
 * {@code MdevBus.remove} refuses those instead of blocking in the kernel until they close.
 */
public final class Vfio implements OpenDeviceRegistry {
    private final VfioKernel kernel;
    /** Device name -> how many fds of it are open through this Vfio (the kernel allows several). */
    private final ConcurrentMap<String, Integer> openDevices = new ConcurrentHashMap<>();

    public Vfio(VfioKernel kernel) {
        this.kernel = Objects.requireNonNull(kernel, "kernel");
    }

    /** The real kernel, at {@code /dev/vfio} and {@code /sys/kernel/iommu_groups}. */
    public static Vfio linux() {
        return new Vfio(new LinuxVfioKernel());
    }

    public VfioKernel kernel() {
        return kernel;
    }

    /**
     * Opens {@code /dev/vfio/vfio}: checks {@code VFIO_GET_API_VERSION} is {@code VFIO_API_VERSION} and that the
     * kernel offers the type1 v2 IOMMU (set when the first group joins).
     */
    public VfioContainer openContainer() {
        return VfioContainer.open(this);
    }

    /**
     * Opens a container, IOMMU group {@code group} in it and the device {@code name} (an mdev's UUID, a PCI
     * address): closing the device closes the whole chain, in the kernel's order.
     */
    public VfioDevice openDevice(int group, String name) {
        VfioContainer container = openContainer();
        try {
            VfioDevice device = container.openGroup(group).openDevice(name);
            device.closeContainerWithDevice();
            return device;
        } catch (RuntimeException e) {
            try {
                container.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Whether a device fd of mdev instance {@code uuid} is open through this Vfio; does not block. */
    @Override
    public boolean isOpen(UUID uuid) {
        return openDevices.containsKey(uuid.toString());
    }

    /** Whether a device fd named {@code device} (a VF's PCI address, an mdev's UUID) is open through this Vfio. */
    public boolean isOpen(String device) {
        return openDevices.containsKey(device);
    }

    void opened(String device) {
        openDevices.merge(device, 1, Integer::sum);
    }

    void closed(String device) {
        openDevices.computeIfPresent(device, (name, fds) -> fds == 1 ? null : fds - 1);
    }

    @Override
    public String toString() {
        return "Vfio[" + kernel + "]";
    }
}
