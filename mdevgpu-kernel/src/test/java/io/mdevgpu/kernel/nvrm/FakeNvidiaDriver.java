package io.mdevgpu.kernel.nvrm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import io.mdevgpu.MdevType;
import io.mdevgpu.PciAddress;
import io.mdevgpu.PciId;
import io.mdevgpu.kernel.abi.nvrm.AllocParameters;
import io.mdevgpu.kernel.abi.nvrm.CStrings;
import io.mdevgpu.kernel.abi.nvrm.NVOS00_PARAMETERS;
import io.mdevgpu.kernel.abi.nvrm.NVOS54_PARAMETERS;
import io.mdevgpu.kernel.abi.nvrm.NV0000_CTRL_GPU_ATTACH_IDS_PARAMS;
import io.mdevgpu.kernel.abi.nvrm.NV0000_CTRL_GPU_DETACH_IDS_PARAMS;
import io.mdevgpu.kernel.abi.nvrm.NV0000_CTRL_GPU_GET_ID_INFO_PARAMS;
import io.mdevgpu.kernel.abi.nvrm.NV0000_CTRL_GPU_GET_PCI_INFO_PARAMS;
import io.mdevgpu.kernel.abi.nvrm.NV0080_ALLOC_PARAMETERS;
import io.mdevgpu.kernel.abi.nvrm.NV2080_CTRL_BUS_GET_PCI_INFO_PARAMS;
import io.mdevgpu.kernel.abi.nvrm.NvClass;
import io.mdevgpu.kernel.abi.nvrm.NvControl;
import io.mdevgpu.kernel.abi.nvrm.NvEscape;
import io.mdevgpu.kernel.abi.nvrm.NvStatus;
import io.mdevgpu.kernel.abi.nvrm.NvrmAbi;
import io.mdevgpu.kernel.abi.nvrm.NvrmRelease;
import io.mdevgpu.kernel.abi.nvrm.VgpuTypeCodec;
import io.mdevgpu.kernel.abi.nvrm.nv_ioctl_card_info_t;
import io.mdevgpu.kernel.abi.nvrm.nv_ioctl_rm_api_version_t;
import io.mdevgpu.kernel.abi.nvrm.nv_pci_info_t;
import io.mdevgpu.kernel.sys.Ioctl;
import io.mdevgpu.kernel.testing.H100Fixture;

/**
 * A test double of the NVIDIA driver of one release that decodes the RM ioctls' bytes in that release's layout,
 * as the real driver would: wrong sizes fail like the driver's checks, objects form a tree, a device object needs
 * its {@code /dev/nvidiaN} open. It logs each call and can fail chosen ones with a status or an errno.
 * Public for the CLI's tests (through the kernel's test jar); {@link #h100PassThrough580()} is the real host seen in
 * {@code docs/hardware/h100-580.md}.
 */
public final class FakeNvidiaDriver implements RmTransport {
    static final int EBADF = 9, ENOENT = 2, EINVAL = 22, EIO = 5;
    static final int CLIENT = 0xC1D00001;

    record Gpu(int gpuId, PciAddress address, PciId id, int minor, int deviceInstance, int mode) {
    }

    /** What {@code NV_ESC_CARD_INFO} says of a GPU beyond its address and minor; zeros unless a test sets it. */
    record Card(int interruptLine, long registerBase, long registerSize, long framebufferBase, long framebufferSize) {
    }

    /** Makes matching calls fail: {@code status} (an RM status) or {@code errno} (the ioctl fails), {@code times} over. */
    record Fault(String call, int status, int errno, int[] times) {
    }

    private record Obj(int parent, int hClass, Gpu gpu) {
    }

