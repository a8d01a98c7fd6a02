package io.mdevgpu.core.host;

import io.mdevgpu.Bar;
import io.mdevgpu.HostStateException;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.MdevType;
import io.mdevgpu.NoSuchDeviceException;
import io.mdevgpu.ParentDevice;
import io.mdevgpu.PciAddress;
import io.mdevgpu.PciId;
import io.mdevgpu.Plan;
import io.mdevgpu.Size;
import io.mdevgpu.SupportedType;
import io.mdevgpu.ValidationException;
import io.mdevgpu.VgpuBackend;
import io.mdevgpu.VirtualFunction;
import io.mdevgpu.kernel.nvvf.NvidiaVfPort;
import io.mdevgpu.core.interop.LibvirtXml;
import io.mdevgpu.kernel.mdev.MdevTypeInfo;
import io.mdevgpu.kernel.pci.PciDevice;
import io.mdevgpu.kernel.pci.PciResource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A GPU of an {@link EngineHost}: its identity is the snapshot sysfs gave when the host was read (so printing does no
 * I/O); {@link #types()} and {@link #instances()} read the mdev bus anew.
 */
final class EngineParentDevice implements ParentDevice {
    private final EngineHost host;
    private final PciDevice device;
    private final String model;
    private final Size framebuffer;

    EngineParentDevice(EngineHost host, PciDevice device, String model, Size framebuffer) {
        this.host = host;
        this.device = device;
        this.model = model;
        this.framebuffer = framebuffer;
    }

    PciDevice device() {
        return device;
    }

    @Override public PciAddress address() { return device.address(); }
    @Override public PciId id() { return device.id(); }
    @Override public int classCode() { return device.classCode(); }
    @Override public int revision() { return device.revision(); }
    @Override public Optional<String> driver() { return device.driver(); }
    @Override public String model() { return model; }
    @Override public Size framebuffer() { return framebuffer; }
    @Override public byte[] config() { return device.config(); }

    @Override
    public List<Bar> bars() {
        return device.bars().stream().map(PciResource::toBar).toList();
    }

    @Override
    public VgpuBackend backend() {
        return host.vfBackends().backend(this);
    }

    /**
     * The mdev bus's types; on an SR-IOV GPU the types its free VFs can take now ({@code creatable_vgpu_types}), each
     * with the number of free VFs that take it.
     */
    @Override
    public List<SupportedType> types() {
        Optional<VgpuBackend.SriovVfio> sriov = host.vfBackends().sriovOf(this, false);
        if (sriov.isEmpty()) return typeInfos().stream().map(EngineParentDevice::supported).toList();
        Map<Integer, String> names = new LinkedHashMap<>();
        Map<Integer, Integer> freeVfs = new LinkedHashMap<>();
        for (VirtualFunction vf : sriov.get().vfs()) {
            if (!vf.isFree() || !host.kernel().nvidiaVf().isVgpuCapable(vf.address())) continue;
            for (NvidiaVfPort.CreatableType t : host.kernel().nvidiaVf().creatableTypes(vf.address())) {
                names.putIfAbsent(t.id(), t.name());
                freeVfs.merge(t.id(), 1, Integer::sum);
            }
        }
        List<SupportedType> out = new ArrayList<>();
        names.forEach((id, name) -> out.add(new SupportedType("nvidia-" + id, name, "", "vfio-pci", freeVfs.get(id))));
        return List.copyOf(out);
    }

    /** The mdev bus's types of this GPU; none while it is no mdev parent (no types published yet). */
    List<MdevTypeInfo> typeInfos() {
        try {
            return host.bus().parent(address()).types();
        } catch (NoSuchDeviceException e) {
            return List.of();
        }
    }

    static SupportedType supported(MdevTypeInfo t) {
        return new SupportedType(t.id(), t.name().orElse(""), t.description().orElse(""), t.deviceApi(),
                (int) Math.min(t.availableInstances(), Integer.MAX_VALUE));
    }

    @Override
    public List<MdevInstance> instances() {
        return host.instances().stream().filter(i -> i.parent().equals(address())).toList();
    }

    @Override
    public String nodeDeviceXml() {
        return LibvirtXml.parentNodeDevice(address(), id(), classCode(), driver(), device.iommuGroup(), types());
    }

    @Override
    public Plan plan(List<MdevType> types) {
        return Planner.plan(host, this, types);
    }

    @Override
    public MdevInstance create(String typeId, UUID uuid) {
        host.requireOpen();
        Optional<VgpuBackend.SriovVfio> sriov = host.vfBackends().sriovOf(this, false);
        if (sriov.isPresent()) return host.vfLifecycle().create(this, sriov.get(), typeId, uuid, Optional.empty());
        return createMdev(MdevType.typeId(typeId), uuid);
    }

    @Override
    public MdevInstance create(String typeId, UUID uuid, PciAddress vf) {
        host.requireOpen();
        VgpuBackend backend = backend();
        if (!(backend instanceof VgpuBackend.SriovVfio sriov)) {
            throw new ValidationException("virtual function", vf.toString(), "GPU " + address() + " has no SR-IOV vGPUs ("
                    + backend + "): create without naming a VF");
        }
        return host.vfLifecycle().create(this, sriov, typeId, uuid, Optional.of(vf));
    }

    @Override
    public void enableVirtualFunctions(int count) {
        host.requireOpen();
        host.sriovControl().enable(address(), count);
    }

    @Override
    public void heterogeneousMode(boolean on) {
        host.requireOpen();
        host.sriovControl().heterogeneous(address(), on);
    }

    private MdevInstance createMdev(String typeId, UUID uuid) {
        host.bus().create(address(), typeId, uuid);
        return host.bus().instance(uuid).map(i -> (MdevInstance) new EngineInstance(host, i))
                .orElseThrow(() -> new HostStateException("create mdev", uuid + " on " + address(),
                        "the kernel took the create but the instance is not on the mdev bus",
                        "list the instances again (mdevgpu list); it may have been removed at once", null));
    }

    /** {@code 0000:65:00.0 NVIDIA A100-SXM4-40GB 10de:20b0 [10de:134f] rev a1, 40960MiB, BAR0 16MiB BAR1 64GiB BAR3 32MiB, driver nvidia}. */
    @Override
    public String toString() {
        return address() + " " + model + " " + id() + String.format(" rev %02x", revision())
                + (framebuffer.isZero() ? ", framebuffer unknown" : ", " + framebuffer)
                + (device.bars().isEmpty() ? "" : ", " + device.bars().stream().map(b -> b.label() + " " + b.size())
                .collect(Collectors.joining(" ")))
                + ", driver " + driver().orElse("none");
    }
}
