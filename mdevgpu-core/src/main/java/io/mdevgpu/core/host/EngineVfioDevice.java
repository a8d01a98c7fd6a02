package io.mdevgpu.core.host;

import io.mdevgpu.IrqEventFds;
import io.mdevgpu.IrqInfo;
import io.mdevgpu.MappedRegion;
import io.mdevgpu.Region;
import io.mdevgpu.ValidationException;
import io.mdevgpu.VfioDevice;
import io.mdevgpu.kernel.vfio.VfioInterrupts;
import io.mdevgpu.kernel.vfio.VfioIrqInfo;
import io.mdevgpu.kernel.vfio.VfioMapping;
import io.mdevgpu.kernel.vfio.VfioRegion;
import io.mdevgpu.kernel.vfio.VfioRegionInfo;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The API's VFIO device over the kernel's ({@link io.mdevgpu.kernel.vfio.VfioDevice}, which owns the fds, mappings
 * and eventfds and closes them in the kernel's order): every call is the kernel handle's, nothing is done twice.
 * Closing it also tells the host that this process no longer holds the instance open. Not thread-safe, as the
 * kernel handle, except {@link #close()}: the kernel handle makes a racing call fail with its typed {@code EBADF}.
 */
final class EngineVfioDevice implements VfioDevice {
    private final io.mdevgpu.kernel.vfio.VfioDevice device;
    private final Runnable onClose;
    private final Map<Integer, EngineIrqEventFds> enabled = new HashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    EngineVfioDevice(io.mdevgpu.kernel.vfio.VfioDevice device, Runnable onClose) {
        this.device = device;
        this.onClose = onClose;
    }

    @Override
    public String name() {
        return device.name();
    }

    @Override
    public int flags() {
        return device.info().flags();
    }

    @Override
    public List<Region> regions() {
        List<Region> out = new ArrayList<>();
        for (VfioRegion r : device.regions()) out.add(new EngineRegion(r));
        return List.copyOf(out);
    }

    @Override
    public Region region(int index) {
        return new EngineRegion(device.region(index));
    }

    @Override
    public List<IrqInfo> irqs() {
        List<IrqInfo> out = new ArrayList<>();
        for (int i = 0; i < device.info().numIrqs(); i++) {
            VfioIrqInfo irq = device.irqInfo(i);
            out.add(new IrqInfo(irq.index(), irq.flags(), irq.count()));
        }
        return List.copyOf(out);
    }

    @Override
    public IrqEventFds enableIrq(int index, int count) {
        if (enabled.containsKey(index) && enabled.get(index).interrupts.isOpen()) {
            throw new ValidationException("IRQ " + IrqInfo.indexName(index) + " of " + name(), "enabled",
                    "disable it (or close its IrqEventFds) before enabling it again");
        }
        EngineIrqEventFds fds = new EngineIrqEventFds(device.enableInterrupts(index, count));
        enabled.put(index, fds);
        return fds;
    }

    @Override
    public void disableIrq(int index) {
        EngineIrqEventFds fds = enabled.remove(index);
        if (fds != null) fds.close();
    }

    @Override
    public void reset() {
        device.reset();
    }

    /** The kernel's handle, for what the API does not show (sparse areas, the group, the container). */
    io.mdevgpu.kernel.vfio.VfioDevice kernelDevice() {
        return device;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        try {
            device.close();
        } finally {
            onClose.run();
        }
    }

    @Override
    public String toString() {
        return device.toString();
    }

    /** A region of the device: reads, writes and mappings are the kernel region's. */
    private record EngineRegion(VfioRegion region) implements Region {
        @Override public int index() { return region.index(); }
        @Override public long size() { return region.size(); }
        @Override public int flags() { return info().flags(); }
        @Override public long offset() { return info().offset(); }
        @Override public boolean readable() { return info().readable(); }
        @Override public boolean writable() { return info().writable(); }
        @Override public boolean mappable() { return info().mappable(); }

        private VfioRegionInfo info() {
            return region.info();
        }

        @Override
        public long read(long offset, int width) {
            return switch (width) {
                case 1 -> Byte.toUnsignedLong(region.read8(offset));
                case 2 -> Short.toUnsignedLong(region.read16(offset));
                case 4 -> Integer.toUnsignedLong(region.read32(offset));
                case 8 -> region.read64(offset);
                default -> throw badWidth(width);
            };
        }

        @Override
        public void write(long offset, int width, long value) {
            switch (width) {
                case 1 -> region.write8(offset, (byte) value);
                case 2 -> region.write16(offset, (short) value);
                case 4 -> region.write32(offset, (int) value);
                case 8 -> region.write64(offset, value);
                default -> throw badWidth(width);
            }
        }

        private ValidationException badWidth(int width) {
            return new ValidationException("access width of " + info().name(), Integer.toString(width), "1, 2, 4 or 8 bytes");
        }

        @Override
        public void read(long offset, MemorySegment dst) {
            region.read(offset, dst);
        }

        @Override
        public MappedRegion map() {
            return new EngineMappedRegion(region.map(), this);
        }

        @Override
        public MemorySegment map(Arena arena) {
            return region.map(0, region.info().size(), arena);
        }

        @Override
        public String toString() {
            return info().toString();
        }
    }

    private record EngineMappedRegion(VfioMapping mapping, Region region) implements MappedRegion {
        @Override
        public MemorySegment segment() {
            return mapping.segment();
        }

        @Override
        public void close() {
            mapping.close();
        }

        @Override
        public String toString() {
            return mapping.toString();
        }
    }

    private static final class EngineIrqEventFds implements IrqEventFds {
        final VfioInterrupts interrupts;

        EngineIrqEventFds(VfioInterrupts interrupts) {
            this.interrupts = interrupts;
        }

        @Override public int index() { return interrupts.irq().index(); }
        @Override public int count() { return interrupts.count(); }

        @Override
        public long await(int vector, Duration timeout) {
            long millis = Math.min(Math.max(timeout.toMillis(), 0), Integer.MAX_VALUE);
            return interrupts.await(vector, (int) millis) ? interrupts.take(vector) : 0;
        }

        @Override
        public void close() {
            interrupts.close();
        }

        @Override
        public String toString() {
            return interrupts.toString();
        }
    }
}