    final NvrmRelease release;
    final NvrmAbi abi;
    final List<Gpu> gpus = new ArrayList<>();
    String procText;
    /** What the driver answers a version QUERY with; its own release unless a test makes it lie. */
    String claimedVersion;
    final List<String> log = new ArrayList<>();
    /** Every control command received, in order, as its number (whatever its name in the log). */
    final List<Integer> controls = new ArrayList<>();
    final Map<Integer, Card> cards = new HashMap<>();
    /** Files {@link #readText} serves besides the version file: path to text. */
    final Map<String, String> files = new HashMap<>();
    /** The handle of the root client (the next one's, while none is allocated). */
    int clientHandle = CLIENT;
    /** Whether each new root client gets the next handle, as a real driver's do; else every client gets the same. */
    boolean clientHandlesCountUp;
    private int clientsAllocated;
    final Map<Integer, String> fds = new LinkedHashMap<>();
    final Set<Integer> attached = new HashSet<>();
    final Map<Integer, Obj> objects = new LinkedHashMap<>();
    final Map<Integer, LinkedHashMap<Integer, MdevType>> types = new HashMap<>();
    final Map<Integer, Integer> published = new HashMap<>();
    final List<Boolean> discards = new ArrayList<>();
    private final Deque<Fault> faults = new ArrayDeque<>();
    private int nextFd = 10;

    public FakeNvidiaDriver(String version) {
        this.release = NvrmRelease.parse(version);
        this.abi = release.abi();
        this.claimedVersion = version;
        this.procText = "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  " + version
                + "  Release Build  (dvs-builder@U22)  Wed Jul 16 18:33:50 UTC 2025\nGCC version:  gcc version 12.2.0\n";
    }

