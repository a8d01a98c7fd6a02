package io.mdevgpu.kernel;

import java.nio.file.Path;

import io.mdevgpu.HostSpec;
import io.mdevgpu.kernel.mdev.LinuxMdevBus;
import io.mdevgpu.kernel.mdev.MdevBus;
import io.mdevgpu.kernel.mdev.OpenDeviceRegistry;
import io.mdevgpu.kernel.nvvf.LinuxNvidiaVf;
import io.mdevgpu.kernel.nvvf.NvidiaVfPort;
import io.mdevgpu.kernel.nvrm.LinuxRmTransport;
import io.mdevgpu.kernel.nvrm.RmTransport;
import io.mdevgpu.kernel.pci.LinuxPciDiscovery;
import io.mdevgpu.kernel.pci.LinuxSriov;
import io.mdevgpu.kernel.pci.PciDiscovery;
import io.mdevgpu.kernel.pci.SriovPort;
import io.mdevgpu.kernel.sysfs.AttributeWriter;
import io.mdevgpu.kernel.sysfs.SysfsLayout;
import io.mdevgpu.kernel.vfio.LinuxVfioKernel;
import io.mdevgpu.kernel.vfio.VfioKernel;

/**
 * Every port of the kernel seam, for one host: what the engine (io.mdevgpu.core) talks to. The real Linux host
 * ({@link #linux}) and the simulated kernel ({@code io.mdevgpu.sim}) both provide one, so everything above
 * runs the same code on both.
 */
public interface KernelPorts extends AutoCloseable {
    /** Where sysfs and /dev are (the real ones, a fake tree, or the simulated host's materialised tree). */
    SysfsLayout layout();

    /** Display-class PCI devices. */
    PciDiscovery pci();

    /** The mdev bus; removing an instance consults {@code openDevices} first. */
    MdevBus mdev(OpenDeviceRegistry openDevices);

    /**
     * The PCI functions' SR-IOV files ({@code sriov_numvfs}, {@code virtfnN}, {@code physfn}); {@link SriovPort#NONE}
     * for ports that have none.
     */
    default SriovPort sriov() {
        return SriovPort.NONE;
    }

    /**
     * The {@code nvidia/} files of the VFs of GPUs in NVIDIA's vendor-VFIO vGPU mode; {@link NvidiaVfPort#NONE} for
     * ports that have none.
     */
    default NvidiaVfPort nvidiaVf() {
        return NvidiaVfPort.NONE;
    }

    /** The VFIO system calls beneath {@link io.mdevgpu.kernel.vfio.Vfio}. */
    VfioKernel vfio();

    /** The NVIDIA RM ioctl transport ({@code /dev/nvidiactl}, {@code /dev/nvidiaN}, {@code /proc/driver/nvidia}). */
    RmTransport nvidia();

    /** The NVIDIA device directory to hand to the RM client ({@code /dev}). */
    String nvidiaDevDirectory();

    /** The driver's version file ({@code /proc/driver/nvidia/version}). */
    String nvidiaVersionFile();

    /** Where persistent mdev definitions live ({@code /etc/mdevctl.d}). */
    Path mdevctlRoot();

    /**
     * Where persistent vGPUs of SR-IOV GPUs live ({@code /etc/mdevgpu/vf.d}, docs/vf-definitions.md): beside
     * {@link #mdevctlRoot()}, so a host tree or a simulated host keeps both under its {@code etc/}.
     */
    default Path vfDefinitionsRoot() {
        return mdevctlRoot().resolveSibling("mdevgpu").resolve("vf.d");
    }

    /** Releases what the ports hold (a simulated kernel's memfds and temporary tree); the real one holds nothing. */
    @Override
    void close();

    /** The real kernel beneath {@code spec}'s roots. */
    static KernelPorts linux(HostSpec spec) {
        if (spec.isSimulated()) {
            throw new IllegalArgumentException(spec + " is simulated: open it through the simulated kernel");
        }
        SysfsLayout layout = new SysfsLayout(spec.sysfsRoot(), spec.devRoot());
        return new KernelPorts() {
            private final PciDiscovery pci = new LinuxPciDiscovery(layout);
            private final VfioKernel vfio = new LinuxVfioKernel(spec.devRoot(), spec.sysfsRoot());
            private final RmTransport nvidia = new LinuxRmTransport();
            private final NvidiaVfPort nvidiaVf = new LinuxNvidiaVf(layout, AttributeWriter.LINUX);
            private final SriovPort sriov = new LinuxSriov(layout, AttributeWriter.LINUX);

            @Override public SysfsLayout layout() { return layout; }
            @Override public PciDiscovery pci() { return pci; }
            @Override public MdevBus mdev(OpenDeviceRegistry openDevices) {
                return new LinuxMdevBus(layout, openDevices, AttributeWriter.LINUX, spec.procRoot(),
                        LinuxMdevBus.DEFAULT_REMOVE_TIMEOUT);
            }
            @Override public VfioKernel vfio() { return vfio; }
            @Override public RmTransport nvidia() { return nvidia; }
            @Override public NvidiaVfPort nvidiaVf() { return nvidiaVf; }
            @Override public SriovPort sriov() { return sriov; }
            @Override public String nvidiaDevDirectory() { return spec.devRoot().toString(); }
            @Override public String nvidiaVersionFile() { return spec.procRoot().resolve("driver/nvidia/version").toString(); }
            @Override public Path mdevctlRoot() { return spec.mdevctlRoot(); }
            @Override public void close() { }
            @Override public String toString() { return "Linux kernel at " + spec; }
        };
    }
}
