package io.mdevgpu.core.host;

import io.mdevgpu.Definitions;
import io.mdevgpu.Errno;
import io.mdevgpu.HostStateException;
import io.mdevgpu.KernelException;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.ParentDevice;
import io.mdevgpu.PciAddress;
import io.mdevgpu.ValidationException;
import io.mdevgpu.VgpuBackend;
import io.mdevgpu.core.interop.MdevctlStore;
import io.mdevgpu.core.interop.VfDefinition;
import io.mdevgpu.core.interop.VfDefinitionStore;
import io.mdevgpu.core.interop.VfInventory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The host's persistent definitions of both backends: mdevctl's files ({@link MdevctlStore}) started and stopped
 * through the mdev bus as {@code mdevctl start} and {@code stop} do, and on SR-IOV GPUs mdevgpu's VF definitions
 * ({@link VfDefinitionStore}, {@link VfDefinitions}) started through {@link VfLifecycle}. A UUID is defined in one
 * store only: a define holds both stores' locks, the mdev store's first, then the VF store's (every path that takes
 * both takes them in this order, so two defines never wait on each other), while it looks at the other store and
 * writes its file.
 */
public final class EngineDefinitions implements Definitions {
    private static final Logger LOG = LoggerFactory.getLogger(EngineDefinitions.class);

    private final EngineHost host;
    private final MdevctlStore store;
    private final VfDefinitions vfs;

    EngineDefinitions(EngineHost host, MdevctlStore store, VfDefinitionStore vfStore) {
        this.host = host;
        this.store = store;
        this.vfs = new VfDefinitions(host, vfStore);
    }

    /** The mdev definitions' files beneath. */
    public MdevctlStore store() {
        return store;
    }

    /** The VF definitions' files beneath. */
    public VfDefinitionStore vfStore() {
        return vfs.store();
    }

    VfDefinitions vfs() {
        return vfs;
    }

    EngineHost host() {
        return host;
    }

    @Override
    public List<Definition> list() {
        List<Definition> all = new ArrayList<>(store.list());
        vfStore().list().forEach(d -> all.add(VfDefinitions.toApi(d)));
        all.sort(MdevctlStore.ORDER);
        return List.copyOf(all);
    }

    @Override
    public Optional<Definition> get(UUID uuid) {
        Optional<VfDefinition> vf = vfDefinition(uuid);
        return vf.isPresent() ? vf.map(VfDefinitions::toApi) : store.get(uuid);
    }

    @Override
    public Optional<Definition> get(UUID uuid, PciAddress parent) {
        return store.get(uuid, parent).or(() -> vfStore().get(uuid).filter(d -> d.pf().equals(parent)).map(VfDefinitions::toApi));
    }

    /** The VF definition of {@code uuid}; refused when mdevctl's store defines the UUID too (by hand). */
    private Optional<VfDefinition> vfDefinition(UUID uuid) {
        Optional<VfDefinition> vf = vfStore().get(uuid);
        if (vf.isPresent()) {
            List<Definition> mdev = store.list().stream().filter(d -> d.uuid().equals(uuid)).toList();
            if (!mdev.isEmpty()) {
                throw new HostStateException("find definition", uuid.toString(), "the UUID is defined in both stores: "
                        + "as a VF vGPU in " + vfStore().file(vf.get().pf(), uuid) + " and as an mdev in "
                        + String.join(", ", mdev.stream().map(d -> store.file(d.parent(), uuid).toString()).toList()),
                        "undefine one (mdevgpu undefine UUID --parent GPU) or delete its file", null);
            }
        }
        return vf;
    }

