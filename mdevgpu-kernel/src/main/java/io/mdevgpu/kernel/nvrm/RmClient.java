package io.mdevgpu.kernel.nvrm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mdevgpu.DriverException;
import io.mdevgpu.DriverInfo;
import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.UnsupportedDriverException;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.abi.nvrm.NV0000_CTRL_GPU_GET_PCI_INFO_PARAMS;
import io.mdevgpu.kernel.abi.nvrm.NvControl;
import io.mdevgpu.kernel.abi.nvrm.NvEscape;
import io.mdevgpu.kernel.abi.nvrm.NvrmAbi;
import io.mdevgpu.kernel.abi.nvrm.NvrmRelease;
import io.mdevgpu.kernel.abi.nvrm.nv_ioctl_card_info_t;

/**
 * A client of the NVIDIA Resource Manager on {@code /dev/nvidiactl}: the version handshake, which selects the
 * layout family of the running release, and the root client object. {@link #openGpu(int)} attaches a GPU and gives
 * its device objects ({@link RmGpu}), through which vGPU types are registered.
 *
 * <p>Every RM call's status is checked; {@code NV_ERR_BUSY_RETRY} and {@code NV_ERR_TIMEOUT_RETRY} are retried with
 * a bounded exponential backoff; {@code NV_WARN_*} counts as success with a log line; a failure raises a
 * {@link DriverException} naming the escape and control, the GPU and the status, or a {@link KernelException} where
 * the ioctl itself failed. The argument structs are allocated once per client, from its own arena: a call
 * allocates nothing. Not thread-safe; {@link #close()} frees everything the client allocated, GPUs first.
 *
 * <p>The handshake's code is {@link VersionHandshake}, the escapes' (encoding, retries, status checks) {@link RmEscapes};
 * this class holds the client's objects, buffers, device nodes and ledger.
 */
