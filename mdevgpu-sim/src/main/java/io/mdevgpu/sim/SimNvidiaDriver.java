package io.mdevgpu.sim;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.mdevgpu.MdevType;
import io.mdevgpu.PciAddress;
import io.mdevgpu.PciId;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.abi.nvrm.NvrmAbi;
import io.mdevgpu.kernel.abi.nvrm.NvrmRelease;
import io.mdevgpu.kernel.abi.nvrm.VirtualizationMode;
import io.mdevgpu.kernel.nvrm.RmTransport;
import io.mdevgpu.kernel.pci.PciDevice;
import io.mdevgpu.kernel.pci.PciResource;
import io.mdevgpu.sim.Faults.Seam;

/**
 * The NVIDIA driver of one release, simulated beneath the {@link RmTransport} port: it reads and writes the RM
 * ioctls' bytes at the offsets of that release's layout table ({@link DriverStructs}, {@link DriverVgpuTypes}), as
 * the real driver would, never through the client's layouts or codecs, so that a client's encoding mistake is
 * answered instead of mirrored; and it keeps real state.
 *
 * <ul>
 * <li>Device nodes: {@code <dev>/nvidiactl} and {@code <dev>/nvidia<minor>} per GPU (one can be made missing:
 * ENOENT). RM escapes go to {@code nvidiactl}; {@code _IOC_SIZE} must be the release's struct size (EINVAL).
 * <li>The version handshake: strict (exact), relaxed (to the first dot), and command '2', which answers the
 * driver's version from 535 and is a silent override before. {@link #readText} serves the version file
 * ({@link #procText(String)}) and the other files set with {@link #file(String, String)}.
 * <li>{@code NV_ESC_CARD_INFO}: per GPU its address, ids, gpu id and minor, and the irq and register and framebuffer
 * windows set with {@link #card(int, SimNvidiaCard)} (zero otherwise).
 * <li>Clients and handle trees: any number of root clients, each new one (the caller naming none) taking the next
 * handle from {@link #firstClient(int)} on ({@code 0xc1d00001}, ...), as a real driver's count up across a boot;
 * each is owned by the {@code nvidiactl} fd that allocated it and freed with that fd; freeing an object frees its
 * children; an unknown client is {@code NV_ERR_INVALID_CLIENT}, an unknown object
 * {@code NV_ERR_INVALID_OBJECT_HANDLE}, a taken handle {@code NV_ERR_INSERT_DUPLICATE_NAME}. A device object needs its GPU attached through the same fd and its
 * {@code /dev/nvidiaN} held open ({@code NV_ERR_INSUFFICIENT_PERMISSIONS}), as observed on a real 580 driver.
 * <li>Controls: {@code paramsSize} must be the command's struct size in this release ({@code NV_ERR_INVALID_ARGUMENT},
 * as a real 580 driver answered a 256-byte probed-ids control; a command without params sent with some is
 * {@code NV_ERR_INVALID_PARAM_STRUCT}); a command sent to an object of another class, or one this release lacks, is
 * {@code NV_ERR_NOT_SUPPORTED}. Every control received is recorded ({@link #controls()}).
 * <li>vGPU types, per GPU, with the rules below; {@code MDEV_REGISTER} ({@code UPDATE_PGPU_INFO} from 550.40)
 * hands the GPU's table to the {@link Publisher} (the simulated mdev bus).
 * </ul>
 *
 * <p>{@code VGPU_CONFIG_SET_INFO}, in this order: a GPU whose virtualization mode is not HOST refuses it, and
 * {@code MDEV_REGISTER}, with {@code NV_ERR_NOT_SUPPORTED}; with {@code discardVgpuTypes} set the GPU's table is
 * cleared <em>first</em>; then the type is checked: number 0, a name or class without its NUL, or more instances than
 * the release's per-GPU limit is {@code NV_ERR_INVALID_ARGUMENT}, a new number in a full table (the release's type
 * limit) {@code NV_ERR_INSUFFICIENT_RESOURCES}; a number the table has already is kept as it is, not updated (as
 * nvidia-rm.md says later drivers do). So {@code SET_INFO} with discard and type 0 empties a table and answers
 * {@code NV_ERR_INVALID_ARGUMENT}: that is how rolling back restores an empty table. That the discard happens
 * before the check, and the statuses of a refused mode and a full table, are this simulation's choice and
 * <strong>unverified against a real driver</strong>.
 *
 * <p>Every call passes the {@link Faults} first as an {@link RmCall} (a control as its {@link RmControl}); its text is {@code "OPEN <path>"},
 * {@code "CLOSE <path>"}, {@code "READ <path>"}, {@code "VERSION <cmd>"}, {@code "CARD_INFO"},
 * {@code "ALLOC <class> 0x<handle>"}, {@code "CONTROL <command>"}, {@code "FREE 0x<handle>"} or
 * {@code "IOCTL 0x<nr>"}. Thread-safe under the simulated kernel's lock.
 *
 * <p>This class holds the configuration and what tests read; the package-private classes beside it hold one concern
 * each: {@code NvidiaNodes} the device nodes and files, {@code NvidiaEscapes} the escapes, {@code NvidiaRmObjects} clients and handle trees,
 * {@code NvidiaControls} the controls, {@code NvidiaVgpuConfig} the vGPU type tables.
 */
