package io.mdevgpu.kernel.nvrm;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mdevgpu.Errno;
import io.mdevgpu.HostStateException;
import io.mdevgpu.KernelException;
import io.mdevgpu.MdevType;
import io.mdevgpu.NotVgpuHostException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.PciId;
import io.mdevgpu.UnsupportedDriverException;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.abi.nvrm.NV0000_CTRL_GPU_ATTACH_IDS_PARAMS;
import io.mdevgpu.kernel.abi.nvrm.NV0000_CTRL_GPU_DETACH_IDS_PARAMS;
import io.mdevgpu.kernel.abi.nvrm.NV0000_CTRL_GPU_GET_ID_INFO_PARAMS;
import io.mdevgpu.kernel.abi.nvrm.NV0080_ALLOC_PARAMETERS;
import io.mdevgpu.kernel.abi.nvrm.NV2080_ALLOC_PARAMETERS;
import io.mdevgpu.kernel.abi.nvrm.NV2080_CTRL_BUS_GET_PCI_INFO_PARAMS;
import io.mdevgpu.kernel.abi.nvrm.NvClass;
import io.mdevgpu.kernel.abi.nvrm.NvControl;
import io.mdevgpu.kernel.abi.nvrm.NvrmAbi;
import io.mdevgpu.kernel.abi.nvrm.VirtualizationMode;

/**
 * One attached GPU of an {@link RmClient}: its {@code /dev/nvidiaN} held open, its device and subdevice objects.
 * Registers vGPU types ({@link #registerTypes}) and reads them back (the table's own code is {@link VgpuTypeTable}).
 * {@link #close()} frees the objects in reverse, closes the device node and detaches the GPU, each step even when an
 * earlier one failed.
 */