public final class RmClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RmClient.class);
    /** Client-chosen handles: distinct from the driver's own (0xC1D0...) and 0, which means "none". */
    private static final int HANDLE_BASE = 0x6D640000;

    private final RmTransport transport;
    private final Settings settings;
    private final String ctlPath;
    private final Arena arena;
    private final int ctlFd;
    private final NvrmRelease release;
    private final NvrmAbi abi;
    private final RmEscapes escapes;
    private final int hClient;
    private final Handshake handshake;
    private final List<RmGpu> gpus = new ArrayList<>();
    /** What this client allocated and freed, for {@link #ledger()}: the root client included, the ctl node too. */
    private int objectsAllocated, objectsFreed, nodesOpened, nodesClosed;
    private int nextHandle = HANDLE_BASE;
    private boolean closed;

    /** One zeroed-on-use buffer per struct of the family, and the card-info array: allocated once. */
    private final Map<String, MemorySegment> buffers = new HashMap<>();
    private final MemorySegment cards;
    private final int[] ids = new int[NvEscape.MAX_CARDS];

    /** Paths, retry policy and sleeping, for tests and unusual hosts; {@link #DEFAULT} for a real one. */
    record Settings(String devDirectory, String procVersionPath, int attempts, Duration firstBackoff, Duration maxBackoff,
                    Sleeper sleeper) {
        static final Settings DEFAULT = new Settings("/dev", "/proc/driver/nvidia/version", 6, Duration.ofMillis(1),
                Duration.ofMillis(64), Thread::sleep);
    }

    /** How the client waits between retries; tests count instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** Builds a client: {@code RmClient.newBuilder(transport).open()}. */
    public static Builder newBuilder(RmTransport transport) {
        return new Builder(transport);
    }

    public static final class Builder {
        private final RmTransport transport;
        private Settings settings = Settings.DEFAULT;

        private Builder(RmTransport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
        }

        /** Where {@code nvidiactl} and {@code nvidiaN} live; {@code /dev}. */
        public Builder devDirectory(String directory) {
            settings = new Settings(directory, settings.procVersionPath(), settings.attempts(), settings.firstBackoff(),
                    settings.maxBackoff(), settings.sleeper());
            return this;
        }

        /** The driver's version file; {@code /proc/driver/nvidia/version}. */
        public Builder procVersionPath(String path) {
            settings = new Settings(settings.devDirectory(), path, settings.attempts(), settings.firstBackoff(),
                    settings.maxBackoff(), settings.sleeper());
            return this;
        }

        /**
         * How often a call the driver answers with a retry status is sent in all (at least 1; 6 by default), and the
         * backoff between attempts, doubling from {@code first} up to {@code max} (1 ms and 64 ms by default).
         */
        public Builder retries(int attempts, Duration first, Duration max) {
            if (attempts < 1 || first.isNegative() || max.compareTo(first) < 0) {
                throw new ValidationException("RM retry policy", attempts + " attempts, " + first + ".." + max,
                        "at least one attempt and 0 <= first backoff <= max backoff");
            }
            settings = new Settings(settings.devDirectory(), settings.procVersionPath(), attempts, first, max,
                    settings.sleeper());
            return this;
        }

        public Builder sleeper(Sleeper sleeper) {
            settings = new Settings(settings.devDirectory(), settings.procVersionPath(), settings.attempts(),
                    settings.firstBackoff(), settings.maxBackoff(), Objects.requireNonNull(sleeper));
            return this;
        }

        /**
         * Opens {@code nvidiactl}, shakes hands with the driver and allocates the root client.
         *
         * @throws KernelException            the control device cannot be opened, or the driver refused the version
         * @throws UnsupportedDriverException the running release has no layout family here
         * @throws DriverException            the root client could not be allocated
         */
        public RmClient open() {
            return new RmClient(transport, settings);
        }
    }

    private RmClient(RmTransport transport, Settings settings) {
        this.transport = transport;
        this.settings = settings;
        this.ctlPath = settings.devDirectory() + "/nvidiactl";
        int fd = transport.open(ctlPath);
        if (fd < 0) {
            throw KernelException.of("open NVIDIA control device", ctlPath, Errno.of(-fd),
                    "load the NVIDIA kernel module (modprobe nvidia) and run as root");
        }
        this.ctlFd = fd;
        nodesOpened++;
        this.arena = Arena.ofShared();
        try {
            this.handshake = VersionHandshake.shakeHands(transport, settings, ctlPath, fd);
            this.release = handshake.release();
            this.abi = NvrmAbi.forRelease(release, ctlPath);
            abi.structs().forEach((name, layout) -> buffers.put(name, arena.allocate(layout)));
            this.escapes = new RmEscapes(transport, settings, fd, release, abi, buffers.get(NvrmAbi.NVOS21),
                    buffers.get(NvrmAbi.NVOS54), buffers.get(NvrmAbi.NVOS00));
            cards = nv_ioctl_card_info_t.allocateArray(NvEscape.MAX_CARDS, arena);
            this.hClient = allocRoot();
        } catch (RuntimeException e) {
            transport.close(fd);
            arena.close();
            throw e;
        }
        LOG.debug("RM client 0x{} on {}: driver {}, layouts {}", Integer.toHexString(hClient), ctlPath, release, abi);
    }

    /**
     * The version handshake as it went: the command sent ({@code QUERY}, or {@code STRICT} with the version read from
     * {@code /proc/driver/nvidia/version}), the driver's reply code (1: recognized) and the version string the driver
     * left in the struct, and the release the client settled on.
     */
    public record Handshake(String command, int reply, String versionString, NvrmRelease release) {
        @Override
        public String toString() {
            return command + " -> reply " + reply + (reply == NvEscape.NV_RM_API_VERSION_REPLY_RECOGNIZED
                    ? " (recognized)" : "") + ", version string \"" + versionString + "\"";
        }
    }

    /**
     * What a client allocated and freed through the driver, as the library counted it: RM objects (the root client,
     * device, subdevice and vGPU config objects) and device nodes ({@code nvidiactl} and each {@code nvidiaN}).
     * After {@link #close()} both pairs are equal, or the client leaked.
     */
    public record Ledger(int objectsAllocated, int objectsFreed, int nodesOpened, int nodesClosed) {
        /** Objects and nodes still held. */
        public int live() {
            return objectsAllocated - objectsFreed + nodesOpened - nodesClosed;
        }

        @Override
        public String toString() {
            return "RM objects allocated " + objectsAllocated + ", freed " + objectsFreed + "; device nodes opened "
                    + nodesOpened + ", closed " + nodesClosed;
        }
    }

    private int allocRoot() {
        int handle = escapes.allocRoot(ctlPath);
        objectsAllocated++;
        return handle;
    }

    /** The running driver's release, as the handshake established it. */
    public NvrmRelease release() {
        return release;
    }

    /** The layout family of the running release. */
    public NvrmAbi abi() {
        return abi;
    }

    /** How the version handshake went. */
    public Handshake handshake() {
        return handshake;
    }

    /** The objects and device nodes this client has allocated and freed so far. */
    public Ledger ledger() {
        return new Ledger(objectsAllocated, objectsFreed, nodesOpened, nodesClosed);
    }

    /** The driver as the API reports it: {@code nvidia 580.159.04 (layouts r580; ...)}. */
    public DriverInfo driverInfo() {
        return new DriverInfo("nvidia", release.version(), abi.family(), abi.limits());
    }

    /** The root client's handle, as the driver chose it. */
    public int clientHandle() {
        return hClient;
    }

    /** The RM gpu ids of the GPUs the driver probed ({@code GET_PROBED_IDS}), excluded ones left out. */
    public List<Integer> probedGpuIds() {
        requireOpen();
        MemorySegment probedIds = buffer(NvrmAbi.PROBED_IDS);
        control(hClient, NvControl.NV0000_CTRL_CMD_GPU_GET_PROBED_IDS, probedIds, ctlPath);
        int n = Math.min(abi.probedGpuIds(probedIds, ids), ids.length);
        List<Integer> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(ids[i]);
        }
        return List.copyOf(out);
    }

    /** Where GPU {@code gpuId} sits on the PCI bus ({@code GET_PCI_INFO}; NVIDIA GPUs are function 0). */
    public PciAddress pciAddress(int gpuId) {
        requireOpen();
        MemorySegment pciInfo = buffer(NvrmAbi.PCI_INFO);
        NV0000_CTRL_GPU_GET_PCI_INFO_PARAMS.gpuId(pciInfo, gpuId);
        control(hClient, NvControl.NV0000_CTRL_CMD_GPU_GET_PCI_INFO, pciInfo, gpuTarget(null, gpuId));
        return PciAddress.of(NV0000_CTRL_GPU_GET_PCI_INFO_PARAMS.domain(pciInfo),
                Short.toUnsignedInt(NV0000_CTRL_GPU_GET_PCI_INFO_PARAMS.bus(pciInfo)),
                Short.toUnsignedInt(NV0000_CTRL_GPU_GET_PCI_INFO_PARAMS.slot(pciInfo)), 0);
    }

    /**
     * Attaches GPU {@code gpuId} and allocates its device and subdevice objects; close the result to free them and
     * detach. On failure, whatever was done is undone before the error is thrown.
     */
    public RmGpu openGpu(int gpuId) {
        requireOpen();
        RmGpu gpu = RmGpu.open(this, gpuId);
        gpus.add(gpu);
        return gpu;
    }

    /** As {@link #openGpu(int)}, for the probed GPU at {@code address}. */
    public RmGpu openGpu(PciAddress address) {
        for (int id : probedGpuIds()) {
            if (pciAddress(id).equals(address.function() == 0 ? address : PciAddress.of(address.domain(),
                    address.bus(), address.slot(), 0))) {
                return openGpu(id);
            }
        }
        throw new io.mdevgpu.HostStateException("find GPU", address.toString(),
                "the NVIDIA driver has not probed a GPU at this address",
                "check that the GPU is bound to the nvidia driver (lspci -k -s " + address + ")", null);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        List<RuntimeException> failures = new ArrayList<>();
        for (int i = gpus.size() - 1; i >= 0; i--) {
            try {
                gpus.get(i).close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        try {
            free(hClient, hClient, ctlPath);
        } catch (RuntimeException e) {
            failures.add(e);
        }
        int r = closeNode(ctlFd);
        if (r < 0) failures.add(KernelException.of("close", ctlPath, Errno.of(-r), null));
        arena.close();
        throwFirst(failures);
    }

    static void throwFirst(List<RuntimeException> failures) {
        if (failures.isEmpty()) return;
        RuntimeException first = failures.getFirst();
        for (RuntimeException other : failures.subList(1, failures.size())) {
            first.addSuppressed(other);
        }
        throw first;
    }

    // ---- for RmGpu: the calls, each checked ----

    /** The family's buffer for struct {@code name}, zeroed. */
    MemorySegment buffer(String name) {
        MemorySegment b = buffers.get(name);
        if (b == null) throw new IllegalArgumentException("the " + abi.family() + " layout has no " + name);
        b.fill((byte) 0);
        return b;
    }

    /**
     * The GPUs the driver lists in {@code NV_ESC_CARD_INFO} (valid entries only), each with its device node minor and
     * the BAR windows the driver mapped.
     *
     * @throws KernelException the ioctl failed
     */
    public List<CardInfo> cardInfo() {
        requireOpen();
        cards.fill((byte) 0);
        int r = RmEscapes.ioctlRetryingEintr(transport, ctlFd, NvEscape.CARD_INFO_ALL, cards);
        if (r < 0) {
            throw KernelException.of("NV_ESC_CARD_INFO", ctlPath + " (ioctl 0x" + Integer.toHexString(NvEscape.CARD_INFO_ALL)
                    + ")", Errno.of(-r), RmEscapes.ioctlFix(-r));
        }
        return CardInfo.decodeAll(cards);
    }

    String devDirectory() {
        return settings.devDirectory();
    }

    void forget(RmGpu gpu) {
        gpus.remove(gpu);
    }

    int newHandle() {
        return ++nextHandle;
    }

    void requireOpen() {
        if (closed) {
            throw KernelException.of("use the RM client", ctlPath, Errno.EBADF,
                    "the client was closed, and its GPUs with it: open a new one");
        }
    }

    static String gpuTarget(PciAddress address, int gpuId) {
        return (address == null ? "GPU" : "GPU " + address) + " (gpu id 0x" + Integer.toHexString(gpuId) + ")";
    }

    /** Allocates {@code hNew} of {@code hClass} under {@code hParent}; {@code params} may be NULL. */
    void alloc(int hParent, int hNew, int hClass, MemorySegment params, String target) {
        escapes.alloc(hParent, hNew, hClass, params, target);
        objectsAllocated++;
    }

    /** Sends control {@code cmd} to {@code hObject}; {@code params} is its struct or NULL for none. */
    void control(int hObject, int cmd, MemorySegment params, String target) {
        escapes.control(hObject, cmd, params, target);
    }

    /** As {@link #control}, but returns a failing status instead of throwing (retries and errno still apply). */
    int tryControl(int hObject, int cmd, MemorySegment params, String target) {
        return escapes.tryControl(hObject, cmd, params, target);
    }

    void free(int hParent, int hObject, String target) {
        escapes.free(hParent, hObject, target);
        objectsFreed++;
    }

    /** Throws for a failing status of {@code escape} on {@code what}; logs a warning status ({@link RmEscapes#check}). */
    void check(int status, int escape, int what, String target) {
        escapes.check(status, escape, what, target);
    }

    /** Opens a GPU's device node, counted in the {@link #ledger()}; the fd, or {@code -errno}. */
    int openNode(String path) {
        int fd = transport.open(path);
        if (fd >= 0) nodesOpened++;
        return fd;
    }

    /**
     * Closes a node {@link #openNode} opened; 0, or {@code -errno}. EINTR counts as closed: Linux has released the fd
     * all the same (close(2)), and the driver its objects with it.
     */
    int closeNode(int fd) {
        int r = transport.close(fd);
        if (r == 0 || r == -RmEscapes.EINTR) {
            nodesClosed++;
            return 0;
        }
        return r;
    }
}
