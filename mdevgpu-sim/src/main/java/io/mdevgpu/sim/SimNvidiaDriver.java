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
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

import io.mdevgpu.Errno;
import io.mdevgpu.MdevType;
import io.mdevgpu.PciAddress;
import io.mdevgpu.PciId;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.abi.nvrm.NvClass;
import io.mdevgpu.kernel.abi.nvrm.NvControl;
import io.mdevgpu.kernel.abi.nvrm.NvEscape;
import io.mdevgpu.kernel.abi.nvrm.NvStatus;
import io.mdevgpu.kernel.abi.nvrm.NvrmAbi;
import io.mdevgpu.kernel.abi.nvrm.NvrmRelease;
import io.mdevgpu.kernel.abi.nvrm.VirtualizationMode;
import io.mdevgpu.kernel.nvrm.RmTransport;
import io.mdevgpu.kernel.pci.PciDevice;
import io.mdevgpu.kernel.pci.PciResource;
import io.mdevgpu.sim.Faults.Failure;
import io.mdevgpu.sim.Faults.Seam;
import io.mdevgpu.kernel.sys.Ioctl;
import io.mdevgpu.kernel.sys.Syscalls;

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
 * windows set with {@link #card(int, Card)} (zero otherwise).
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
 */
public final class SimNvidiaDriver implements RmTransport {
    /** The first root client handle the driver hands out, as the real one does. */
    public static final int FIRST_CLIENT = 0xC1D00001;
    /** {@code NV_ERR_INSERT_DUPLICATE_NAME}: a handle the client already uses. */
    static final int NV_ERR_INSERT_DUPLICATE_NAME = 0x19;
    private static final int EBADF = 9, ENOENT = 2, EINVAL = 22;

    /**
     * A GPU as the driver knows it.
     *
     * @param gpuId          the RM gpu id
     * @param address        where it sits ({@code GET_PCI_INFO}, {@code CARD_INFO})
     * @param id             vendor, device and subsystem ids ({@code BUS_GET_PCI_INFO})
     * @param revision       the revision id
     * @param minor          N of {@code /dev/nvidiaN}
     * @param deviceInstance the device instance an {@code NV01_DEVICE_0} allocation names
     * @param mode           its {@code NV0080_CTRL_GPU_VIRTUALIZATION_MODE_*} ({@link VirtualizationMode})
     */
    public record Gpu(int gpuId, PciAddress address, PciId id, int revision, int minor, int deviceInstance, int mode) {
        public Gpu {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(id, "id");
        }

        /**
         * The gpu id the simulated kernel gives the GPU at {@code address}: {@code domain << 16 | bus << 8 | slot}, as
         * the real driver's (a 580 driver gave 0000:00:06.0 the id 0x6, {@code docs/hardware/h100-580.md}).
         */
        public static int idOf(PciAddress address) {
            return address.domain() << 16 | address.bus() << 8 | address.slot();
        }
    }

    /**
     * What {@code NV_ESC_CARD_INFO} says of a GPU beyond its address, ids, gpu id and minor. The windows are the
     * CPU's physical addresses, as sysfs {@code resource} shows them.
     *
     * @param interruptLine   the irq, as sysfs {@code irq} and the driver's {@code information} file say
     * @param registerBase    the register window's base (BAR0)
     * @param registerSize    its size in bytes
     * @param framebufferBase the framebuffer aperture's base (the second memory BAR: BAR2 after a 64-bit BAR0)
     * @param framebufferSize its size in bytes
     */
    public record Card(int interruptLine, long registerBase, long registerSize, long framebufferBase, long framebufferSize) {
        /** What a GPU no test described answers: zeros. */
        public static final Card NONE = new Card(0, 0, 0, 0, 0);

        public Card {
            if (interruptLine < 0 || interruptLine > 0xFFFF) {
                throw new ValidationException("interrupt line of a simulated card", Integer.toString(interruptLine),
                        "0..65535 (NV_ESC_CARD_INFO carries 16 bits)");
            }
            if (registerSize < 0 || framebufferSize < 0) {
                throw new ValidationException("window sizes of a simulated card", registerSize + ", " + framebufferSize,
                        "sizes of 0 or more bytes");
            }
        }

        /**
         * The windows the driver maps on {@code device}, as the real one does: registers at its first memory BAR, the
         * framebuffer aperture at its second (zero where it has none); {@code interruptLine} as given.
         */
        public static Card of(PciDevice device, int interruptLine) {
            List<PciResource> memory = PciResource.memoryBars(device.resources());
            PciResource registers = memory.isEmpty() ? null : memory.get(0);
            PciResource framebuffer = memory.size() < 2 ? null : memory.get(1);
            return new Card(interruptLine, registers == null ? 0 : registers.start(),
                    registers == null ? 0 : registers.size().bytes(), framebuffer == null ? 0 : framebuffer.start(),
                    framebuffer == null ? 0 : framebuffer.size().bytes());
        }
    }

    /** Receives a GPU's type table when the driver publishes it to the mdev core. Called under the kernel's lock. */
    @FunctionalInterface
    public interface Publisher {
        void publish(Gpu gpu, List<MdevType> types);
    }

    private record Obj(int parent, int hClass, Gpu gpu) {
    }

    private static final class Client {
        final int handle;
        final int fd;
        final Map<Integer, Obj> objects = new LinkedHashMap<>();

        Client(int handle, int fd) {
            this.handle = handle;
            this.fd = fd;
            objects.put(handle, new Obj(0, NvClass.NV01_ROOT_CLIENT, null));
        }
    }

    private final Object lock;
    private final Faults faults;
    private final NvrmRelease release;
    private final NvrmAbi abi;
    private final DriverStructs structs;
    private final Optional<DriverVgpuTypes> vgpuTypes;
    private final String ctlPath;
    private final String devDirectory;
    private final String procVersionPath;
    private final List<Gpu> gpus = new ArrayList<>();
    private final Map<Integer, Card> cards = new HashMap<>(); // gpu id -> what CARD_INFO adds
    private final Map<String, String> files = new HashMap<>(); // path -> text, besides the version file
    private final Set<Integer> missingNodes = new HashSet<>();
    private final Map<Integer, String> fds = new LinkedHashMap<>();
    private final Map<Integer, Set<Integer>> attachedBy = new HashMap<>(); // ctl fd -> gpu ids
    private final Map<Integer, Client> clients = new TreeMap<>();
    private final Map<Integer, LinkedHashMap<Integer, MdevType>> tables = new HashMap<>();
    private final Map<Integer, Integer> publishCounts = new HashMap<>();
    private final List<Boolean> discards = new ArrayList<>();
    private int[] controls = new int[64];
    private int controlCount;
    private Publisher publisher;
    private DriverHeterogeneousMode heterogeneousMode;
    private SimKernelStore store = SimKernelStore.NONE;
    private String procText;
    private String claimedVersion;
    private int nextFd = 100;
    private int nextClient = FIRST_CLIENT;

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
        this.structs = new DriverStructs(abi);
        this.vgpuTypes = DriverVgpuTypes.of(structs.table, abi.limits());
        this.heterogeneousMode = new DriverHeterogeneousMode(structs.table, null);
        this.devDirectory = Objects.requireNonNull(devDirectory, "devDirectory");
        this.ctlPath = devDirectory + "/nvidiactl";
        this.procVersionPath = Objects.requireNonNull(procVersionPath, "procVersionPath");
        this.faults = Objects.requireNonNull(faults, "faults");
        this.lock = Objects.requireNonNull(lock, "lock");
        this.claimedVersion = version;
        this.procText = procVersionText(version);
    }

    /** What {@code /proc/driver/nvidia/version} of a vGPU host driver of {@code version} says. */
    public static String procVersionText(String version) {
        return "NVRM version: NVIDIA UNIX x86_64 Kernel Module  " + version + "  Release Build  (mdevgpu-sim@localhost)"
                + "  Thu Jan  1 00:00:00 UTC 2026\nGCC version:  gcc version 12.2.0 (Debian 12.2.0-14)\n";
    }

    // ---- configuration ----

    /** Adds a GPU the driver probed. */
    public SimNvidiaDriver gpu(Gpu gpu) {
        synchronized (lock) {
            for (Gpu g : gpus) {
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
    public SimNvidiaDriver card(int gpuId, Card card) {
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
            this.nextClient = handle;
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
            if (text == null) files.remove(path);
            else files.put(path, text);
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
            this.heterogeneousMode = new DriverHeterogeneousMode(structs.table, sriov);
            return this;
        }
    }

    /** What the version file says; null: it cannot be read. */
    public SimNvidiaDriver procText(String text) {
        synchronized (lock) {
            this.procText = text;
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
            if (present) missingNodes.remove(minor);
            else missingNodes.add(minor);
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

    public List<Gpu> gpus() {
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
            Map<PciAddress, List<MdevType>> out = new LinkedHashMap<>();
            for (Gpu g : gpus) out.put(g.address(), typeTable(g.gpuId()));
            return out;
        }
    }

    /** Puts back the tables another process left ({@link #typeTables()}); a GPU not named has an empty table. */
    void restoreTypeTables(Map<PciAddress, List<MdevType>> saved) {
        synchronized (lock) {
            tables.clear();
            for (Gpu g : gpus) {
                LinkedHashMap<Integer, MdevType> table = table(g);
                for (MdevType t : saved.getOrDefault(g.address(), List.of())) table.put(t.number(), t);
            }
        }
    }

    /** GPU {@code gpuId}'s vGPU types as the driver holds them, in the order they were first set. */
    public List<MdevType> typeTable(int gpuId) {
        synchronized (lock) {
            LinkedHashMap<Integer, MdevType> table = tables.get(gpuId);
            return table == null ? List.of() : List.copyOf(table.values());
        }
    }

    /** How often GPU {@code gpuId}'s table was published ({@code MDEV_REGISTER} / {@code UPDATE_PGPU_INFO}). */
    public int publishCount(int gpuId) {
        synchronized (lock) {
            return publishCounts.getOrDefault(gpuId, 0);
        }
    }

    /** The discard flag of every {@code SET_INFO} received, in order. */
    public List<Boolean> discards() {
        synchronized (lock) {
            return List.copyOf(discards);
        }
    }

    /** The control commands received (whatever became of them), in order: the last ones; recorded even while {@link Faults} do not record. */
    public List<Integer> controls() {
        synchronized (lock) {
            List<Integer> out = new ArrayList<>(controlCount);
            for (int i = 0; i < controlCount; i++) out.add(controls[i]);
            return List.copyOf(out);
        }
    }

    /** How many controls {@code cmd} were received. */
    public int received(int cmd) {
        synchronized (lock) {
            int n = 0;
            for (int i = 0; i < controlCount; i++) if (controls[i] == cmd) n++;
            return n;
        }
    }

    /** The live root clients' handles. */
    public List<Integer> clients() {
        synchronized (lock) {
            return List.copyOf(clients.keySet());
        }
    }

    /** Every live handle of every client, the clients' own included. */
    public List<Integer> liveHandles() {
        synchronized (lock) {
            List<Integer> out = new ArrayList<>();
            for (Client c : clients.values()) out.addAll(c.objects.keySet());
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
            for (int fd : List.copyOf(fds.keySet())) release(fd);
        }
    }

    // ---- the port ----

    @Override
    public int open(String path) {
        Failure f = faults.enter(RmCall.OPEN, faults.wantsText() ? "OPEN " + path : null);
        if (f != null) return -f.errnoOrEio();
        synchronized (lock) {
            boolean known = path.equals(ctlPath) || gpus.stream().anyMatch(g -> !missingNodes.contains(g.minor())
                    && path.equals(devDirectory + "/nvidia" + g.minor()));
            if (!known) return -ENOENT;
            int fd = nextFd++;
            fds.put(fd, path);
            return fd;
        }
    }

    @Override
    public int close(int fd) {
        String path;
        synchronized (lock) {
            path = fds.get(fd);
        }
        Failure f = faults.enter(RmCall.CLOSE, faults.wantsText() ? "CLOSE " + (path == null ? "fd " + fd : path) : null);
        synchronized (lock) {
            if (!fds.containsKey(fd)) return -EBADF;
            release(fd); // Linux releases the fd even when close reports an error
            return f == null ? 0 : -f.errnoOrEio();
        }
    }

    /** What the driver does when an fd's last reference goes: its clients are freed, its GPUs detached. */
    private void release(int fd) {
        fds.remove(fd);
        clients.values().removeIf(c -> c.fd == fd);
        attachedBy.remove(fd);
    }

    @Override
    public Optional<String> readText(String path) {
        Failure f = faults.enter(RmCall.READ, faults.wantsText() ? "READ " + path : null);
        synchronized (lock) {
            if (f != null && (Errno.EACCES.equals(f.errno()) || Errno.EPERM.equals(f.errno()))) {
                throw RmTransport.readRefused(path, f.errno(), null);
            }
            if (f != null) return Optional.empty();
            return Optional.ofNullable(path.equals(procVersionPath) ? procText : files.get(path));
        }
    }

    @Override
    public int ioctl(int fd, int request, MemorySegment arg) {
        synchronized (lock) {
            int size = Ioctl.size(request);
            int nr = Ioctl.nr(request);
            boolean sized = Ioctl.type(request) == NvEscape.NV_IOCTL_MAGIC && arg.byteSize() >= size && switch (nr) {
                case NvEscape.NV_ESC_CHECK_VERSION_STR -> size == structs.versionSize;
                case NvEscape.NV_ESC_CARD_INFO -> size > 0 && size % structs.cardSize == 0;
                case NvEscape.NV_ESC_RM_ALLOC -> size == structs.allocSize;
                case NvEscape.NV_ESC_RM_CONTROL -> size == structs.controlSize;
                case NvEscape.NV_ESC_RM_FREE -> size == structs.freeSize;
                default -> false;
            };
            boolean control = nr == NvEscape.NV_ESC_RM_CONTROL && sized;
            int cmd = control ? (int) structs.controlCmd.get(arg, 0) : 0;
            if (control) record(cmd);
            Failure f = faults.enter(control ? RmControl.of(cmd) : RmCall.ofEscape(nr, sized),
                    faults.wantsText() ? describe(nr, sized, arg) : null);
            if (!ctlPath.equals(fds.get(fd))) return fds.containsKey(fd) ? -EINVAL : -EBADF;
            if (!sized) return -EINVAL;
            if (f != null && (!f.isStatus() || !carriesStatus(nr))) return -f.errnoOrEio();
            return switch (nr) {
                case NvEscape.NV_ESC_CHECK_VERSION_STR -> version(arg);
                case NvEscape.NV_ESC_CARD_INFO -> cardInfo(arg, size);
                case NvEscape.NV_ESC_RM_ALLOC -> {
                    structs.allocStatus.put(arg, 0, f != null ? f.nvStatus() : alloc(fd, arg));
                    yield 0;
                }
                case NvEscape.NV_ESC_RM_CONTROL -> {
                    if (f != null) {
                        structs.controlStatus.put(arg, 0, f.nvStatus());
                        yield 0;
                    }
                    store.enter(); // the type tables are the host's, shared with other processes
                    try {
                        structs.controlStatus.put(arg, 0, control(fd, arg));
                    } finally {
                        store.exit();
                    }
                    yield 0;
                }
                default -> {
                    structs.freeStatus.put(arg, 0, f != null ? f.nvStatus() : free(arg));
                    yield 0;
                }
            };
        }
    }

    private static boolean carriesStatus(int nr) {
        return nr == NvEscape.NV_ESC_RM_ALLOC || nr == NvEscape.NV_ESC_RM_CONTROL || nr == NvEscape.NV_ESC_RM_FREE;
    }

    /** Keeps the last controls: a long-lived host drops the older half when {@link Faults#DEFAULT_RECORDING} are held. */
    private void record(int cmd) {
        if (controlCount == Faults.DEFAULT_RECORDING) {
            System.arraycopy(controls, controlCount / 2, controls, 0, controlCount - controlCount / 2);
            controlCount -= controlCount / 2;
        }
        if (controlCount == controls.length) controls = java.util.Arrays.copyOf(controls, Math.min(controlCount * 2, Faults.DEFAULT_RECORDING));
        controls[controlCount++] = cmd;
    }

    private String describe(int nr, boolean sized, MemorySegment arg) {
        if (!sized) return "IOCTL 0x" + Integer.toHexString(nr);
        return switch (nr) {
            case NvEscape.NV_ESC_CHECK_VERSION_STR -> {
                int cmd = (int) structs.versionCmd.get(arg, 0);
                yield "VERSION " + (cmd == NvEscape.NV_RM_API_VERSION_CMD_STRICT ? "strict" : String.valueOf((char) cmd));
            }
            case NvEscape.NV_ESC_CARD_INFO -> "CARD_INFO";
            case NvEscape.NV_ESC_RM_ALLOC -> "ALLOC " + NvClass.name((int) structs.allocClass.get(arg, 0)) + " 0x"
                    + Long.toHexString(structs.allocNew.get(arg, 0));
            case NvEscape.NV_ESC_RM_CONTROL -> "CONTROL " + NvControl.name((int) structs.controlCmd.get(arg, 0));
            default -> "FREE 0x" + Long.toHexString(structs.freeOld.get(arg, 0));
        };
    }

    private int version(MemorySegment v) {
        int cmd = (int) structs.versionCmd.get(v, 0);
        structs.versionReply.put(v, 0, NvEscape.NV_RM_API_VERSION_REPLY_RECOGNIZED);
        if (cmd == NvEscape.NV_RM_API_VERSION_CMD_QUERY) {
            if (abi.versionQuery()) structs.versionString.putString(v, 0, claimedVersion);
            return 0; // before 535: "override", nothing written
        }
        String client = structs.versionString.getString(v, 0);
        String mine = release.version();
        boolean match = cmd == NvEscape.NV_RM_API_VERSION_CMD_RELAXED
                ? client.split("\\.", 2)[0].equals(mine.split("\\.", 2)[0]) : client.equals(mine);
        if (match) return 0;
        structs.versionReply.put(v, 0, NvEscape.NV_RM_API_VERSION_REPLY_UNRECOGNIZED);
        structs.versionString.putString(v, 0, mine);
        return -EINVAL;
    }

    private int cardInfo(MemorySegment arg, int size) {
        DriverStructs s = structs;
        long slots = size / s.cardSize;
        arg.asSlice(0, size).fill((byte) 0);
        for (int i = 0; i < gpus.size() && i < slots; i++) {
            Gpu g = gpus.get(i);
            long card = i * s.cardSize, pci = card + s.cardPci.offset();
            s.cardValid.put(arg, card, 1);
            s.pciDomain.put(arg, pci, g.address().domain());
            s.pciBus.put(arg, pci, g.address().bus());
            s.pciSlot.put(arg, pci, g.address().slot());
            s.pciVendor.put(arg, pci, g.id().vendor());
            s.pciDevice.put(arg, pci, g.id().device());
            s.cardGpuId.put(arg, card, g.gpuId());
            s.cardMinor.put(arg, card, g.minor());
            Card extra = cards.getOrDefault(g.gpuId(), Card.NONE);
            s.cardIrq.put(arg, card, extra.interruptLine());
            s.cardRegAddress.put(arg, card, extra.registerBase());
            s.cardRegSize.put(arg, card, extra.registerSize());
            s.cardFbAddress.put(arg, card, extra.framebufferBase());
            s.cardFbSize.put(arg, card, extra.framebufferSize());
        }
        return 0;
    }

    // ---- RM objects ----

    private int alloc(int fd, MemorySegment a) {
        DriverStructs s = structs;
        int hClass = (int) s.allocClass.get(a, 0), parent = (int) s.allocParent.get(a, 0), handle = (int) s.allocNew.get(a, 0);
        OptionalLong expected = abi.allocParamsSize(hClass);
        if (expected.isEmpty()) return NvStatus.NV_ERR_INVALID_CLASS;
        if (s.allocParamsSize.isPresent() && s.allocParamsSize.get().get(a, 0) != expected.getAsLong()) {
            return NvStatus.NV_ERR_INVALID_ARGUMENT;
        }
        if (hClass == NvClass.NV01_ROOT || hClass == NvClass.NV01_ROOT_CLIENT) {
            int h = handle != 0 ? handle : nextClient++;
            if (clients.containsKey(h)) return NV_ERR_INSERT_DUPLICATE_NAME;
            clients.put(h, new Client(h, fd));
            s.allocNew.put(a, 0, h);
            return NvStatus.NV_OK;
        }
        Client client = clients.get((int) s.allocRoot.get(a, 0));
        if (client == null) return NvStatus.NV_ERR_INVALID_CLIENT;
        if (handle == 0 || client.objects.containsKey(handle)) return NV_ERR_INSERT_DUPLICATE_NAME;
        Obj up = client.objects.get(parent);
        if (up == null) return NvStatus.NV_ERR_INVALID_OBJECT_PARENT;
        if (expected.getAsLong() > 0 && DriverStructs.isNull(s.allocParams, a)) return NvStatus.NV_ERR_INVALID_ARGUMENT;
        Gpu gpu;
        switch (hClass) {
            case NvClass.NV01_DEVICE_0 -> {
                if (up.hClass() != NvClass.NV01_ROOT_CLIENT) return NvStatus.NV_ERR_INVALID_OBJECT_PARENT;
                int instance = (int) s.deviceId.get(DriverStructs.pointee(s.allocParams, a, expected.getAsLong()), 0);
                Set<Integer> attached = attachedBy.getOrDefault(fd, Set.of());
                gpu = gpus.stream().filter(g -> g.deviceInstance() == instance && attached.contains(g.gpuId()))
                        .findFirst().orElse(null);
                if (gpu == null) return NvStatus.NV_ERR_INVALID_ARGUMENT;
                if (!fds.containsValue(devDirectory + "/nvidia" + gpu.minor())) return NvStatus.NV_ERR_INSUFFICIENT_PERMISSIONS;
            }
            case NvClass.NV20_SUBDEVICE_0 -> {
                if (up.hClass() != NvClass.NV01_DEVICE_0) return NvStatus.NV_ERR_INVALID_OBJECT_PARENT;
                gpu = up.gpu();
            }
            case NvClass.NVA081_VGPU_CONFIG -> {
                if (up.hClass() != NvClass.NV20_SUBDEVICE_0) return NvStatus.NV_ERR_INVALID_OBJECT_PARENT;
                gpu = up.gpu();
            }
            default -> {
                return NvStatus.NV_ERR_INVALID_CLASS;
            }
        }
        client.objects.put(handle, new Obj(parent, hClass, gpu));
        return NvStatus.NV_OK;
    }

    private int free(MemorySegment a) {
        Client client = clients.get((int) structs.freeRoot.get(a, 0));
        if (client == null) return NvStatus.NV_ERR_INVALID_CLIENT;
        int handle = (int) structs.freeOld.get(a, 0);
        if (handle == client.handle) {
            clients.remove(handle);
            return NvStatus.NV_OK;
        }
        Obj o = client.objects.get(handle);
        if (o == null || o.parent() != (int) structs.freeParent.get(a, 0)) return NvStatus.NV_ERR_INVALID_OBJECT_HANDLE;
        removeTree(client, handle);
        return NvStatus.NV_OK;
    }

    private static void removeTree(Client client, int handle) {
        for (var e : List.copyOf(client.objects.entrySet())) {
            if (e.getValue().parent() == handle && e.getKey() != handle) removeTree(client, e.getKey());
        }
        client.objects.remove(handle);
    }

    // ---- controls ----

    private int control(int fd, MemorySegment c) {
        DriverStructs s = structs;
        int cmd = (int) s.controlCmd.get(c, 0);
        Client client = clients.get((int) s.controlClient.get(c, 0));
        if (client == null) return NvStatus.NV_ERR_INVALID_CLIENT;
        Obj target = client.objects.get((int) s.controlObject.get(c, 0));
        if (target == null) return NvStatus.NV_ERR_INVALID_OBJECT_HANDLE;
        OptionalLong expected = abi.controlParamsSize(cmd);
        if (expected.isEmpty() || classOf(cmd) != target.hClass()) return NvStatus.NV_ERR_NOT_SUPPORTED;
        long size = s.controlParamsSize.get(c, 0);
        boolean none = DriverStructs.isNull(s.controlParams, c);
        if (expected.getAsLong() == 0 && (size != 0 || !none)) return NvStatus.NV_ERR_INVALID_PARAM_STRUCT;
        if (size != expected.getAsLong() || expected.getAsLong() > 0 && none) return NvStatus.NV_ERR_INVALID_ARGUMENT;
        MemorySegment p = size == 0 ? MemorySegment.NULL : DriverStructs.pointee(s.controlParams, c, size);
        return switch (cmd) {
            case NvControl.NV0000_CTRL_CMD_GPU_GET_PROBED_IDS -> {
                p.fill((byte) 0);
                for (int i = 0; i < s.probedIds.count(); i++) {
                    s.probedIds.put(p, 0, i, i < gpus.size() ? gpus.get(i).gpuId() : NvControl.NV0000_CTRL_GPU_INVALID_ID);
                    s.probedExcluded.put(p, 0, i, NvControl.NV0000_CTRL_GPU_INVALID_ID);
                }
                yield NvStatus.NV_OK;
            }
            case NvControl.NV0000_CTRL_CMD_GPU_GET_PCI_INFO -> {
                Gpu g = gpu((int) s.pciInfoGpuId.get(p, 0));
                if (g == null) yield NvStatus.NV_ERR_INVALID_ARGUMENT;
                s.pciInfoDomain.put(p, 0, g.address().domain());
                s.pciInfoBus.put(p, 0, g.address().bus());
                s.pciInfoSlot.put(p, 0, g.address().slot());
                yield NvStatus.NV_OK;
            }
            case NvControl.NV0000_CTRL_CMD_GPU_ATTACH_IDS -> {
                List<Integer> ids = new ArrayList<>();
                for (int i = 0; i < s.attachIds.count(); i++) {
                    int id = (int) s.attachIds.get(p, 0, i);
                    if (id == NvControl.NV0000_CTRL_GPU_INVALID_ID) break;
                    if (gpu(id) == null) {
                        s.attachFailed.put(p, 0, id);
                        yield NvStatus.NV_ERR_INVALID_ARGUMENT;
                    }
                    ids.add(id);
                }
                attachedBy.computeIfAbsent(fd, k -> new HashSet<>()).addAll(ids);
                yield NvStatus.NV_OK;
            }
            case NvControl.NV0000_CTRL_CMD_GPU_DETACH_IDS -> {
                Set<Integer> attached = attachedBy.getOrDefault(fd, new HashSet<>());
                for (int i = 0; i < s.detachIds.count(); i++) {
                    int id = (int) s.detachIds.get(p, 0, i);
                    if (id == NvControl.NV0000_CTRL_GPU_INVALID_ID) break;
                    attached.remove(id);
                }
                if (attached.isEmpty()) attachedBy.remove(fd);
                yield NvStatus.NV_OK;
            }
            case NvControl.NV0000_CTRL_CMD_GPU_GET_ID_INFO -> {
                Gpu g = gpu((int) s.idInfoGpuId.get(p, 0));
                if (g == null || !attachedBy.getOrDefault(fd, Set.of()).contains(g.gpuId())) yield NvStatus.NV_ERR_INVALID_ARGUMENT;
                s.idInfoDeviceInstance.put(p, 0, g.deviceInstance());
                s.idInfoSubDeviceInstance.put(p, 0, 0);
                yield NvStatus.NV_OK;
            }
            case NvControl.NV0080_CTRL_CMD_GPU_GET_VIRTUALIZATION_MODE -> {
                p.fill((byte) 0);
                s.mode.put(p, 0, target.gpu().mode());
                s.gridBuild.ifPresent(grid -> grid.put(p, 0, 1));
                yield NvStatus.NV_OK;
            }
            case NvControl.NV0080_CTRL_CMD_GPU_GET_VGPU_HETEROGENEOUS_MODE -> heterogeneousMode.get(target.gpu(), p);
            case NvControl.NV0080_CTRL_CMD_GPU_SET_VGPU_HETEROGENEOUS_MODE -> heterogeneousMode.set(target.gpu(), p);
            case NvControl.NV2080_CTRL_CMD_BUS_GET_PCI_INFO -> {
                PciId id = target.gpu().id();
                s.busDeviceId.put(p, 0, id.device() << 16 | id.vendor());
                s.busSubSystemId.put(p, 0, id.subsystemDevice() << 16 | id.subsystemVendor());
                s.busRevisionId.put(p, 0, target.gpu().revision());
                yield NvStatus.NV_OK;
            }
            case NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_SET_INFO -> setInfo(target.gpu(), p);
            case NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_MDEV_REGISTER -> register(target.gpu());
            case NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_GET_VGPU_TYPE_INFO -> {
                DriverVgpuTypes types = vgpuTypes.orElseThrow();
                MdevType t = table(target.gpu()).get(types.requestedType(p));
                if (t == null) yield NvStatus.NV_ERR_OBJECT_NOT_FOUND;
                types.encodeTypeInfo(p, t, target.gpu().id());
                yield NvStatus.NV_OK;
            }
            case NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_GET_SUPPORTED_VGPU_TYPES -> {
                int[] numbers = table(target.gpu()).keySet().stream().mapToInt(Integer::intValue).toArray();
                vgpuTypes.orElseThrow().encodeSupportedTypes(p, numbers, 2);
                yield NvStatus.NV_OK;
            }
            default -> NvStatus.NV_ERR_NOT_SUPPORTED;
        };
    }

    /** The class whose objects take {@code cmd}: its top 16 bits. */
    private static int classOf(int cmd) {
        int c = cmd >>> 16;
        return c == 0 ? NvClass.NV01_ROOT_CLIENT : c;
    }

    private int setInfo(Gpu gpu, MemorySegment p) {
        if (gpu.mode() != VirtualizationMode.HOST.code()) return NvStatus.NV_ERR_NOT_SUPPORTED;
        DriverVgpuTypes types = vgpuTypes.orElseThrow();
        boolean discard = types.discard(p);
        discards.add(discard);
        store.changed();
        LinkedHashMap<Integer, MdevType> table = table(gpu);
        if (discard) table.clear(); // first: SET_INFO(discard, type 0) empties a table (see the class comment)
        if (types.typeNumber(p) == 0) return NvStatus.NV_ERR_INVALID_ARGUMENT;
        MdevType type;
        try {
            type = types.decodeSetInfo(p);
        } catch (ValidationException e) {
            return NvStatus.NV_ERR_INVALID_ARGUMENT;
        }
        if (!table.containsKey(type.number()) && table.size() >= abi.limits().maxTypesPerGpu()) {
            return NvStatus.NV_ERR_INSUFFICIENT_RESOURCES;
        }
        table.putIfAbsent(type.number(), type); // a number the driver has is reused, not updated
        return NvStatus.NV_OK;
    }

    private int register(Gpu gpu) {
        if (gpu.mode() != VirtualizationMode.HOST.code()) return NvStatus.NV_ERR_NOT_SUPPORTED;
        publishCounts.merge(gpu.gpuId(), 1, Integer::sum);
        store.changed();
        if (publisher != null) publisher.publish(gpu, List.copyOf(table(gpu).values()));
        return NvStatus.NV_OK;
    }

    private LinkedHashMap<Integer, MdevType> table(Gpu gpu) {
        return tables.computeIfAbsent(gpu.gpuId(), k -> new LinkedHashMap<>());
    }

    private Gpu gpu(int gpuId) {
        for (Gpu g : gpus) if (g.gpuId() == gpuId) return g;
        return null;
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "SimNvidiaDriver[" + release + " (" + abi.family() + "), " + gpus.size() + " GPUs, " + fds.size()
                    + " open fds, " + clients.size() + " clients]";
        }
    }
}
