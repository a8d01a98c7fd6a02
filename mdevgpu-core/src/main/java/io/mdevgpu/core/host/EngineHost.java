package io.mdevgpu.core.host;

import io.mdevgpu.DriverInfo;
import io.mdevgpu.Errno;
import io.mdevgpu.HostSpec;
import io.mdevgpu.KernelException;
import io.mdevgpu.MdevHost;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.ParentDevice;
import io.mdevgpu.PciAddress;
import io.mdevgpu.Plan;
import io.mdevgpu.ValidationException;
import io.mdevgpu.core.config.ConfigLoader;
import io.mdevgpu.core.config.MdevConfig;
import io.mdevgpu.core.interop.MdevctlStore;
import io.mdevgpu.core.interop.VfDefinitionStore;
import io.mdevgpu.core.inventory.HostInventory;
import io.mdevgpu.kernel.KernelPorts;
import io.mdevgpu.kernel.vfio.Vfio;
import io.mdevgpu.kernel.abi.nvrm.NvrmRelease;
import io.mdevgpu.kernel.mdev.MdevBus;
import io.mdevgpu.kernel.nvrm.RmClient;
import io.mdevgpu.kernel.pci.PciDevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engine's {@link MdevHost}: the API over one host's {@link KernelPorts}, the real Linux ones or a simulated
 * kernel's, with exactly the same code above them. Reading (GPUs, types, instances, plans) goes through the ports
 * each time it is asked; only {@link Plan#apply()}, {@link ParentDevice#create}, {@link MdevInstance#remove()} and
 * the {@link #definitions() definitions} change the host. Closing it closes the VFIO devices opened through it
 * and, for a simulated host, the simulated kernel.
 */
public final class EngineHost implements MdevHost {
    private static final Logger LOG = LoggerFactory.getLogger(EngineHost.class);
    /** The Vfio of each real sysfs root that open hosts share, with how many hosts use it; guarded by itself. */
    private static final Map<Path, SharedVfio> REAL_VFIO = new HashMap<>();

    private record SharedVfio(Vfio vfio, int hosts) {
    }

    private final HostSpec spec;
    private final KernelPorts ports;
    private final boolean ownsPorts;
    private final GpuFacts facts;
    /** Opens instances' devices and is the mdev bus's registry of them (a remove of an open one is refused). */
    private final Vfio vfio;
    private final MdevBus bus;
    private final EngineDefinitions definitions;
    private final VfOwners vfOwners;
    private final VfBackends vfBackends = new VfBackends(this);
    private final VfLifecycle vfLifecycle = new VfLifecycle(this);
    private final SriovControl sriovControl = new SriovControl(this);
    private final Set<EngineVfioDevice> open = ConcurrentHashMap.newKeySet();
    /** The key of the shared Vfio this host holds in {@link #REAL_VFIO} (a real host), released on close; or null. */
    private final Path sharedVfioRoot;
    private volatile boolean closed;

    private EngineHost(HostSpec spec, KernelPorts ports, boolean ownsPorts, GpuFacts facts, Vfio vfio, Path sharedVfioRoot) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.ports = Objects.requireNonNull(ports, "ports");
        this.ownsPorts = ownsPorts;
        this.facts = facts;
        this.vfio = vfio;
        this.sharedVfioRoot = sharedVfioRoot;
        this.bus = ports.mdev(vfio);
        this.definitions = new EngineDefinitions(this, new MdevctlStore(ports.mdevctlRoot()),
                new VfDefinitionStore(ports.vfDefinitionsRoot()));
        this.vfOwners = new VfOwners(ports.layout().sys());
    }

    /**
     * The host beneath {@code ports}, which it then owns (closing the host closes them). {@code inventory} is the
     * simulated host's (product names and framebuffers come from it); empty for a real host, where the driver's
     * files and the catalogue give them.
     */
    public static EngineHost over(HostSpec spec, KernelPorts ports, Optional<HostInventory> inventory) {
        GpuFacts facts = inventory.map(GpuFacts::of)
                .orElseGet(() -> GpuFacts.ofDriver(ports.nvidia(), ports.nvidiaVersionFile()));
        if (inventory.isPresent()) return new EngineHost(spec, ports, true, facts, new Vfio(ports.vfio()), null);
        // two MdevHosts of one real machine must see each other's open devices: one Vfio per sysfs root, kept while
        // a host of that root is open (a daemon opening and closing hosts does not accumulate them)
        Path root = spec.sysfsRoot().toAbsolutePath().normalize();
        synchronized (REAL_VFIO) {
            SharedVfio shared = REAL_VFIO.get(root);
            Vfio vfio = shared == null ? new Vfio(ports.vfio()) : shared.vfio();
            REAL_VFIO.put(root, new SharedVfio(vfio, shared == null ? 1 : shared.hosts() + 1));
            return new EngineHost(spec, ports, true, facts, vfio, root);
        }
    }

    /** How many sysfs roots have a Vfio shared by open hosts (for tests: none once every host is closed). */
    static int sharedVfioRoots() {
        synchronized (REAL_VFIO) {
            return REAL_VFIO.size();
        }
    }

    private static void releaseSharedVfio(Path root) {
        synchronized (REAL_VFIO) {
            SharedVfio shared = REAL_VFIO.get(root);
            if (shared == null) return;
            if (shared.hosts() == 1) REAL_VFIO.remove(root);
            else REAL_VFIO.put(root, new SharedVfio(shared.vfio(), shared.hosts() - 1));
        }
    }

    /** The kernel ports beneath: a {@code SimulatedKernel} for a simulated host (its faults, type tables, leaks). */
    public KernelPorts kernel() {
        return ports;
    }

    @Override
    public HostSpec spec() {
        return spec;
    }

    @Override
    public Optional<DriverInfo> driver() {
        return release().map(r -> new DriverInfo("nvidia", r.version(), r.abi().family(), r.abi().limits()));
    }

    /**
     * The running driver's release from its version file; empty when no NVIDIA driver is loaded.
     *
     * @throws io.mdevgpu.PermissionDeniedException the version file is there but this process may not read it
     */
    Optional<NvrmRelease> release() {
        Optional<String> text = ports.nvidia().readText(ports.nvidiaVersionFile());
        if (text.isEmpty()) return Optional.empty();
        try {
            return Optional.of(NvrmRelease.fromProcVersion(text.get()));
        } catch (ValidationException e) {
            LOG.warn("{} names no driver version: {}", ports.nvidiaVersionFile(), e.getMessage());
            return Optional.empty();
        }
    }

    /** Every GPU; an SR-IOV virtual function, display-class too, is part of its GPU and no GPU of its own. */
    @Override
    public List<ParentDevice> gpus() {
        List<ParentDevice> gpus = new ArrayList<>();
        for (PciDevice d : ports.pci().displayDevices()) {
            if (!vfBackends.isVirtualFunction(d)) gpus.add(parent(d));
        }
        return List.copyOf(gpus);
    }

    EngineParentDevice parent(PciDevice device) {
        return new EngineParentDevice(this, device, facts.model(device), facts.framebuffer(device));
    }

    @Override
    public ParentDevice gpu(String address) {
        PciAddress wanted = PciAddress.parse(address);
        List<ParentDevice> gpus = gpus();
        for (ParentDevice g : gpus) {
            if (g.address().equals(wanted)) return g;
        }
        throw KernelException.of("find GPU", wanted.toString(), Errno.ENODEV, gpus.isEmpty()
                ? "this host has no display devices (" + spec + ")"
                : "GPUs on this host: " + String.join(", ", gpus.stream().map(g -> g.address() + " " + g.model()).toList()));
    }

    /** The mdev instances, then the vGPUs on SR-IOV GPUs' virtual functions. */
    @Override
    public List<MdevInstance> instances() {
        List<MdevInstance> all = new ArrayList<>();
        for (var i : bus.instances()) all.add(new EngineInstance(this, i));
        all.addAll(vfBackends.vgpus(gpus().stream().map(g -> (EngineParentDevice) g).toList()));
        return List.copyOf(all);
    }

    @Override
    public Optional<MdevInstance> instance(UUID uuid) {
        Optional<MdevInstance> mdev = bus.instance(uuid).map(i -> new EngineInstance(this, i));
        if (mdev.isPresent()) return mdev;
        return vfBackends.vgpus(gpus().stream().map(g -> (EngineParentDevice) g).toList()).stream()
                .filter(v -> v.uuid().equals(uuid)).map(v -> (MdevInstance) v).findFirst();
    }

    @Override
    public Plan plan(Path configFile, boolean keepExistingTypes) {
        MdevConfig config = ConfigLoader.load(configFile);
        return plan(keepExistingTypes ? config.withKeep(true) : config);
    }

    /** Plans a configuration already loaded (or made in code); reads the host (see Plan), changes nothing. */
    public Plan plan(MdevConfig config) {
        return Planner.plan(this, config);
    }

    @Override
    public EngineDefinitions definitions() {
        return definitions;
    }

    // ---- for the engine's views ----

    MdevBus bus() {
        return bus;
    }

    Vfio vfio() {
        return vfio;
    }

    /** A client of the host's NVIDIA driver, through the ports. */
    RmClient openRmClient() {
        return RmClient.newBuilder(ports.nvidia()).devDirectory(ports.nvidiaDevDirectory())
                .procVersionPath(ports.nvidiaVersionFile()).open();
    }

    VfOwners vfOwners() {
        return vfOwners;
    }

    VfBackends vfBackends() {
        return vfBackends;
    }

    VfLifecycle vfLifecycle() {
        return vfLifecycle;
    }

    SriovControl sriovControl() {
        return sriovControl;
    }

    /** The API's device over {@code kernelDevice}, counted open by this host until it is closed. */
    EngineVfioDevice track(io.mdevgpu.kernel.vfio.VfioDevice kernelDevice) {
        EngineVfioDevice[] self = new EngineVfioDevice[1];
        self[0] = new EngineVfioDevice(kernelDevice, () -> closed(self[0]));
        open.add(self[0]);
        return self[0];
    }

    void closed(EngineVfioDevice device) {
        open.remove(device);
    }

    void requireOpen() {
        if (closed) throw KernelException.of("use", spec.toString(), Errno.EBADF, "the host was closed: open it again (MdevHost.open)");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        List<RuntimeException> failures = new ArrayList<>();
        for (EngineVfioDevice d : List.copyOf(open)) {
            try {
                d.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (sharedVfioRoot != null) releaseSharedVfio(sharedVfioRoot);
        if (ownsPorts) {
            try {
                ports.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.getFirst();
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    @Override
    public String toString() {
        return spec + (closed ? " (closed)" : "");
    }
}