public final class SimNvidiaDriver implements RmTransport {
    /** The first root client handle the driver hands out, as the real one does. */
    public static final int FIRST_CLIENT = 0xC1D00001;
    /** {@code NV_ERR_INSERT_DUPLICATE_NAME}: a handle the client already uses. */
    static final int NV_ERR_INSERT_DUPLICATE_NAME = 0x19;

    /** Receives a GPU's type table when the driver publishes it to the mdev core. Called under the kernel's lock. */
    @FunctionalInterface
    public interface Publisher {
        void publish(SimNvidiaGpu gpu, List<MdevType> types);
    }


    // the state is spread over one class per concern (the package-private Nvidia* classes), guarded by this lock
    final Object lock;
    final Faults faults;
    final NvrmRelease release;
    final NvrmAbi abi;
    // the release's layout table, read on the first RM call: reading it costs a cold process some 6 ms, and opening a
    // host to list it makes none
    private DriverStructs structs;
    private Optional<DriverVgpuTypes> vgpuTypes;
    final String ctlPath;
    final String devDirectory;
    final String procVersionPath;
    final List<SimNvidiaGpu> gpus = new ArrayList<>();
    final Map<Integer, SimNvidiaCard> cards = new HashMap<>(); // gpu id -> what CARD_INFO adds
    final Map<Integer, String> fds = new LinkedHashMap<>();
    final Map<Integer, Set<Integer>> attachedBy = new HashMap<>(); // ctl fd -> gpu ids
    final NvidiaRmObjects objects = new NvidiaRmObjects(this);
    final NvidiaControls controls = new NvidiaControls(this);
    final NvidiaVgpuConfig vgpu = new NvidiaVgpuConfig(this);
    private final NvidiaEscapes escapes = new NvidiaEscapes(this);
    private final NvidiaNodes nodes = new NvidiaNodes(this);
    Publisher publisher;
    private DriverHeterogeneousMode heterogeneousMode;
    private SimSriov sriov;
    SimKernelStore store = SimKernelStore.NONE;
    String claimedVersion;

    /** A driver of its own, for the client's tests: nodes in {@code /dev}, its own faults and lock, nobody to publish to. */
    public SimNvidiaDriver(String version) {
        this(version, "/dev", "/proc/driver/nvidia/version", new Faults(), new Object());
    }

    /**
     * The simulated kernel's driver.
     *
     * @param version         the release it is, {@code 550.54.14}
     * @param devDirectory    where its nodes are ({@code <dev>/nvidiactl})
     * @param procVersionPath where its version file is
     */
    public SimNvidiaDriver(String version, String devDirectory, String procVersionPath, Faults faults, Object lock) {
        this.release = NvrmRelease.parse(version);
        this.abi = NvrmAbi.forRelease(release, "simulated NVIDIA driver");
        this.devDirectory = Objects.requireNonNull(devDirectory, "devDirectory");
        this.ctlPath = devDirectory + "/nvidiactl";
        this.procVersionPath = Objects.requireNonNull(procVersionPath, "procVersionPath");
        this.faults = Objects.requireNonNull(faults, "faults");
        this.lock = Objects.requireNonNull(lock, "lock");
        this.claimedVersion = version;
        nodes.procText = procVersionText(version);
    }

    /** What {@code /proc/driver/nvidia/version} of a vGPU host driver of {@code version} says. */
    public static String procVersionText(String version) {
        return "NVRM version: NVIDIA UNIX x86_64 Kernel Module  " + version + "  Release Build  (mdevgpu-sim@localhost)"
                + "  Thu Jan  1 00:00:00 UTC 2026\nGCC version:  gcc version 12.2.0 (Debian 12.2.0-14)\n";
    }

    // ---- configuration ----

