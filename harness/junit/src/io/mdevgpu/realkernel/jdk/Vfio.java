package io.mdevgpu.realkernel.jdk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The VFIO container/group/device API of {@code <linux/vfio.h>} (the only one Debian's kernels offer for
 * mdev: no iommufd). A JDK-only stand-in for the library's {@code io.mdevgpu.kernel.vfio} port; the struct
 * offsets below are written out by hand here only because the library's {@code abi.vfio} bindings are not
 * on this branch yet (the C probe, built against the real header, checks the same calls in the VM).
 */
public final class Vfio {
    // ioctl numbers: _IO(VFIO_TYPE ';', VFIO_BASE 100 + n)
    private static final long GET_API_VERSION = io(0), CHECK_EXTENSION = io(1), SET_IOMMU = io(2),
            GROUP_GET_STATUS = io(3), GROUP_SET_CONTAINER = io(4), GROUP_UNSET_CONTAINER = io(5),
            GROUP_GET_DEVICE_FD = io(6), DEVICE_GET_INFO = io(7), DEVICE_GET_REGION_INFO = io(8),
            DEVICE_GET_IRQ_INFO = io(9), DEVICE_SET_IRQS = io(10), DEVICE_RESET = io(11);
    public static final int TYPE1_IOMMU = 1, TYPE1v2_IOMMU = 3;
    public static final int GROUP_FLAGS_VIABLE = 1, GROUP_FLAGS_CONTAINER_SET = 2;
    public static final int DEVICE_FLAGS_RESET = 1, DEVICE_FLAGS_PCI = 2;
    public static final int REGION_READ = 1, REGION_WRITE = 2, REGION_MMAP = 4, REGION_CAPS = 8;
    public static final int BAR0 = 0, BAR2 = 2, CONFIG_REGION = 7;
    public static final int INTX_IRQ = 0, MSI_IRQ = 1, MSIX_IRQ = 2, ERR_IRQ = 3;
    public static final int IRQ_INFO_EVENTFD = 1;
    private static final int IRQ_SET_DATA_NONE = 1, IRQ_SET_DATA_EVENTFD = 4, IRQ_SET_ACTION_TRIGGER = 32;

    /** Instances with a device fd open in this process: the guard of {@link SysfsMdev#remove}. */
    private static final Set<UUID> OPEN_DEVICES = ConcurrentHashMap.newKeySet();

    private Vfio() {}

    private static long io(int n) {
        return (';' << 8) | (100 + n);
    }

    public static boolean isOpenInThisProcess(UUID uuid) {
        return OPEN_DEVICES.contains(uuid);
    }

    /** Container, group and device of one instance, closed in the kernel's order (device, group, container). */
    public static Session open(int group, UUID uuid) {
        Container container = new Container();
        try {
            Group g = new Group(group);
            try {
                g.attach(container);
                container.setIommu(TYPE1v2_IOMMU);
                return new Session(container, g, g.device(uuid));
            } catch (RuntimeException e) {
                g.close();
                throw e;
            }
        } catch (RuntimeException e) {
            container.close();
            throw e;
        }
    }

    public record Session(Container container, Group group, Device device) implements AutoCloseable {
        @Override
        public void close() {
            try (container; group; device) {
                // try-with-resources closes in reverse order: device, group, container
            }
        }
    }

    public static final class Container implements AutoCloseable {
        final int fd = Syscalls.open("/dev/vfio/vfio", Syscalls.O_RDWR);

        public int apiVersion() {
            return Syscalls.ioctl(fd, GET_API_VERSION, 0L, "VFIO_GET_API_VERSION", "/dev/vfio/vfio");
        }

        public boolean checkExtension(int extension) {
            return Syscalls.ioctl(fd, CHECK_EXTENSION, extension, "VFIO_CHECK_EXTENSION", "/dev/vfio/vfio") > 0;
        }

