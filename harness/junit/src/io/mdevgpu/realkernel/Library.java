package io.mdevgpu.realkernel;

import io.mdevgpu.HostSpec;
import io.mdevgpu.kernel.KernelPorts;
import io.mdevgpu.kernel.mdev.LinuxMdevBus;
import io.mdevgpu.kernel.mdev.MdevBus;
import io.mdevgpu.kernel.mdev.MdevInstanceInfo;
import io.mdevgpu.kernel.pci.PciDiscovery;
import io.mdevgpu.kernel.sysfs.AttributeWriter;
import io.mdevgpu.kernel.sysfs.SysfsLayout;
import io.mdevgpu.kernel.vfio.Vfio;
import io.mdevgpu.kernel.vfio.VfioDevice;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * The library under test, as the guest suite uses it: the kernel ports of the real host, built once per JVM the
 * way the engine builds them ({@link KernelPorts#linux}, a {@link Vfio} over its VFIO kernel that is also the
 * bus's registry of open devices). Every scenario reaches the library through here, so that moving the suite
 * to {@code MdevHost.open()} (the engine over these same ports) changes this class and the calls, not the
 * expectations.
 */
final class Library {
    static final HostSpec HOST = HostSpec.real();
    static final KernelPorts PORTS = KernelPorts.linux(HOST);
    static final SysfsLayout LAYOUT = PORTS.layout();
    static final PciDiscovery PCI = PORTS.pci();
    static final Vfio VFIO = new Vfio(PORTS.vfio());
    static final MdevBus BUS = PORTS.mdev(VFIO);

    private Library() {}

    /** The mdev bus with another remove timeout (the default is the library's 10 s). */
    static MdevBus bus(Duration removeTimeout) {
        return new LinuxMdevBus(LAYOUT, VFIO, AttributeWriter.LINUX, HOST.procRoot(), removeTimeout);
    }

    /** A new instance of {@code type} on {@code parent}, with a random UUID. */
    static UUID create(String parent, String type) {
        UUID uuid = UUID.randomUUID();
        BUS.create(parent, type, uuid);
        return uuid;
    }

    static long available(String parent, String type) {
        return BUS.type(parent, type).availableInstances();
    }

    static int iommuGroup(UUID uuid) {
        MdevInstanceInfo instance = BUS.instance(uuid).orElseThrow(() -> new AssertionError("no instance " + uuid));
        return instance.iommuGroup().orElseThrow(() -> new AssertionError(uuid + " has no IOMMU group"));
    }

    /** Container, group and device of an instance; closing the device closes all three. */
    static VfioDevice open(UUID uuid) {
        return VFIO.openDevice(iommuGroup(uuid), uuid.toString());
    }

    /** {@code /sys/bus/mdev/devices/<uuid>}. */
    static Path sysfs(UUID uuid) {
        return LAYOUT.mdevDevice(uuid);
    }

    /** The release of the running kernel, {@code 6.1.0-56-amd64}. */
    static String kernelRelease() {
        return System.getProperty("os.version");
    }

    /** 6.12's sample drivers differ from 6.1's in their interrupt handling (harness/README.md). */
    static boolean kernelAtLeast(int major, int minor) {
        String[] parts = kernelRelease().split("[.-]");
        int ma = Integer.parseInt(parts[0]), mi = Integer.parseInt(parts[1]);
        return ma > major || ma == major && mi >= minor;
    }
}