    /** Adds a GPU the driver probed. */
    public SimNvidiaDriver gpu(SimNvidiaGpu gpu) {
        synchronized (lock) {
            for (SimNvidiaGpu g : gpus) {
                if (g.gpuId() == gpu.gpuId() || g.minor() == gpu.minor()) {
                    throw new ValidationException("simulated GPU", gpu.toString(), "its own gpu id and minor");
                }
            }
            gpus.add(gpu);
            return this;
        }
    }

    /**
     * What {@code NV_ESC_CARD_INFO} adds for GPU {@code gpuId}: irq and windows.
     *
     * @throws ValidationException when the driver has no such GPU
     */
    public SimNvidiaDriver card(int gpuId, SimNvidiaCard card) {
        Objects.requireNonNull(card, "card");
        synchronized (lock) {
            if (gpu(gpuId) == null) {
                throw new ValidationException("card of the simulated NVIDIA driver", "gpu id 0x" + Integer.toHexString(gpuId),
                        "the gpu id of a GPU added first with gpu(...): " + gpus.stream()
                                .map(g -> "0x" + Integer.toHexString(g.gpuId())).toList());
            }
            cards.put(gpuId, card);
            return this;
        }
    }

    /**
     * The handle the next root client gets when its caller names none; the ones after it count up from there. A
     * real driver counts across its whole boot, every process's clients included, so a host where other clients came
     * first starts higher ({@code 0xc1d0001a} on the H100 of {@code docs/hardware/h100-580.md}); by default
     * {@link #FIRST_CLIENT}.
     *
     * @throws ValidationException for 0, which asks the driver to choose
     */
    public SimNvidiaDriver firstClient(int handle) {
        if (handle == 0) {
            throw new ValidationException("first root client handle", "0x0", "a nonzero handle (0 asks the driver to choose)");
        }
        synchronized (lock) {
            objects.nextClient = handle;
            return this;
        }
    }

    /**
     * A file {@link #readText} serves besides the version file, as the driver's {@code /proc} entries
     * ({@code /proc/driver/nvidia/gpus/<address>/information}); null: it cannot be read.
     */
    public SimNvidiaDriver file(String path, String text) {
        Objects.requireNonNull(path, "path");
        synchronized (lock) {
            if (path.equals(procVersionPath)) {
                throw new ValidationException("file of the simulated NVIDIA driver", path, "another path: the version "
                        + "file's text is set with procText(...)");
            }
            if (text == null) nodes.files.remove(path);
            else nodes.files.put(path, text);
            return this;
        }
    }

    /** Who receives the tables the driver publishes (the simulated mdev bus). */
    public SimNvidiaDriver publisher(Publisher publisher) {
        synchronized (lock) {
            this.publisher = publisher;
            return this;
        }
    }

    /** The SR-IOV GPUs whose heterogeneous vGPU mode the RM controls read and set. */
    SimNvidiaDriver sriov(SimSriov sriov) {
        synchronized (lock) {
            this.sriov = sriov;
            this.heterogeneousMode = null;
            return this;
        }
    }

    /** The escapes' and controls' struct offsets of this release. */
    DriverStructs structs() {
        synchronized (lock) {
            if (structs == null) structs = new DriverStructs(abi);
            return structs;
        }
    }

    /** The vGPU type codec of this release; empty for one whose headers lay out none. */
    Optional<DriverVgpuTypes> driverVgpuTypes() {
        synchronized (lock) {
            if (vgpuTypes == null) vgpuTypes = DriverVgpuTypes.of(structs().table, abi.limits());
            return vgpuTypes;
        }
    }

    /** The heterogeneous-mode controls, over the SR-IOV GPUs {@link #sriov(SimSriov)} gave (none before). */
    DriverHeterogeneousMode heterogeneousMode() {
        synchronized (lock) {
            if (heterogeneousMode == null) heterogeneousMode = new DriverHeterogeneousMode(structs().table, sriov);
            return heterogeneousMode;
        }
    }

    /** What the version file says; null: it cannot be read. */
    public SimNvidiaDriver procText(String text) {
        synchronized (lock) {
            nodes.procText = text;
            return this;
        }
    }

    /** What the driver answers a version QUERY with; its own release unless a test makes it lie. */
    public SimNvidiaDriver claimVersion(String version) {
        synchronized (lock) {
            this.claimedVersion = version;
            return this;
        }
    }

    /** Makes {@code /dev/nvidia<minor>} missing (ENOENT on open) or present again. */
    public SimNvidiaDriver deviceNode(int minor, boolean present) {
        synchronized (lock) {
            if (present) nodes.missingNodes.remove(minor);
            else nodes.missingNodes.add(minor);
            return this;
        }
    }

