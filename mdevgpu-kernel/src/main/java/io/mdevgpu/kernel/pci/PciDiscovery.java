package io.mdevgpu.kernel.pci;

import java.util.List;

import io.mdevgpu.HostStateException;
import io.mdevgpu.KernelException;
import io.mdevgpu.NoSuchDeviceException;
import io.mdevgpu.PciAddress;

/**
 * The port for finding PCI devices. {@link LinuxPciDiscovery} reads sysfs; the simulated kernel answers the
 * same calls for a simulated host. Reading needs no native access.
 */
public interface PciDiscovery {
    /**
     * Every display controller (class 0x03xxxx) on the host, sorted by address. A device whose {@code class}
     * cannot be read is skipped with a warning (it cannot be told apart from a non-display device); a display
     * device with a broken essential attribute fails the call.
     *
     * @throws KernelException    when an essential attribute of a display device cannot be read (the path named)
     * @throws HostStateException when an essential attribute is malformed (the path named)
     */
    List<PciDevice> displayDevices();

    /**
     * The device at {@code address}, display controller or not.
     *
     * @throws NoSuchDeviceException when there is no such device
     * @throws KernelException       when an essential attribute cannot be read
     * @throws HostStateException    when an essential attribute is malformed
     */
    PciDevice device(PciAddress address);
}