    @Override
    public Definition define(Request request) {
        Optional<EngineParentDevice> gpu = host.gpus().stream().filter(g -> g.address().equals(request.parent()))
                .map(g -> (EngineParentDevice) g).findFirst();
        Optional<VgpuBackend.SriovVfio> sriov = gpu.flatMap(g -> host.vfBackends().sriovOf(g, false));
        if (sriov.isPresent()) {
            VfDefinition d = vfs.resolve(gpu.get(), sriov.get(), request);
            return bothLocked(() -> {
                refuseDefined(store.list().stream().filter(m -> m.uuid().equals(d.uuid())).findFirst()
                        .map(m -> "as mdev " + m.typeId() + " on " + m.parent() + " (" + store.file(m.parent(), d.uuid()) + ")"),
                        d.uuid(), d.pf());
                return VfDefinitions.toApi(vfStore().put(d, false));
            });
        }
        if (request.virtualFunction().isPresent() || request.owner().isPresent()) {
            throw new ValidationException("definition on GPU " + request.parent(), request.toString(), "no VF and no owner: "
                    + "the GPU is no SR-IOV vGPU host (" + gpu.map(ParentDevice::backend).map(Object::toString)
                    .orElse("not on this host") + ") and mdevctl's format keeps neither");
        }
        Definition d = new Definition(request.uuid(), request.parent(), request.typeId(), request.autoStart(), List.of());
        return bothLocked(() -> {
            refuseDefined(vfStore().get(d.uuid()).map(v -> "as VF vGPU nvidia-" + v.typeId() + " on " + v.pf() + " ("
                    + vfStore().file(v.pf(), v.uuid()) + ")"), d.uuid(), d.parent());
            return store.put(d, false);
        });
    }

    /** Both stores' locks, in the fixed order: the mdev store's, then the VF store's. */
    private <T> T bothLocked(Supplier<T> change) {
        return store.locked(() -> vfStore().locked(change));
    }

    private static void refuseDefined(Optional<String> elsewhere, UUID uuid, PciAddress parent) {
        if (elsewhere.isPresent()) {
            throw KernelException.of("define vGPU", uuid + " on " + parent, Errno.EEXIST, "UUID " + uuid
                    + " is defined already " + elsewhere.get() + "; undefine it first or pick another UUID");
        }
    }

    @Override
    public void undefine(UUID uuid) {
        if (vfDefinition(uuid).isPresent()) vfStore().remove(uuid);
        else store.remove(uuid);
    }

    @Override
    public void undefine(UUID uuid, PciAddress parent) {
        if (vfStore().get(uuid).filter(d -> d.pf().equals(parent)).isPresent()) vfStore().remove(uuid);
        else store.remove(uuid, parent);
    }

    @Override
    public MdevInstance start(UUID uuid) {
        Optional<VfDefinition> vf = vfDefinition(uuid);
        if (vf.isPresent()) return vfs.start(vf.get());
        return start(uuid, get(uuid), store.root());
    }

    @Override
    public MdevInstance start(UUID uuid, PciAddress parent) {
        Optional<VfDefinition> vf = vfStore().get(uuid).filter(d -> d.pf().equals(parent));
        if (vf.isPresent()) return vfs.start(vf.get());
        return start(uuid, get(uuid, parent), store.root().resolve(parent.toString()));
    }

    private MdevInstance start(UUID uuid, Optional<Definition> found, Path where) {
        Definition d = found.orElseThrow(() -> KernelException.of("start mdev", uuid.toString(), Errno.ENOENT,
                "no definition of this UUID under " + where + "; define it first"));
        return start(d);
    }

    /** Starts {@code d}, of either kind. */
    MdevInstance start(Definition d) {
        if (d.sriov().isPresent()) return vfs.start(VfDefinitions.fromApi(d));
        if (!d.attrs().isEmpty()) {
            LOG.warn("mdev {} defines attributes {}; mdevgpu does not write mdev attributes (NVIDIA's types have none)",
                    d.uuid(), d.attrs());
        }
        return host.gpu(d.parent().toString()).create(d.typeId(), d.uuid());
    }

    @Override
    public void stop(UUID uuid) {
        host.instance(uuid).ifPresent(MdevInstance::remove);
    }

    @Override
    public List<StartResult> startAll() {
        host.requireOpen();
        return new StartAll(this).run();
    }

    /**
     * The host's vGPUs on SR-IOV virtual functions, active and defined, for {@link VfInventory#json}: each VF holding
     * a type (its UUID from the owner record, its owner from the definition of that UUID), then each VF definition no
     * VF holds.
     */
    public List<VfInventory.Entry> vfInventory() {
        return VfInventories.entries(this);
    }

    @Override
    public String toString() {
        return "definitions in " + store.root() + " and " + vfStore().root();
    }
}