        public void setIommu(int type) {
            Syscalls.ioctl(fd, SET_IOMMU, type, "VFIO_SET_IOMMU", "/dev/vfio/vfio");
        }

        @Override
        public void close() {
            Syscalls.close(fd);
        }
    }

    public static final class Group implements AutoCloseable {
        private final String node;
        private final int fd;
        private boolean attached;

        public Group(int group) {
            this.node = "/dev/vfio/" + group;
            this.fd = Syscalls.open(node, Syscalls.O_RDWR);
        }

        public int statusFlags() {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment status = arena.allocate(8);   // struct vfio_group_status { argsz, flags }
                status.set(JAVA_INT, 0, 8);
                Syscalls.ioctl(fd, GROUP_GET_STATUS, status, "VFIO_GROUP_GET_STATUS", node);
                return status.get(JAVA_INT, 4);
            }
        }

        public void attach(Container container) {
            try (Arena arena = Arena.ofConfined()) {
                Syscalls.ioctl(fd, GROUP_SET_CONTAINER, arena.allocateFrom(JAVA_INT, container.fd),
                        "VFIO_GROUP_SET_CONTAINER", node);
                attached = true;
            }
        }

        public Device device(UUID uuid) {
            try (Arena arena = Arena.ofConfined()) {
                int deviceFd = Syscalls.ioctl(fd, GROUP_GET_DEVICE_FD, arena.allocateFrom(uuid.toString()),
                        "VFIO_GROUP_GET_DEVICE_FD", node + " " + uuid);
                return new Device(uuid, deviceFd);
            }
        }

