package io.mdevgpu.core.host;

import io.mdevgpu.HostStateException;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.PciAddress;
import io.mdevgpu.VfioDevice;
import io.mdevgpu.core.interop.LibvirtXml;
import io.mdevgpu.core.interop.QemuArgs;
import io.mdevgpu.kernel.pci.PciDevice;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * A vGPU on an SR-IOV GPU's virtual function (NVIDIA's vendor-specific VFIO): a snapshot of the VF's
 * {@code current_vgpu_type} and its owner record. The VM gets the VF itself, through the VF's own VFIO device.
 */
final class EngineVfVgpu implements MdevInstance {
    private final EngineHost host;
    private final PciAddress gpu;
    private final PciAddress vf;
    private final int typeNumber;
    private final UUID uuid;
    private final int iommuGroup;

    EngineVfVgpu(EngineHost host, PciAddress gpu, PciAddress vf, int typeNumber, UUID uuid, int iommuGroup) {
        this.host = host;
        this.gpu = gpu;
        this.vf = vf;
        this.typeNumber = typeNumber;
        this.uuid = uuid;
        this.iommuGroup = iommuGroup;
    }

    @Override public UUID uuid() { return uuid; }
    @Override public PciAddress parent() { return gpu; }
    @Override public String typeId() { return "nvidia-" + typeNumber; }
    @Override public int iommuGroup() { return iommuGroup; }
    @Override public Optional<PciAddress> virtualFunction() { return Optional.of(vf); }

    int typeNumber() {
        return typeNumber;
    }

    /** The VF's PCI node device, as libvirt shows it ({@code pci_0000_65_00_4}). */
    @Override
    public String nodeDeviceXml() {
        PciDevice d = host.kernel().pci().device(vf);
        return LibvirtXml.parentNodeDevice(vf, d.id(), d.classCode(), d.driver(), d.iommuGroup(), List.of());
    }

    @Override
    public String hostdevXml() {
        return LibvirtXml.pciHostdev(vf);
    }

    /** {@code -uuid <uuid> -device vfio-pci,host=<VF>}. */
    @Override
    public List<String> qemuArgs() {
        return QemuArgs.vfVgpu(uuid, vf);
    }

    /**
     * Opens the VF's VFIO device through its IOMMU group (the nvidia driver's own VFIO device: vfio-pci cannot bind
     * such a VF); the VF counts as open in this process until the device is closed, so that a remove is refused.
     */
    @Override
    public VfioDevice open() {
        host.requireOpen();
        OptionalInt group = host.kernel().pci().device(vf).iommuGroup();
        if (group.isEmpty()) {
            throw new HostStateException("open vGPU", uuid + " on VF " + vf, "the VF has no IOMMU group",
                    "enable the IOMMU (intel_iommu=on or amd_iommu=on) and the VFs again", null);
        }
        io.mdevgpu.kernel.vfio.VfioDevice kernelDevice = host.vfio().openDevice(group.getAsInt(), vf.toString());
        return host.track(kernelDevice);
    }

    @Override
    public void remove() {
        host.requireOpen();
        host.vfLifecycle().remove(gpu, vf, uuid);
    }

    /** {@code <uuid> 0000:65:00.0 nvidia-532 vf=0000:65:00.4 iommu_group=41}. */
    @Override
    public String toString() {
        return uuid + " " + gpu + " " + typeId() + " vf=" + vf + " iommu_group=" + (iommuGroup < 0 ? "none" : iommuGroup);
    }
}