    // ---- reading the state ----

    public NvrmRelease release() {
        return release;
    }

    public NvrmAbi abi() {
        return abi;
    }

    public Faults faults() {
        return faults;
    }

    public String devDirectory() {
        return devDirectory;
    }

    public String procVersionPath() {
        return procVersionPath;
    }

    public List<SimNvidiaGpu> gpus() {
        synchronized (lock) {
            return List.copyOf(gpus);
        }
    }

    /** Keeps the type tables in {@code store}, shared with the other processes that open the host. */
    SimNvidiaDriver store(SimKernelStore store) {
        synchronized (lock) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }
    }

    /** Every GPU's type table, by address: what the kernel's state keeps of the driver. */
    Map<PciAddress, List<MdevType>> typeTables() {
        synchronized (lock) {
            return vgpu.typeTables();
        }
    }

    /** Puts back the tables another process left ({@link #typeTables()}); a GPU not named has an empty table. */
    void restoreTypeTables(Map<PciAddress, List<MdevType>> saved) {
        synchronized (lock) {
            vgpu.restore(saved);
        }
    }

    /** GPU {@code gpuId}'s vGPU types as the driver holds them, in the order they were first set. */
    public List<MdevType> typeTable(int gpuId) {
        synchronized (lock) {
            LinkedHashMap<Integer, MdevType> table = vgpu.tables.get(gpuId);
            return table == null ? List.of() : List.copyOf(table.values());
        }
    }

    /** How often GPU {@code gpuId}'s table was published ({@code MDEV_REGISTER} / {@code UPDATE_PGPU_INFO}). */
    public int publishCount(int gpuId) {
        synchronized (lock) {
            return vgpu.publishCounts.getOrDefault(gpuId, 0);
        }
    }

    /** The discard flag of every {@code SET_INFO} received, in order. */
    public List<Boolean> discards() {
        synchronized (lock) {
            return List.copyOf(vgpu.discards);
        }
    }

    /** The control commands received (whatever became of them), in order: the last ones; recorded even while {@link Faults} do not record. */
    public List<Integer> controls() {
        synchronized (lock) {
            return controls.received();
        }
    }

    /** How many controls {@code cmd} were received. */
    public int received(int cmd) {
        synchronized (lock) {
            return controls.received(cmd);
        }
    }

    /** The live root clients' handles. */
    public List<Integer> clients() {
        synchronized (lock) {
            return List.copyOf(objects.clients.keySet());
        }
    }

    /** Every live handle of every client, the clients' own included. */
    public List<Integer> liveHandles() {
        synchronized (lock) {
            List<Integer> out = new ArrayList<>();
            for (NvidiaRmObjects.Client c : objects.clients.values()) out.addAll(c.objects.keySet());
            return List.copyOf(out);
        }
    }

    /** GPUs attached through some open {@code nvidiactl} fd. */
    public Set<Integer> attachedGpuIds() {
        synchronized (lock) {
            Set<Integer> out = new HashSet<>();
            attachedBy.values().forEach(out::addAll);
            return Set.copyOf(out);
        }
    }

    /** The paths of the open fds, in the order they were opened. */
    public List<String> openPaths() {
        synchronized (lock) {
            return List.copyOf(fds.values());
        }
    }

    /** The recorded calls to this driver (see {@link Faults}). */
    public List<String> log() {
        return faults.log(Seam.NVIDIA);
    }

    /** The recorded calls whose text starts with {@code prefix}. */
    public List<String> calls(String prefix) {
        return faults.log(Seam.NVIDIA, prefix);
    }

    /** Closes every fd still open, which frees their clients and attachments, as the driver does when a process ends. */
    public void close() {
        synchronized (lock) {
            for (int fd : List.copyOf(fds.keySet())) nodes.release(fd);
        }
    }

    // ---- the port ----

    @Override
    public int open(String path) {
        return nodes.open(path);
    }

    @Override
    public int close(int fd) {
        return nodes.close(fd);
    }

    @Override
    public Optional<String> readText(String path) {
        return nodes.readText(path);
    }

    @Override
    public int ioctl(int fd, int request, MemorySegment arg) {
        synchronized (lock) {
            return escapes.ioctl(fd, request, arg);
        }
    }

    SimNvidiaGpu gpu(int gpuId) {
        for (SimNvidiaGpu g : gpus) if (g.gpuId() == gpuId) return g;
        return null;
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "SimNvidiaDriver[" + release + " (" + abi.family() + "), " + gpus.size() + " GPUs, " + fds.size()
                    + " open fds, " + objects.clients.size() + " clients]";
        }
    }
}
