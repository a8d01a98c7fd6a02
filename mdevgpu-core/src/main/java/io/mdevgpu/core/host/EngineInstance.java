package io.mdevgpu.core.host;

import io.mdevgpu.HostStateException;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.PciAddress;
import io.mdevgpu.VfioDevice;
import io.mdevgpu.core.interop.LibvirtXml;
import io.mdevgpu.core.interop.QemuArgs;
import io.mdevgpu.kernel.mdev.MdevInstanceInfo;

import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;

/** An mdev instance of an {@link EngineHost}: a snapshot of {@code /sys/bus/mdev/devices/<uuid>}. */
final class EngineInstance implements MdevInstance {
    private final EngineHost host;
    private final MdevInstanceInfo info;

    EngineInstance(EngineHost host, MdevInstanceInfo info) {
        this.host = host;
        this.info = info;
    }

    @Override public UUID uuid() { return info.uuid(); }
    @Override public PciAddress parent() { return PciAddress.parse(info.parent()); }
    @Override public String typeId() { return info.typeId(); }
    @Override public int iommuGroup() { return info.iommuGroup().orElse(-1); }

    @Override
    public String nodeDeviceXml() {
        return LibvirtXml.mdevNodeDevice(uuid(), parent(), typeId(), info.iommuGroup());
    }

    @Override
    public String hostdevXml() {
        return LibvirtXml.hostdev(uuid());
    }

    /**
     * {@code -device vfio-pci,sysfsdev=<sysfs root>/bus/mdev/devices/<uuid>}: the instance under this host's root,
     * the real path on a real host (see {@link io.mdevgpu.Vgpu#qemuArgs()}).
     */
    @Override
    public List<String> qemuArgs() {
        return QemuArgs.mdevVgpu(host.kernel().layout().mdevDevice(uuid()));
    }

    /**
     * Opens container, IOMMU group and device (the kernel's order and checks, {@link Vfio#openDevice}); the instance
     * counts as open in this process from before the first call until the device is closed, so that a remove racing
     * the open is refused rather than left to block.
     */
    @Override
    public VfioDevice open() {
        host.requireOpen();
        OptionalInt group = info.iommuGroup().isPresent() ? info.iommuGroup()
                : host.bus().instance(uuid()).map(MdevInstanceInfo::iommuGroup).orElse(OptionalInt.empty());
        if (group.isEmpty()) {
            throw new HostStateException("open mdev", uuid().toString(), "the instance has no IOMMU group",
                    "load vfio_mdev / nvidia-vgpu-vfio and create the instance again; an mdev gets its group when "
                            + "the vendor driver binds it", null);
        }
        io.mdevgpu.kernel.vfio.VfioDevice kernelDevice = host.vfio().openDevice(group.getAsInt(), uuid().toString());
        return host.track(kernelDevice);
    }

    @Override
    public void remove() {
        host.requireOpen();
        host.bus().remove(uuid());
    }

    /** Like {@code mdevctl list}: {@code <uuid> 0000:65:00.0 nvidia-531 iommu_group=7}. */
    @Override
    public String toString() {
        return info.toString();
    }
}
