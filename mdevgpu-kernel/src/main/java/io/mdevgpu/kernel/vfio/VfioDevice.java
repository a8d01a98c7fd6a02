package io.mdevgpu.kernel.vfio;

import static io.mdevgpu.kernel.abi.vfio.VfioConstants.*;
import static io.mdevgpu.kernel.abi.vfio.VfioIoctls.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.abi.vfio.vfio_device_info;
import io.mdevgpu.kernel.abi.vfio.vfio_irq_info;
import io.mdevgpu.kernel.abi.vfio.vfio_region_info;
import io.mdevgpu.kernel.sys.ErrnoCapture;

/**
 * An open VFIO device fd: its info, regions (read and written with {@code pread}/{@code pwrite}, or through
 * mappings), IRQs and reset. Owns its mappings and interrupt eventfds: closing it closes them, then the fd.
 *
 * <p>Region reads and writes allocate nothing: they go through a per-device preallocated buffer (or straight to
 * a mapping), with the device's preallocated errno capture. Not thread-safe, except {@link #close()}: a close from
 * another thread waits for the calls in flight on the fd, and every call after it (or racing it) throws
 * {@link io.mdevgpu.KernelException} with {@code EBADF} naming the operation and the device, whose fix is to open
 * it again.
 */
public final class VfioDevice extends FdOwner {
    private static final Logger LOG = LoggerFactory.getLogger(VfioDevice.class);
    private static final long BOUNCE_BYTES = 4096;

    private final VfioGroup group;
    private final String name;
    /** pread/pwrite bounce buffer: 1-8 byte accesses, and heap segments' transfers a page at a time. */
    final MemorySegment scratch;
    private final MemorySegment regionInfo;
    private final MemorySegment irqInfo;
    private final VfioDeviceInfo info;
    private final VfioRegion[] regions;
    /** Copy-on-write: a close of one handle from another thread may leave it while the device closes. */
    private final List<VfioInterrupts> interrupts = new CopyOnWriteArrayList<>();
    private boolean closesContainer;

    private VfioDevice(VfioGroup group, String name, Arena arena, KernelFd fd, VfioDeviceInfo info) {
        super(arena, fd);
        this.group = group;
        this.name = name;
        this.info = info;
        this.scratch = arena.allocate(BOUNCE_BYTES, Long.BYTES);
        this.regionInfo = arena.allocate(vfio_region_info.sizeof(), InfoReply.ALIGNMENT);
        this.irqInfo = vfio_irq_info.allocate(arena);
        this.regions = new VfioRegion[info.numRegions()];
    }

