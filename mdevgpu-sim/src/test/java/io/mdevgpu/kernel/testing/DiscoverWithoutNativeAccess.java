package io.mdevgpu.kernel.testing;

import java.nio.file.Path;
import java.util.UUID;

import io.mdevgpu.NativeAccessException;
import io.mdevgpu.kernel.mdev.LinuxMdevBus;
import io.mdevgpu.kernel.mdev.OpenDeviceRegistry;
import io.mdevgpu.kernel.pci.LinuxPciDiscovery;
import io.mdevgpu.kernel.sys.Syscalls;
import io.mdevgpu.kernel.sysfs.SysfsLayout;

/** Run in a JVM that denies native access: discovery must work, a create must name the flag. */
public final class DiscoverWithoutNativeAccess {
    public static void main(String[] args) {
        SysfsLayout layout = SysfsLayout.under(Path.of(args[0]));
        System.out.println("native access: " + Syscalls.nativeAccessEnabled());
        System.out.println("gpu: " + new LinuxPciDiscovery(layout).displayDevices().getFirst());
        LinuxMdevBus bus = new LinuxMdevBus(layout, OpenDeviceRegistry.NONE);
        System.out.println("parent: " + bus.parents().getFirst());
        System.out.println("instance: " + bus.instances().getFirst());
        try {
            bus.create(FakeHost.H100, FakeHost.Q4, UUID.randomUUID());
            System.out.println("create: done");
        } catch (NativeAccessException e) {
            System.out.println("create: " + e.flag());
        }
    }
}