        @Override
        public void close() {
            if (attached) Syscalls.ioctl(fd, GROUP_UNSET_CONTAINER, 0L, "VFIO_GROUP_UNSET_CONTAINER", node);
            Syscalls.close(fd);
        }
    }

    public record DeviceInfo(int flags, int numRegions, int numIrqs) {}

    public record RegionInfo(int index, int flags, long size, long offset) {
        public boolean has(int flag) {
            return (flags & flag) != 0;
        }
    }

    public record IrqInfo(int index, int flags, int count) {}

    public static final class Device implements AutoCloseable {
        private final UUID uuid;
        private final int fd;
        private final String target;
        private final List<Mapping> mappings = new ArrayList<>();

        Device(UUID uuid, int fd) {
            this.uuid = uuid;
            this.fd = fd;
            this.target = "vfio device " + uuid;
            OPEN_DEVICES.add(uuid);
        }

        public DeviceInfo info() {
            try (Arena arena = Arena.ofConfined()) {
                // struct vfio_device_info { argsz, flags, num_regions, num_irqs, cap_offset, pad }
                MemorySegment info = arena.allocate(24);
                info.set(JAVA_INT, 0, 24);
                Syscalls.ioctl(fd, DEVICE_GET_INFO, info, "VFIO_DEVICE_GET_INFO", target);
                return new DeviceInfo(info.get(JAVA_INT, 4), info.get(JAVA_INT, 8), info.get(JAVA_INT, 12));
            }
        }

        public RegionInfo region(int index) {
            int argsz = 32;   // struct vfio_region_info { argsz, flags, index, cap_offset; u64 size, offset }
            while (true) {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment info = arena.allocate(argsz, 8);
                    info.set(JAVA_INT, 0, argsz);
                    info.set(JAVA_INT, 8, index);
                    Syscalls.ioctl(fd, DEVICE_GET_REGION_INFO, info, "VFIO_DEVICE_GET_REGION_INFO " + index, target);
                    int needed = info.get(JAVA_INT, 0);
                    if (needed <= argsz) {   // else a capability chain follows: ask again with room for it
                        return new RegionInfo(index, info.get(JAVA_INT, 4), info.get(JAVA_LONG, 16), info.get(JAVA_LONG, 24));
                    }
                    argsz = needed;
                }
            }
        }

        public IrqInfo irq(int index) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment info = arena.allocate(16);   // struct vfio_irq_info { argsz, flags, index, count }
                info.set(JAVA_INT, 0, 16);
                info.set(JAVA_INT, 8, index);
                Syscalls.ioctl(fd, DEVICE_GET_IRQ_INFO, info, "VFIO_DEVICE_GET_IRQ_INFO " + index, target);
                return new IrqInfo(index, info.get(JAVA_INT, 4), info.get(JAVA_INT, 12));
            }
        }

        /** Routes interrupt {@code index} (vector 0) to {@code eventfd}. */
        public void enableIrq(int index, int eventfd) {
            setIrqs(index, IRQ_SET_DATA_EVENTFD | IRQ_SET_ACTION_TRIGGER, 1, eventfd);
        }

        public void disableIrq(int index) {
            setIrqs(index, IRQ_SET_DATA_NONE | IRQ_SET_ACTION_TRIGGER, 0, -1);
        }

        private void setIrqs(int index, int flags, int count, int eventfd) {
            try (Arena arena = Arena.ofConfined()) {
                // struct vfio_irq_set { argsz, flags, index, start, count; u8 data[] } with one s32 eventfd
                int argsz = 20 + (count > 0 ? 4 : 0);
                MemorySegment set = arena.allocate(24, 4);
                set.set(JAVA_INT, 0, argsz);
                set.set(JAVA_INT, 4, flags);
                set.set(JAVA_INT, 8, index);
                set.set(JAVA_INT, 12, 0);
                set.set(JAVA_INT, 16, count);
                set.set(JAVA_INT_UNALIGNED, 20, eventfd);
                Syscalls.ioctl(fd, DEVICE_SET_IRQS, set, "VFIO_DEVICE_SET_IRQS " + index, target);
            }
        }

        public void reset() {
            Syscalls.ioctl(fd, DEVICE_RESET, 0L, "VFIO_DEVICE_RESET", target);
        }

        /** pread(2) of {@code length} bytes at {@code offset} into the region (the fallback for regions without mmap). */
        public byte[] read(RegionInfo region, long offset, int length) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buffer = arena.allocate(length);
                long n = Syscalls.pread(fd, buffer, region.offset() + offset, target + " region " + region.index());
                return buffer.asSlice(0, n).toArray(JAVA_BYTE);
            }
        }

        public long write(RegionInfo region, long offset, byte[] data) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buffer = arena.allocate(data.length);
                MemorySegment.copy(data, 0, buffer, JAVA_BYTE, 0, data.length);
                return Syscalls.pwrite(fd, buffer, region.offset() + offset, target + " region " + region.index());
            }
        }

        /** A shared mapping of the first {@code length} bytes of a region with the MMAP flag. */
        public Mapping map(RegionInfo region, long length) {
            Mapping mapping = new Mapping(this, Syscalls.mmap(fd, length, region.offset(), target + " region " + region.index()));
            mappings.add(mapping);
            return mapping;
        }

        @Override
        public void close() {
            for (Mapping mapping : List.copyOf(mappings)) mapping.close();
            Syscalls.close(fd);
            OPEN_DEVICES.remove(uuid);
        }
    }

    /**
     * One mmap of a device region, unmapped on close (or with its device). The segment belongs to the
     * mapping's arena, so a use after close fails in Java instead of faulting.
     */
    public static final class Mapping implements AutoCloseable {
        private final Device device;
        private final Arena arena = Arena.ofShared();
        private final MemorySegment segment;

        Mapping(Device device, MemorySegment raw) {
            this.device = device;
            long length = raw.byteSize();
            this.segment = raw.reinterpret(arena, unmapped -> Syscalls.munmap(unmapped.reinterpret(length)));
        }

        public MemorySegment segment() {
            return segment;
        }

        @Override
        public void close() {
            if (!arena.scope().isAlive()) return;
            arena.close();
            device.mappings.remove(this);
        }
    }
}