    /**
     * The driver of the real host recorded on 2026-11-24 in {@code docs/hardware/h100-580.md}: 580.159.04, the open
     * kernel module, one H100 80GB HBM3 at 0000:00:06.0 in a pass-through VM, answering as that driver answered: its
     * version file and version query, RM gpu id 0x6 (not the 0x600 a bus-slot encoding would give), device instance
     * 0, {@code /dev/nvidia0}, irq 41, the register and framebuffer windows at its sysfs BAR0 and BAR2, mode NMOS, and
     * a root client handle that counts up from 0xc1d0001a with every client, as that boot's did. The information file
     * is the fixture's (the real one, GPU UUID removed).
     */
    public static FakeNvidiaDriver h100PassThrough580() {
        FakeNvidiaDriver d = new FakeNvidiaDriver("580.159.04");
        d.procText = "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.159.04  Release Build  (nixbld@)  \n"
                + "GCC version:  gcc version 15.3.0 (GCC) \n";
        d.clientHandle = 0xC1D0001A;
        d.clientHandlesCountUp = true;
        d.gpu(0x6, H100Fixture.ADDRESS, PciId.of(0x10DE, 0x2330, 0x10DE, 0x16C1), 0, 0, 1);
        d.cards.put(0x6, new Card(41, 0x1020_0200_0000L, 16L << 20, 0x1000_0000_0000L, 128L << 30));
        try {
            d.files.put("/proc/driver/nvidia/gpus/" + H100Fixture.ADDRESS + "/information",
                    Files.readString(H100Fixture.directory().resolve("nvidia-information.txt")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return d;
    }

    public FakeNvidiaDriver gpu(int gpuId, PciAddress address, PciId id, int minor, int deviceInstance, int mode) {
        gpus.add(new Gpu(gpuId, address, id, minor, deviceInstance, mode));
        return this;
    }

    FakeNvidiaDriver fail(String call, int status, int times) {
        faults.add(new Fault(call, status, 0, new int[] {times}));
        return this;
    }

    FakeNvidiaDriver failErrno(String call, int errno) {
        faults.add(new Fault(call, 0, errno, new int[] {1}));
        return this;
    }

    /** The calls whose log line starts with {@code prefix}. */
    public List<String> calls(String prefix) {
        return log.stream().filter(l -> l.startsWith(prefix)).toList();
    }

    /** Every control command received so far, as numbers, in order. */
    public List<Integer> controlCommands() {
        return List.copyOf(controls);
    }

    /** The handles of the objects still allocated (the root client's included). */
    public List<Integer> liveObjects() {
        return List.copyOf(objects.keySet());
    }

    /** The paths of the device nodes still open. */
    public List<String> openNodes() {
        return List.copyOf(fds.values());
    }

    @Override
    public String toString() {
        return "FakeNvidiaDriver[" + release + ", " + gpus.size() + (gpus.size() == 1 ? " GPU]" : " GPUs]");
    }

    // ---- the port ----

    @Override
    public int open(String path) {
        log.add("OPEN " + path);
        Optional<Fault> f = fault("OPEN " + path);
        if (f.isPresent()) return -f.get().errno();
        boolean known = path.equals("/dev/nvidiactl")
                || gpus.stream().anyMatch(g -> path.equals("/dev/nvidia" + g.minor()));
        if (!known) return -ENOENT;
        int fd = nextFd++;
        fds.put(fd, path);
        return fd;
    }

    @Override
    public int close(int fd) {
        String path = fds.remove(fd);
        log.add("CLOSE " + path);
        return path == null ? -EBADF : 0;
    }

    @Override
    public Optional<String> readText(String path) {
        return path.equals("/proc/driver/nvidia/version") ? Optional.ofNullable(procText) : Optional.ofNullable(files.get(path));
    }

    @Override
    public int ioctl(int fd, int request, MemorySegment arg) {
        if (!"/dev/nvidiactl".equals(fds.get(fd))) return -EBADF;
        int size = Ioctl.size(request);
        if (Ioctl.type(request) != 'F' || arg.byteSize() < size) return -EINVAL;
        return switch (Ioctl.nr(request)) {
            case NvEscape.NV_ESC_CHECK_VERSION_STR -> size == nv_ioctl_rm_api_version_t.sizeof() ? version(arg) : -EINVAL;
            case NvEscape.NV_ESC_CARD_INFO -> size % nv_ioctl_card_info_t.sizeof() == 0 ? cardInfo(arg, size) : -EINVAL;
            case NvEscape.NV_ESC_RM_ALLOC -> size == abi.sizeof(NvrmAbi.NVOS21) ? alloc(arg) : -EINVAL;
            case NvEscape.NV_ESC_RM_CONTROL -> size == NVOS54_PARAMETERS.sizeof() ? control(arg) : -EINVAL;
            case NvEscape.NV_ESC_RM_FREE -> size == NVOS00_PARAMETERS.sizeof() ? free(arg) : -EINVAL;
            default -> -EINVAL;
        };
    }

    private Optional<Fault> fault(String call) {
        for (Fault f : faults) {
            if (call.startsWith(f.call()) && f.times()[0] > 0) {
                f.times()[0]--;
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** Logs {@code call} and applies a fault to it: -errno, 0 with the status written, or 1 for none. */
    private int injected(String call, java.util.function.IntConsumer status) {
        log.add(call);
        Optional<Fault> f = fault(call);
        if (f.isEmpty()) return 1;
        if (f.get().errno() != 0) return -f.get().errno();
        status.accept(f.get().status());
        return 0;
    }

    private int version(MemorySegment v) {
        int cmd = nv_ioctl_rm_api_version_t.cmd(v);
        log.add("VERSION " + (cmd == 0 ? "strict" : String.valueOf((char) cmd)));
        long text = nv_ioctl_rm_api_version_t.versionString$offset(), capacity = 64;
        nv_ioctl_rm_api_version_t.reply(v, NvEscape.NV_RM_API_VERSION_REPLY_RECOGNIZED);
        if (cmd == NvEscape.NV_RM_API_VERSION_CMD_QUERY) {
            if (abi.versionQuery()) CStrings.write(v, text, capacity, claimedVersion);
            return 0; // before 535: "override", nothing written
        }
        String client = CStrings.read(v, text, capacity);
        if (client.equals(release.version())) return 0;
        CStrings.write(v, text, capacity, release.version());
        return -EINVAL;
    }

    private int cardInfo(MemorySegment cards, int size) {
        log.add("CARD_INFO");
        Optional<Fault> f = fault("CARD_INFO");
        if (f.isPresent()) return -f.get().errno();
        for (int i = 0; i < gpus.size() && i < size / nv_ioctl_card_info_t.sizeof(); i++) {
            Gpu g = gpus.get(i);
            MemorySegment card = nv_ioctl_card_info_t.asSlice(cards, i);
            nv_ioctl_card_info_t.valid(card, (byte) 1);
            MemorySegment pci = nv_ioctl_card_info_t.pci_info(card);
            nv_pci_info_t.domain(pci, g.address().domain());
            nv_pci_info_t.bus(pci, (byte) g.address().bus());
            nv_pci_info_t.slot(pci, (byte) g.address().slot());
            nv_pci_info_t.vendor_id(pci, (short) g.id().vendor());
            nv_pci_info_t.device_id(pci, (short) g.id().device());
            nv_ioctl_card_info_t.gpu_id(card, g.gpuId());
            nv_ioctl_card_info_t.minor_number(card, g.minor());
            Card c = this.cards.getOrDefault(g.gpuId(), new Card(0, 0, 0, 0, 0));
            nv_ioctl_card_info_t.interrupt_line(card, (short) c.interruptLine());
            nv_ioctl_card_info_t.reg_address(card, c.registerBase());
            nv_ioctl_card_info_t.reg_size(card, c.registerSize());
            nv_ioctl_card_info_t.fb_address(card, c.framebufferBase());
            nv_ioctl_card_info_t.fb_size(card, c.framebufferSize());
        }
        return 0;
    }

    private int alloc(MemorySegment a) {
        AllocParameters p = abi.alloc();
        int hClass = p.hClass(a), parent = p.hObjectParent(a), handle = p.hObjectNew(a);
        int injected = injected("ALLOC " + NvClass.name(hClass) + " 0x" + Integer.toHexString(handle), s -> p.status(a, s));
        if (injected <= 0) return injected;
        p.status(a, allocStatus(p, a, hClass, parent, handle));
        return 0;
    }

    private int allocStatus(AllocParameters p, MemorySegment a, int hClass, int parent, int handle) {
        OptionalLong expected = abi.allocParamsSize(hClass);
        if (expected.isEmpty()) return NvStatus.NV_ERR_INVALID_CLASS;
        if (p.hasParamsSize() && p.paramsSize(a) != expected.getAsLong()) return NvStatus.NV_ERR_INVALID_ARGUMENT;
        if (hClass == NvClass.NV01_ROOT) {
            if (objects.containsKey(clientHandle)) return NvStatus.NV_ERR_INSUFFICIENT_RESOURCES;
            if (clientHandlesCountUp && clientsAllocated > 0) clientHandle++;
            clientsAllocated++;
            objects.put(clientHandle, new Obj(0, NvClass.NV01_ROOT_CLIENT, null));
            p.hObjectNew(a, clientHandle);
            return NvStatus.NV_OK;
        }
        if (p.hRoot(a) != clientHandle) return NvStatus.NV_ERR_INVALID_CLIENT;
        if (objects.containsKey(handle) || handle == 0) return 0x19; // NV_ERR_INSERT_DUPLICATE_NAME
        Obj up = objects.get(parent);
        if (up == null) return NvStatus.NV_ERR_INVALID_OBJECT_PARENT;
        MemorySegment params = p.pAllocParms(a).reinterpret(expected.getAsLong());
        Gpu gpu;
        switch (hClass) {
            case NvClass.NV01_DEVICE_0 -> {
                if (parent != clientHandle) return NvStatus.NV_ERR_INVALID_OBJECT_PARENT;
                int instance = NV0080_ALLOC_PARAMETERS.deviceId(params);
                gpu = gpus.stream().filter(g -> g.deviceInstance() == instance && attached.contains(g.gpuId()))
                        .findFirst().orElse(null);
                if (gpu == null) return NvStatus.NV_ERR_INVALID_ARGUMENT;
                if (!fds.containsValue("/dev/nvidia" + gpu.minor())) return NvStatus.NV_ERR_INSUFFICIENT_PERMISSIONS;
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
        objects.put(handle, new Obj(parent, hClass, gpu));
        return NvStatus.NV_OK;
    }

    private int control(MemorySegment c) {
        int cmd = NVOS54_PARAMETERS.cmd(c), hObject = NVOS54_PARAMETERS.hObject(c);
        controls.add(cmd);
        int injected = injected("CONTROL " + NvControl.name(cmd), s -> NVOS54_PARAMETERS.status(c, s));
        if (injected <= 0) return injected;
        NVOS54_PARAMETERS.status(c, controlStatus(c, cmd, hObject));
        return 0;
    }

    private int controlStatus(MemorySegment c, int cmd, int hObject) {
        if (NVOS54_PARAMETERS.hClient(c) != clientHandle) return NvStatus.NV_ERR_INVALID_CLIENT;
        Obj target = objects.get(hObject);
        if (target == null) return NvStatus.NV_ERR_INVALID_OBJECT_HANDLE;
        OptionalLong expected = abi.controlParamsSize(cmd);
        if (expected.isEmpty()) return NvStatus.NV_ERR_NOT_SUPPORTED;
        if (NVOS54_PARAMETERS.paramsSize(c) != expected.getAsLong()) return NvStatus.NV_ERR_INVALID_ARGUMENT;
        MemorySegment p = expected.getAsLong() == 0 ? MemorySegment.NULL
                : NVOS54_PARAMETERS.params(c).reinterpret(expected.getAsLong());
        return switch (cmd) {
            case NvControl.NV0000_CTRL_CMD_GPU_GET_PROBED_IDS -> {
                int[] ids = gpus.stream().mapToInt(Gpu::gpuId).toArray();
                abi.encodeProbedIds(p, ids, ids.length, new int[0], 0);
                yield NvStatus.NV_OK;
            }
            case NvControl.NV0000_CTRL_CMD_GPU_GET_PCI_INFO -> {
                Gpu g = gpu(NV0000_CTRL_GPU_GET_PCI_INFO_PARAMS.gpuId(p));
                if (g == null) yield NvStatus.NV_ERR_INVALID_ARGUMENT;
                NV0000_CTRL_GPU_GET_PCI_INFO_PARAMS.domain(p, g.address().domain());
                NV0000_CTRL_GPU_GET_PCI_INFO_PARAMS.bus(p, (short) g.address().bus());
                NV0000_CTRL_GPU_GET_PCI_INFO_PARAMS.slot(p, (short) g.address().slot());
                yield NvStatus.NV_OK;
            }
            case NvControl.NV0000_CTRL_CMD_GPU_ATTACH_IDS -> {
                for (int i = 0; i < NV0000_CTRL_GPU_ATTACH_IDS_PARAMS.gpuIds$length(); i++) {
                    int id = NV0000_CTRL_GPU_ATTACH_IDS_PARAMS.gpuIds(p, i);
                    if (id == NvControl.NV0000_CTRL_GPU_INVALID_ID) break;
                    if (gpu(id) == null) {
                        NV0000_CTRL_GPU_ATTACH_IDS_PARAMS.failedId(p, id);
                        yield NvStatus.NV_ERR_INVALID_ARGUMENT;
                    }
                    attached.add(id);
                }
                yield NvStatus.NV_OK;
            }
            case NvControl.NV0000_CTRL_CMD_GPU_DETACH_IDS -> {
                for (int i = 0; i < NV0000_CTRL_GPU_DETACH_IDS_PARAMS.gpuIds$length(); i++) {
                    int id = NV0000_CTRL_GPU_DETACH_IDS_PARAMS.gpuIds(p, i);
                    if (id == NvControl.NV0000_CTRL_GPU_INVALID_ID) break;
                    attached.remove(id);
                }
                yield NvStatus.NV_OK;
            }
            case NvControl.NV0000_CTRL_CMD_GPU_GET_ID_INFO -> {
                Gpu g = gpu(NV0000_CTRL_GPU_GET_ID_INFO_PARAMS.gpuId(p));
                if (g == null || !attached.contains(g.gpuId())) yield NvStatus.NV_ERR_INVALID_ARGUMENT;
                NV0000_CTRL_GPU_GET_ID_INFO_PARAMS.deviceInstance(p, g.deviceInstance());
                NV0000_CTRL_GPU_GET_ID_INFO_PARAMS.subDeviceInstance(p, 0);
                yield NvStatus.NV_OK;
            }
            case NvControl.NV0080_CTRL_CMD_GPU_GET_VIRTUALIZATION_MODE -> {
                if (target.hClass() != NvClass.NV01_DEVICE_0) yield NvStatus.NV_ERR_INVALID_OBJECT_HANDLE;
                abi.encodeVirtualizationMode(p, target.gpu().mode(), true);
                yield NvStatus.NV_OK;
            }
            case NvControl.NV2080_CTRL_CMD_BUS_GET_PCI_INFO -> {
                if (target.hClass() != NvClass.NV20_SUBDEVICE_0) yield NvStatus.NV_ERR_INVALID_OBJECT_HANDLE;
                PciId id = target.gpu().id();
                NV2080_CTRL_BUS_GET_PCI_INFO_PARAMS.pciDeviceId(p, id.device() << 16 | id.vendor());
                NV2080_CTRL_BUS_GET_PCI_INFO_PARAMS.pciSubSystemId(p, id.subsystemDevice() << 16 | id.subsystemVendor());
                NV2080_CTRL_BUS_GET_PCI_INFO_PARAMS.pciRevisionId(p, 0xA1);
                yield NvStatus.NV_OK;
            }
            case NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_SET_INFO -> {
                if (target.hClass() != NvClass.NVA081_VGPU_CONFIG) yield NvStatus.NV_ERR_INVALID_OBJECT_HANDLE;
                VgpuTypeCodec codec = abi.vgpuTypes().orElseThrow();
                MdevType t = codec.decodeConfigInfo(p);
                boolean discard = codec.discard(p);
                discards.add(discard);
                var table = types.computeIfAbsent(target.gpu().gpuId(), k -> new LinkedHashMap<>());
                if (discard) table.clear();
                table.putIfAbsent(t.number(), t); // a number the driver has is reused, not updated
                yield NvStatus.NV_OK;
            }
            case NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_MDEV_REGISTER -> {
                published.merge(target.gpu().gpuId(), 1, Integer::sum);
                yield NvStatus.NV_OK;
            }
            case NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_GET_VGPU_TYPE_INFO -> {
                VgpuTypeCodec codec = abi.vgpuTypes().orElseThrow();
                MdevType t = types.getOrDefault(target.gpu().gpuId(), new LinkedHashMap<>()).get(codec.typeInfoRequest(p));
                if (t == null) yield NvStatus.NV_ERR_OBJECT_NOT_FOUND;
                codec.encodeTypeInfo(p, t, target.gpu().id());
                yield NvStatus.NV_OK;
            }
            case NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_GET_SUPPORTED_VGPU_TYPES -> {
                int[] numbers = types.getOrDefault(target.gpu().gpuId(), new LinkedHashMap<>()).keySet().stream()
                        .mapToInt(Integer::intValue).toArray();
                abi.vgpuTypes().orElseThrow().encodeSupportedTypes(p, numbers, numbers.length, 2);
                yield NvStatus.NV_OK;
            }
            default -> NvStatus.NV_ERR_NOT_SUPPORTED;
        };
    }

    private Gpu gpu(int gpuId) {
        return gpus.stream().filter(g -> g.gpuId() == gpuId).findFirst().orElse(null);
    }

    private int free(MemorySegment a) {
        int handle = NVOS00_PARAMETERS.hObjectOld(a);
        int injected = injected("FREE 0x" + Integer.toHexString(handle), s -> NVOS00_PARAMETERS.status(a, s));
        if (injected <= 0) return injected;
        Obj o = objects.get(handle);
        if (o == null || NVOS00_PARAMETERS.hRoot(a) != clientHandle
                || (handle != clientHandle && o.parent() != NVOS00_PARAMETERS.hObjectParent(a))) {
            NVOS00_PARAMETERS.status(a, NvStatus.NV_ERR_INVALID_OBJECT_HANDLE);
            return 0;
        }
        removeTree(handle);
        NVOS00_PARAMETERS.status(a, NvStatus.NV_OK);
        return 0;
    }

    private void removeTree(int handle) {
        for (var e : new ArrayList<>(objects.entrySet())) {
            if (e.getValue().parent() == handle && e.getKey() != handle) removeTree(e.getKey());
        }
        objects.remove(handle);
    }
}