public final class RmGpu implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RmGpu.class);

    private final RmClient client;
    private final int gpuId;
    /** What close() undoes, newest first: {parent, handle} of each object. */
    private final Deque<int[]> objects = new ArrayDeque<>();
    private boolean attached;
    private int deviceFd = -1;
    private String devicePath;
    private PciAddress address;
    private PciId pciId;
    private int revision;
    private int minor = -1;
    private int deviceInstance;
    private int subdeviceInstance;
    private int hDevice, hSubdevice;
    private boolean closed;
    private String target;
    private boolean targetHasAddress;

    private RmGpu(RmClient client, int gpuId) {
        this.client = client;
        this.gpuId = gpuId;
    }

    /** The sequence of the predecessor, each step undone by close() if a later one fails. */
    static RmGpu open(RmClient client, int gpuId) {
        RmGpu gpu = new RmGpu(client, gpuId);
        try {
            gpu.address = client.pciAddress(gpuId);
            gpu.attach();
            gpu.minor = gpu.findMinor();
            gpu.openDeviceNode();
            gpu.readIdInfo();
            gpu.hDevice = gpu.allocDevice();
            gpu.hSubdevice = gpu.allocSubdevice();
            gpu.readBusPciInfo();
        } catch (RuntimeException e) {
            try {
                gpu.close();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        LOG.debug("opened {}: {} rev {}, /dev/nvidia{}, device instance {}", gpu.target(), gpu.pciId, Integer.toHexString(gpu.revision),
                gpu.minor, gpu.deviceInstance);
        return gpu;
    }

    /** How errors name this GPU; fixed once its address is known, so that calls do not build it. */
    String target() {
        if (target == null || address != null && !targetHasAddress) {
            target = RmClient.gpuTarget(address, gpuId);
            targetHasAddress = address != null;
        }
        return target;
    }

    MemorySegment params(String struct) {
        return client.buffer(struct);
    }

    private void attach() {
        MemorySegment p = params(NvrmAbi.ATTACH_IDS);
        for (int i = 0; i < NV0000_CTRL_GPU_ATTACH_IDS_PARAMS.gpuIds$length(); i++) {
            NV0000_CTRL_GPU_ATTACH_IDS_PARAMS.gpuIds(p, i, i == 0 ? gpuId : NvControl.NV0000_CTRL_GPU_INVALID_ID);
        }
        client.control(client.clientHandle(), NvControl.NV0000_CTRL_CMD_GPU_ATTACH_IDS, p, target());
        attached = true;
    }

    private void detach() {
        MemorySegment p = params(NvrmAbi.DETACH_IDS);
        for (int i = 0; i < NV0000_CTRL_GPU_DETACH_IDS_PARAMS.gpuIds$length(); i++) {
            NV0000_CTRL_GPU_DETACH_IDS_PARAMS.gpuIds(p, i, i == 0 ? gpuId : NvControl.NV0000_CTRL_GPU_INVALID_ID);
        }
        client.control(client.clientHandle(), NvControl.NV0000_CTRL_CMD_GPU_DETACH_IDS, p, target());
        attached = false;
    }

    /** The GPU's own device node minor, from {@code NV_ESC_CARD_INFO} (not its place in the probed list). */
    private int findMinor() {
        for (CardInfo card : client.cardInfo()) {
            boolean sameId = card.gpuId() == gpuId;
            boolean sameSlot = card.address().domain() == address.domain() && card.address().bus() == address.bus()
                    && card.address().slot() == address.slot();
            if (sameId || sameSlot) return card.minor();
        }
        throw new HostStateException("find the device node of", target(),
                "NV_ESC_CARD_INFO lists no card with this gpu id or PCI address",
                "check that the GPU is bound to the nvidia driver and not excluded (NVreg_ExcludedGpus)", null);
    }

    private void openDeviceNode() {
        devicePath = client.devDirectory() + "/nvidia" + minor;
        int fd = client.openNode(devicePath);
        if (fd < 0) {
            throw KernelException.of("open GPU device node", devicePath, Errno.of(-fd),
                    "the driver needs this node held open to allocate the GPU's device object; create it with "
                            + "nvidia-modprobe or mknod (major 195, minor " + minor + ") and run as root");
        }
        deviceFd = fd;
    }

    private void readIdInfo() {
        MemorySegment p = params(NvrmAbi.ID_INFO);
        NV0000_CTRL_GPU_GET_ID_INFO_PARAMS.gpuId(p, gpuId);
        client.control(client.clientHandle(), NvControl.NV0000_CTRL_CMD_GPU_GET_ID_INFO, p, target());
        deviceInstance = NV0000_CTRL_GPU_GET_ID_INFO_PARAMS.deviceInstance(p);
        subdeviceInstance = NV0000_CTRL_GPU_GET_ID_INFO_PARAMS.subDeviceInstance(p);
    }

    private int allocDevice() {
        MemorySegment p = params(NvrmAbi.DEVICE_ALLOC);
        NV0080_ALLOC_PARAMETERS.deviceId(p, deviceInstance);
        return allocObject(client.clientHandle(), NvClass.NV01_DEVICE_0, p);
    }

    private int allocSubdevice() {
        MemorySegment p = params(NvrmAbi.SUBDEVICE_ALLOC);
        NV2080_ALLOC_PARAMETERS.subDeviceId(p, subdeviceInstance);
        return allocObject(hDevice, NvClass.NV20_SUBDEVICE_0, p);
    }

    int allocObject(int parent, int hClass, MemorySegment allocParams) {
        int handle = client.newHandle();
        client.alloc(parent, handle, hClass, allocParams, target());
        objects.push(new int[] {parent, handle});
        return handle;
    }

    void freeObject(int handle) {
        int[] top = objects.peek();
        if (top == null || top[1] != handle) throw new IllegalStateException("objects are freed newest first");
        client.free(top[0], handle, target());
        objects.pop();
    }

    private void readBusPciInfo() {
        MemorySegment p = params(NvrmAbi.BUS_PCI_INFO);
        client.control(hSubdevice, NvControl.NV2080_CTRL_CMD_BUS_GET_PCI_INFO, p, target());
        int device = NV2080_CTRL_BUS_GET_PCI_INFO_PARAMS.pciDeviceId(p);
        int subsystem = NV2080_CTRL_BUS_GET_PCI_INFO_PARAMS.pciSubSystemId(p);
        pciId = PciId.of(device & 0xFFFF, device >>> 16, subsystem & 0xFFFF, subsystem >>> 16);
        revision = NV2080_CTRL_BUS_GET_PCI_INFO_PARAMS.pciRevisionId(p);
    }

    public int gpuId() {
        return gpuId;
    }

    public PciAddress address() {
        return address;
    }

    /** Vendor, device and subsystem ids as the driver reads them ({@code BUS_GET_PCI_INFO}). */
    public PciId pciId() {
        return pciId;
    }

    public int revision() {
        return revision;
    }

    /** N of the GPU's {@code /dev/nvidiaN}. */
    public int minor() {
        return minor;
    }

    public int deviceInstance() {
        return deviceInstance;
    }

    public int subdeviceInstance() {
        return subdeviceInstance;
    }

    /** The handle of the GPU's device object ({@code NV01_DEVICE_0}), as this client chose it. */
    public int deviceHandle() {
        return hDevice;
    }

    /** The handle of the GPU's subdevice object ({@code NV20_SUBDEVICE_0}). */
    public int subdeviceHandle() {
        return hSubdevice;
    }

    /** The device's {@code NV0080_CTRL_GPU_VIRTUALIZATION_MODE_*}; see {@link VirtualizationMode}. */
    public int virtualizationMode() {
        requireOpen();
        MemorySegment p = params(NvrmAbi.VIRTUALIZATION_MODE);
        client.control(hDevice, NvControl.NV0080_CTRL_CMD_GPU_GET_VIRTUALIZATION_MODE, p, target());
        return client.abi().virtualizationMode(p);
    }

    /**
     * The GPU's vGPU heterogeneous mode ({@code GET_VGPU_HETEROGENEOUS_MODE} on the device object): whether it takes
     * vGPUs of several sizes. The driver answers it for any GPU (off where it is no vGPU host).
     *
     * @throws KernelException EOPNOTSUPP where the release has no such control (before 550), naming the release
     * @throws io.mdevgpu.DriverException the driver's failing status, with its causes
     */
    public boolean heterogeneousMode() {
        requireOpen();
        return HeterogeneousModeControl.read(client, this);
    }

    /**
     * Sets the GPU's vGPU heterogeneous mode ({@code SET_VGPU_HETEROGENEOUS_MODE}), as {@code nvidia-smi vgpu -shm}:
     * on a vGPU host, after its VFs are enabled and before its first vGPU; read back after. Enabling the VFs again
     * resets it.
     *
     * @throws KernelException      EOPNOTSUPP where the release has no such control (before 550); nothing is sent
     * @throws NotVgpuHostException the GPU's virtualization mode is not HOST; nothing is sent
     * @throws io.mdevgpu.DriverException NV_ERR_IN_USE while a vGPU exists, NV_ERR_NOT_SUPPORTED where the GPU has no
     *                                    such mode
     * @throws HostStateException   the driver reads another mode back
     */
    public void setHeterogeneousMode(boolean on) {
        requireOpen();
        HeterogeneousModeControl.set(client, this, on);
    }

    /**
     * Registers {@code types} with the driver and publishes them to the mdev core: the vGPU config object, one
     * {@code SET_INFO} per type ({@code discardExisting} on the first drops the GPU's earlier types), then
     * {@code MDEV_REGISTER} / {@code UPDATE_PGPU_INFO}. Every type is checked against the release's limits first,
     * and the GPU must be a vGPU host; until then nothing is sent. The types outlive this client (they are driver
     * state): undoing means registering the previous table again with {@code discardExisting}.
     *
     * @throws ValidationException        no types, too many, a duplicate number, or one that does not fit the release
     * @throws NotVgpuHostException       the GPU's virtualization mode is not HOST
     * @throws UnsupportedDriverException the release has no vGPU type layout here (515)
     */
    public void registerTypes(List<MdevType> types, boolean discardExisting) {
        requireOpen();
        VgpuTypeTable.register(client, this, types, discardExisting);
    }

    /**
     * Empties the GPU's type table and, when {@code publish}, publishes the empty table: one {@code SET_INFO} with
     * {@code discardVgpuTypes} and the invalid type 0, which a driver that discards before checking answers
     * {@code NV_ERR_INVALID_ARGUMENT} after emptying the table (the simulated driver does; <strong>unverified on a real
     * driver</strong>, so the table is read back), then {@code MDEV_REGISTER} / {@code UPDATE_PGPU_INFO}. What rolling back to a GPU that had no
     * types does, since {@link #registerTypes} needs at least one type; it publishes only when the types it discards
     * had been published. The GPU must be a vGPU host; until that is known nothing is sent.
     *
     * @throws NotVgpuHostException the GPU's virtualization mode is not HOST
     * @throws io.mdevgpu.DriverException      the driver answered the discard with anything but OK or INVALID_ARGUMENT
     * @throws HostStateException             the release reads types back and the table is not empty after the discard
     */
    public void discardTypes(boolean publish) {
        requireOpen();
        VgpuTypeTable.discard(client, this, publish);
    }

    /**
     * The type {@code number} as the driver holds it ({@code GET_VGPU_TYPE_INFO}); empty when the driver has no such
     * type.
     */
    public Optional<MdevType> readType(int number) {
        requireOpen();
        return VgpuTypeTable.read(client, this, number);
    }

    /** The type numbers the driver lists as supported on this GPU ({@code GET_SUPPORTED_VGPU_TYPES}). */
    public List<Integer> supportedTypes() {
        requireOpen();
        return VgpuTypeTable.supported(client, this);
    }

    private void requireOpen() {
        if (closed) {
            throw KernelException.of("use", target(), Errno.EBADF,
                    "its RM objects were freed when it was closed: open it again (RmClient.openGpu)");
        }
        client.requireOpen();
    }

    /** Frees the GPU's objects newest first, closes its device node and detaches it; each step despite failures. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        List<RuntimeException> failures = new ArrayList<>();
        while (!objects.isEmpty()) {
            int[] o = objects.pop();
            try {
                client.free(o[0], o[1], target());
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (deviceFd >= 0) {
            int r = client.closeNode(deviceFd);
            if (r < 0) failures.add(KernelException.of("close", devicePath, Errno.of(-r), null));
            deviceFd = -1;
        }
        if (attached) {
            try {
                detach();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        client.forget(this);
        RmClient.throwFirst(failures);
    }

    @Override
    public String toString() {
        return "RmGpu[" + target() + (pciId == null ? "" : " " + pciId) + (minor < 0 ? "" : ", /dev/nvidia" + minor)
                + (closed ? ", closed" : "") + "]";
    }
}
