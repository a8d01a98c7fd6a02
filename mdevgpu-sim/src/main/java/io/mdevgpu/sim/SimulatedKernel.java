package io.mdevgpu.sim;

import java.lang.ref.Cleaner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

import io.mdevgpu.MdevException;
import io.mdevgpu.MdevType;
import io.mdevgpu.PciAddress;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.KernelPorts;
import io.mdevgpu.kernel.abi.nvrm.NvrmAbi;
import io.mdevgpu.kernel.mdev.LinuxMdevBus;
import io.mdevgpu.kernel.mdev.MdevBus;
import io.mdevgpu.kernel.mdev.MdevInstanceInfo;
import io.mdevgpu.kernel.mdev.OpenDeviceRegistry;
import io.mdevgpu.kernel.pci.LinuxPciDiscovery;
import io.mdevgpu.kernel.nvvf.NvidiaVfPort;
import io.mdevgpu.kernel.pci.PciDiscovery;
import io.mdevgpu.kernel.pci.SriovPort;
import io.mdevgpu.kernel.sysfs.AttributeWriter;
import io.mdevgpu.kernel.sysfs.SysfsLayout;
import io.mdevgpu.sim.SysfsTreeWriter;
import io.mdevgpu.kernel.vfio.LinuxVfioKernel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated GPU host beneath the same {@link KernelPorts} as the real one. It materialises the host as a tree:
 * <pre>
 * sys/devices/pci.../&lt;gpu&gt;/...      every GPU as sysfs shows it (SysfsTreeWriter), bound to nvidia
 * sys/class/mdev_bus, sys/bus/mdev    parents, types and instances, once the driver publishes types
 * sys/kernel/iommu_groups/N           the GPUs' groups and one per instance
 * dev/nvidiactl, dev/nvidia&lt;i&gt;        the driver's nodes, for the GPUs bound to nvidia (i in address order)
 * dev/vfio/vfio, dev/vfio/N           VFIO's nodes
 * proc/driver/nvidia/version          the driver's version file (the spec's text)
 * etc/mdevctl.d/scripts.d/{callouts,notifiers}   so that mdevctl accepts the tree
 * run/mdevgpu-sim/kernel.state        a host kept in a directory: the kernel's state, shared by every process
 * run/mdevgpu-sim/inventory           and the inventory it was made from, as resolved ({@code KeptInventory})
 * </pre>
 * and answers on it with the real readers ({@link LinuxPciDiscovery}, {@link LinuxMdevBus}) over the simulated mdev
 * core's writes, the {@link SimNvidiaDriver} of the spec's release and the {@link SimVfioKernel}. An instance's
 * VFIO device has BAR0 (16 MiB), BAR1 (the type's BAR1), BAR3 (32 MiB), each a memfd region with mmap, the CONFIG
 * region served by the guest config space the {@link GuestConfigFactory} builds for the type the driver holds,
 * and INTx and MSI (one vector each) on eventfds.
 *
 * <p>One lock serialises the three seams, so concurrent creates and removes behave as the kernel's do (of two
 * creates of one UUID, exactly one wins); a remove of an instance whose device is open waits, without the lock, until
 * the device closes, as the kernel blocks it. {@link Faults} count and fail their calls. {@link #close()} closes what
 * callers left open, releases the instances' memory and deletes a temporary tree; a kernel never closed has its temporary
 * tree deleted once it is unreachable (a {@link Cleaner}).
 *
 * <p>A host whose spec names a root is kept there: the first kernel made on an empty directory builds the tree, and
 * every later one, in this process or another, opens the same host again ({@link SimKernelStore}): the driver's type
 * tables, the published types, the instances (each with its VFIO device, made anew in each process) and which
 * kernels hold an instance's device open. Calls that read or change that state take the directory's lock and
 * reload what another kernel wrote, so kernels in several processes behave as one kernel. RM clients, handles and
 * the devices' memory stay each process's own, as the real driver frees clients with their fd.
 */
public final class SimulatedKernel implements KernelPorts {
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedKernel.class);
    private static final String NVIDIA = "nvidia";
    private static final Cleaner CLEANER = Cleaner.create();

    private final SimulatedHostSpec spec;
    private final Faults faults;
    private final Object lock = new Object();
    private final Path root;
    private final boolean temporary;
    private final SysfsLayout layout;
    private final SysfsTreeWriter writer;
    private final LinuxPciDiscovery pci;
    private final SimVfioKernel vfio;
    private final SimNvidiaDriver nvidia;
    private final SimMdevCore mdev;
    private final SimSriov sriov;
    private final SimKernelStore store;
    /** Deletes a temporary tree on close, or once this kernel is unreachable if it is never closed. */
    private final Cleaner.Cleanable treeRemover;
    private boolean closed;

    /** The host {@code spec} describes, building guests' config spaces with {@code configs}, failing nothing. */
    public SimulatedKernel(SimulatedHostSpec spec, GuestConfigFactory configs) {
        this(spec, configs, new Faults());
    }

    /** As {@link #SimulatedKernel(SimulatedHostSpec, GuestConfigFactory)}, counting and failing calls with {@code faults}. */
    public SimulatedKernel(SimulatedHostSpec spec, GuestConfigFactory configs, Faults faults) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.faults = Objects.requireNonNull(faults, "faults");
        Objects.requireNonNull(configs, "configs");
        this.temporary = spec.root().isEmpty();
        this.root = spec.root().map(r -> r.toAbsolutePath().normalize()).orElseGet(SimHostRoot::temporaryRoot);
        this.layout = SysfsLayout.under(root);
        this.writer = new SysfsTreeWriter(layout);
        boolean reopened = false;
        try {
            if (!temporary) SimHostRoot.refuseForeign(root);
            this.store = temporary ? SimKernelStore.NONE : new SimKernelStore(root);
            this.pci = new LinuxPciDiscovery(layout);
            this.vfio = new SimVfioKernel(layout.dev(), faults, lock)
                    .iommuGroupSource(new LinuxVfioKernel(layout.dev(), layout.sys()));
            this.nvidia = new SimNvidiaDriver(spec.driverVersion(), layout.dev().toString(), versionFile().toString(),
                    faults, lock).procText(spec.versionFileText());
            this.mdev = new SimMdevCore(lock, faults, layout, writer, vfio, configs,
                    NvrmAbi.forRelease(spec.release()).limits(), spec.gpus());
            this.sriov = new SimSriov(lock, faults, layout, writer, vfio, configs, NvrmAbi.forRelease(spec.release()).limits(),
                    spec.release().major() >= SimSriov.FIRST_VENDOR_VFIO_MAJOR, spec.gpus(), nvidia::typeTables);
            nvidia.sriov(sriov); // the heterogeneous vGPU mode is an RM control over the SR-IOV GPU's state
            // an SR-IOV GPU in vendor-VFIO mode has no mdev bus: its VFs offer what the driver registers
            nvidia.publisher((gpu, types) -> {
                if (sriov.isVendorVfio(gpu.address())) sriov.typesChanged(gpu.address());
                else mdev.publish(gpu.address(), types);
            });
            synchronized (lock) {
                store.enter(); // a host kept in a directory: made once, by whichever process comes first
                try {
                    reopened = store.exists();
                    if (reopened) {
                        checkSameHost(store.read());
                        registerGpus();
                    } else {
                        if (store.creationInterrupted()) SimHostRoot.clearInterruptedCreation(root);
                        SimHostRoot.requireEmpty(root);
                        store.beginTreeChange();
                        materialise();
                    }
                    // a temporary host's store is the shared NONE, which must not hold (and keep reachable) this kernel
                    if (!temporary) {
                        store.bind(this::capture, this::restore, state -> {
                            mdev.shared.repair(state);
                            sriov.shared.repair(state.sriov());
                        });
                    }
                    nvidia.store(store);
                    vfio.store(store);
                    mdev.store(store);
                    sriov.store(store);
                    if (reopened) {
                        store.reload(); // the driver's tables and the mdev core's instances, as left
                        // what mdevctl and others wrote in the tree meanwhile, which the kernel would have acted on
                        new LeftWrites(writer).watch("a type's create", mdev::createFiles, mdev)
                                .watch("an instance's remove", mdev::removeFiles, mdev).apply();
                    }
                } finally {
                    store.exit();
                }
            }
        } catch (RuntimeException e) {
            if (temporary) SimHostRoot.deleteTree(root);
            throw e;
        }
        this.treeRemover = temporary ? CLEANER.register(this, new SimHostRoot.TreeRemover(root)) : null;
        LOG.info("simulated host at {}{}: NVIDIA driver {}, {} GPU(s)", root, reopened ? " (opened again)" : "",
                spec.driverVersion(), spec.gpus().size());
    }

    /** What a reopened host's state must say: the same driver and GPUs this spec describes. */
    private void checkSameHost(SimKernelState state) {
        String host = SimKernelState.hostOf(spec);
        if (!state.host().equals(host)) {
            throw new ValidationException("simulated host root", root.toString(),
                    "a directory holding this host or none; it holds another simulated host (" + state.host()
                            + "), not " + host + ": open it with the inventory it was made from, or use an empty directory");
        }
    }

    /**
     * Keeps {@code text} as the file {@code name} beside the state of a host kept in a directory (nothing for a
     * temporary host), under the host's lock.
     */
    void keep(String name, String text) {
        synchronized (lock) {
            store.enter();
            try {
                store.keep(name, text);
            } finally {
                store.exit();
            }
        }
    }

    private SimKernelState capture() {
        return new SimKernelState(SimKernelState.hostOf(spec), nvidia.typeTables(), mdev.published(),
                mdev.shared.instanceRecords(), vfio.holders(), sriov.shared.records());
    }

    private void restore(SimKernelState state) {
        checkSameHost(state);
        nvidia.restoreTypeTables(state.tables());
        vfio.restoreHolders(state.holders()); // first: the mdev core finishes removes nobody holds back any more
        mdev.shared.restore(state);
        sriov.shared.restore(state.sriov());
    }

    private void materialise() {
        for (Path dir : List.of(layout.mdevParents(), layout.mdevDevices(), layout.sys().resolve("kernel/iommu_groups"),
                mdevctlRoot().resolve("scripts.d/callouts"), mdevctlRoot().resolve("scripts.d/notifiers"))) {
            writer.directory(dir);
        }
        writer.file(layout.vfioContainer(), "");
        writer.file(layout.dev().resolve("nvidiactl"), "");
        writer.file(versionFile(), spec.versionFileText());
        for (SimulatedGpu gpu : spec.gpus()) writer.pciDevice(gpu.device());
        sriov.materialise();
        int minor = 0;
        for (SimulatedGpu gpu : nvidiaGpus()) writer.file(deviceNode(minor++), "");
        registerGpus();
    }

    /** The GPUs the driver probes: those bound to it, in address order; GPU i is /dev/nvidia&lt;i&gt;. */
    private List<SimulatedGpu> nvidiaGpus() {
        return spec.gpus().stream().filter(g -> g.device().driver().equals(Optional.of(NVIDIA))).toList();
    }

    /** The driver's view of its GPUs (in memory: the tree has them already when the host is opened again). */
    private void registerGpus() {
        int minor = 0;
        for (SimulatedGpu gpu : nvidiaGpus()) {
            int gpuId = SimNvidiaGpu.idOf(gpu.device().address());
            nvidia.gpu(new SimNvidiaGpu(gpuId, gpu.device().address(), gpu.device().id(), gpu.device().revision(),
                    minor, minor, gpu.mode().code()));
            nvidia.card(gpuId, SimNvidiaCard.of(gpu.device(), 0)); // PciDevice has no irq: the card says 0
            minor++;
        }
    }

    private Path deviceNode(int minor) {
        return layout.dev().resolve("nvidia" + minor);
    }

    private Path versionFile() {
        return root.resolve("proc/driver/nvidia/version");
    }

    // ---- the ports ----

    /**
     * What listens to the kernel's {@code MDEV_STATE=registered} uevent, sent when a GPU first registers as an mdev
     * parent (its types just published): on a host with mdevctl, its udev rule starts the parent's {@code auto}
     * definitions then, in the middle of whatever published the types. Called in the publishing thread; it may create
     * instances. One listener; none by default.
     */
    public SimulatedKernel onParentRegistered(Consumer<PciAddress> listener) {
        mdev.onParentRegistered(listener);
        return this;
    }

    @Override
    public SysfsLayout layout() {
        return layout;
    }

    @Override
    public PciDiscovery pci() {
        return pci;
    }

    @Override
    public MdevBus mdev(OpenDeviceRegistry openDevices) {
        return new LinuxMdevBus(layout, openDevices, mdev);
    }

    @Override
    public SimVfioKernel vfio() {
        return vfio;
    }

    @Override
    public SimNvidiaDriver nvidia() {
        return nvidia;
    }

    @Override
    public String nvidiaDevDirectory() {
        return layout.dev().toString();
    }

    @Override
    public String nvidiaVersionFile() {
        return versionFile().toString();
    }

    /** The GPUs' SR-IOV files; {@link SriovPort#NONE} on a host whose GPUs have no SR-IOV capability. */
    @Override
    public SriovPort sriov() {
        return sriov.any() ? sriov : SriovPort.NONE;
    }

    /** The VFs' {@code nvidia/} files; {@link NvidiaVfPort#NONE} on a host whose GPUs have no SR-IOV capability. */
    @Override
    public NvidiaVfPort nvidiaVf() {
        return sriov.any() ? sriov.nvidiaVf() : NvidiaVfPort.NONE;
    }

    @Override
    public Path mdevctlRoot() {
        return root.resolve("etc/mdevctl.d");
    }

    // ---- the simulation ----

    /** Where the tree is: {@code sys}, {@code dev}, {@code proc}, {@code etc/mdevctl.d} below it. */
    public Path root() {
        return root;
    }

    public SimulatedHostSpec spec() {
        return spec;
    }

    public Faults faults() {
        return faults;
    }

    /** The simulated mdev core's writer, which {@link #mdev} hands to {@link LinuxMdevBus}. */
    public AttributeWriter attributeWriter() {
        return mdev;
    }

    /** Each GPU's vGPU types as the driver holds them now (registered, published or not), by address. */
    public Map<PciAddress, List<MdevType>> typeTables() {
        synchronized (lock) {
            store.sync();
            return nvidia.typeTables();
        }
    }

    /**
     * The heterogeneous vGPU mode the simulated driver holds for SR-IOV GPU {@code pf} (empty for a GPU not in
     * vendor-VFIO mode), read without an RM call: for tests, uncounted by {@link Faults}.
     */
    public Optional<Boolean> heterogeneousMode(PciAddress pf) {
        return sriov.locked(() -> sriov.vfTypes.heterogeneous(pf));
    }

    /** The types each registered parent last published to the mdev bus, by address. */
    public Map<PciAddress, List<MdevType>> publishedTypes() {
        synchronized (lock) {
            store.sync();
            return mdev.published();
        }
    }

    /**
     * The mdev instances that exist, by UUID order: also one whose remove waits for its open device to close, which
     * the bus no longer lists.
     */
    public List<MdevInstanceInfo> instances() {
        synchronized (lock) {
            store.sync();
            return mdev.instances();
        }
    }

    /** The VFIO device of instance {@code uuid} (to raise its interrupts: {@code fire(index, vector)}). */
    public Optional<SimVfioKernel.Device> instanceDevice(UUID uuid) {
        return mdev.device(uuid);
    }

    /** Marks the GPU at {@code address} as going away (creates on it fail with ENODEV) or back. */
    public void parentGoingAway(PciAddress address, boolean goingAway) {
        mdev.goingAway(address, goingAway);
    }

    /** Takes {@code /dev/nvidia<minor>} away (opening it fails with ENOENT) or puts it back, in the tree too. */
    public void deviceNode(int minor, boolean present) {
        synchronized (lock) {
            nvidia.deviceNode(minor, present);
            if (present) writer.file(deviceNode(minor), "");
            else writer.removeFile(deviceNode(minor));
        }
    }

    /** What callers hold open now; see {@link SimLeaks}. */
    public SimLeaks leaks() {
        synchronized (lock) {
            return new SimLeaks(vfio.openFds(), vfio.liveMappings(), vfio.boundEventfds(), vfio.memfds(),
                    nvidia.openPaths().size(), nvidia.clients().size(), nvidia.liveHandles().size(),
                    nvidia.attachedGpuIds().size());
        }
    }

    /** Closes what callers left open, releases the instances' memory and deletes a temporary tree. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) return;
            closed = true;
            mdev.close(); // before the devices close, so that a waiting remove leaves the tree alone
            vfio.close();
            nvidia.close();
            try {
                store.saveNow(); // the devices this process held are closed: other processes' removes go on
            } catch (MdevException e) {
                LOG.warn("could not write the simulated host's state at {} on close: {}", root, e.getMessage());
            }
        }
        if (treeRemover != null) treeRemover.clean();
        LOG.info("simulated host at {} closed", root);
    }

    @Override
    public String toString() {
        return spec + " at " + root + (closed ? " (closed)" : "");
    }
}