    static VfioDevice open(VfioGroup group, String name) {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment cName = arena.allocateFrom(name);
            int r = group.getDeviceFd(cName, name);
            KernelFd fd = new KernelFd(group.container().kernel(), new ErrnoCapture(arena), r,
                    "device " + name + " in " + group.path());
            try {
                MemorySegment fixed = arena.allocate(vfio_device_info.sizeof(), InfoReply.ALIGNMENT);
                VfioDeviceInfo info;
                try (Arena scratch = Arena.ofConfined()) {
                    MemorySegment reply = InfoReply.query(fd, VFIO_DEVICE_GET_INFO, vfio_device_info.LAYOUT, fixed, s -> { },
                            scratch);
                    info = new InfoReply("VFIO_DEVICE_GET_INFO", fd.target).device(reply);
                }
                LOG.debug("opened VFIO {}: {}", fd, info);
                VfioDevice device = new VfioDevice(group, name, arena, fd, info);
                group.container().vfio().opened(name);
                return device;
            } catch (RuntimeException e) {
                var c = fd.close();
                if (c != null) e.addSuppressed(c);
                throw e;
            }
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Closing this device closes its container too (for {@link Vfio#openDevice}). */
    void closeContainerWithDevice() {
        closesContainer = true;
    }

    /** The device's name in its group: an mdev's UUID, a PCI address. */
    public String name() {
        return name;
    }

    public VfioGroup group() {
        return group;
    }

    /** What {@code VFIO_DEVICE_GET_INFO} said when the device was opened. */
    public VfioDeviceInfo info() {
        return info;
    }

    /** Region {@code index}; its info is queried (with the {@code argsz} re-query) the first time it is asked for. */
    public VfioRegion region(int index) {
        if (index < 0 || index >= regions.length) {
            throw new ValidationException("VFIO region index", Integer.toString(index),
                    "0.." + (regions.length - 1) + ": device " + name + " has " + regions.length + " regions");
        }
        if (!tryEnter()) throw closed("get region " + index);
        try {
            VfioRegion region = regions[index];
            if (region == null) {
                region = new VfioRegion(this, queryRegion(index));
                regions[index] = region;
            }
            return region;
        } finally {
            exit();
        }
    }

    /** vfio-pci's config space region ({@code VFIO_PCI_CONFIG_REGION_INDEX}). */
    public VfioRegion config() {
        return region(VFIO_PCI_CONFIG_REGION_INDEX);
    }

    /** Every region, by index (unimplemented ones have size 0). */
    public List<VfioRegion> regions() {
        List<VfioRegion> all = new ArrayList<>(regions.length);
        for (int i = 0; i < regions.length; i++) all.add(region(i));
        return all;
    }

    private VfioRegionInfo queryRegion(int index) {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment reply = InfoReply.query(fd, VFIO_DEVICE_GET_REGION_INFO, vfio_region_info.LAYOUT, regionInfo,
                    s -> vfio_region_info.index(s, index), scratch);
            VfioRegionInfo info = new InfoReply("VFIO_DEVICE_GET_REGION_INFO", "region " + index + " of " + fd.target)
                    .region(reply);
            LOG.debug("{}: {}", fd.target, info);
            return info;
        }
    }

    /** {@code VFIO_DEVICE_GET_IRQ_INFO} for IRQ index {@code index} (vfio-pci: INTx 0, MSI 1, MSI-X 2, ERR 3, REQ 4). */
    public VfioIrqInfo irqInfo(int index) {
        checkIrqIndex(index);
        enter("get IRQ info");
        try {
            return queryIrq(index);
        } finally {
            exit();
        }
    }

    private void checkIrqIndex(int index) {
        if (index < 0 || index >= info.numIrqs()) {
            throw new ValidationException("VFIO IRQ index", Integer.toString(index),
                    info.numIrqs() == 0 ? "none: device " + name + " has no IRQs"
                            : "0.." + (info.numIrqs() - 1) + ": device " + name + " has " + info.numIrqs() + " IRQ indexes");
        }
    }

    /** Inside the gate. */
    private VfioIrqInfo queryIrq(int index) {
        irqInfo.fill((byte) 0);
        vfio_irq_info.argsz(irqInfo, (int) vfio_irq_info.sizeof());
        vfio_irq_info.index(irqInfo, index);
        fd.ioctlOrThrow(VFIO_DEVICE_GET_IRQ_INFO, irqInfo, null);
        return new VfioIrqInfo(vfio_irq_info.index(irqInfo), vfio_irq_info.flags(irqInfo), vfio_irq_info.count(irqInfo));
    }

    /**
     * Binds {@code count} new eventfds to vectors 0..count-1 of IRQ index {@code index}
     * ({@code VFIO_DEVICE_SET_IRQS} with {@code DATA_EVENTFD | ACTION_TRIGGER}); closing the returned handle
     * disables the index and closes the eventfds.
     */
    public VfioInterrupts enableInterrupts(int index, int count) {
        checkIrqIndex(index);
        enter("enable interrupts");
        try {
            VfioIrqInfo irq = queryIrq(index);
            if (!irq.eventfd() || count < 1 || count > irq.count()) {
                throw new ValidationException("interrupt count for " + irq.name() + " of device " + name, Integer.toString(count),
                        irq.eventfd() && irq.count() > 0 ? "1.." + irq.count() : "none: " + irq.name() + " has no eventfd vectors");
            }
            VfioInterrupts handle = VfioInterrupts.enable(this, irq, count);
            interrupts.add(handle);
            return handle;
        } finally {
            exit();
        }
    }

    void closed(VfioInterrupts handle) {
        interrupts.remove(handle);
    }

    /** {@code VFIO_DEVICE_RESET}. */
    public void reset() {
        enter("reset");
        try {
            fd.ioctlOrThrow(VFIO_DEVICE_RESET, 0L, info.canReset() ? null : "the device does not advertise reset");
        } finally {
            exit();
        }
    }

    /** Disables its interrupts, unmaps its mappings, closes the device fd; and its container, if it owns it. */
    @Override
    public void close() {
        if (!shut()) return;
        Closer closer = new Closer();
        closer.run(this::releaseShut);
        if (closesContainer) closer.run(group.container()::close);
        closer.finish();
    }

    @Override
    String kind() {
        return "device";
    }

    @Override
    void beforeClose(Closer closer) {
        for (VfioInterrupts i : List.copyOf(interrupts).reversed()) closer.run(i::closeWithDevice);
        for (VfioRegion r : regions) {
            if (r != null) closer.run(r::unmapAll);
        }
    }

    @Override
    void afterClose() {
        group.closed(this);
        group.container().vfio().closed(name);
    }

    @Override
    public String toString() {
        return "VfioDevice[" + name + " in " + group.path() + (!isOpen() ? ", closed" : ", " + info) + "]";
    }
}
