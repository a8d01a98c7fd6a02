package io.mdevgpu.kernel.vfio;

import static io.mdevgpu.kernel.abi.vfio.VfioConstants.*;
import static io.mdevgpu.kernel.abi.vfio.VfioIoctls.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongUnaryOperator;

import io.mdevgpu.Errno;
import io.mdevgpu.kernel.abi.vfio.VfioIoctls;
import io.mdevgpu.kernel.abi.vfio.vfio_device_info;
import io.mdevgpu.kernel.abi.vfio.vfio_group_status;
import io.mdevgpu.kernel.abi.vfio.vfio_info_cap_header;
import io.mdevgpu.kernel.abi.vfio.vfio_iommu_type1_dma_unmap;
import io.mdevgpu.kernel.abi.vfio.vfio_iommu_type1_info;
import io.mdevgpu.kernel.abi.vfio.vfio_irq_info;
import io.mdevgpu.kernel.abi.vfio.vfio_irq_set;
import io.mdevgpu.kernel.abi.vfio.vfio_region_info;
import io.mdevgpu.kernel.abi.vfio.vfio_region_info_cap_sparse_mmap;
import io.mdevgpu.kernel.abi.vfio.vfio_region_info_cap_type;
import io.mdevgpu.kernel.abi.vfio.vfio_region_sparse_mmap_area;
import io.mdevgpu.kernel.sys.ErrnoCapture;
import io.mdevgpu.kernel.sys.Syscalls;

/**
 * VFIO in miniature, for the port's tests: a kernel with the semantics of {@code drivers/vfio} (EBUSY on a
 * second group open, ENODEV for an unknown device name, EINVAL without a container, {@code argsz} answered the
 * kernel's way) behind real fds. Every node and device fd is a real memfd, so leaks show in /proc/self/fd; a
 * device's regions live in its memfd at their offsets, so pread, pwrite and mmap are real system calls.
 * Records every non-data call and can fail the next call that starts with a given prefix.
 *
 * <p>Public, with the members that set up devices, for {@link io.mdevgpu.kernel.testing.MemfdVfio}: code outside
 * this module (mdevgpu-bench) cannot see this package at compile time, as it is split with the kernel module's.
 */
public final class FakeVfioKernel implements VfioKernel {
    static final class Region {
        final int index;
        int flags;
        final long size;
        final long offset;
        List<VfioRegionInfo.Area> sparse; // null: no sparse capability
        VfioRegionInfo.Type type;
        /** given argsz -> argsz reported; null: the kernel's rule. */
        LongUnaryOperator argszReply;

        Region(int index, int flags, long size, long offset) {
            this.index = index;
            this.flags = flags;
            this.size = size;
            this.offset = offset;
        }
    }

    public static final class Device {
        final String name;
        int flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
        final List<Region> regions = new ArrayList<>();
        final List<int[]> irqs = new ArrayList<>(); // {flags, count}
        final Map<Integer, int[]> eventfds = new HashMap<>();
        /** Backs the device fd: null for a memfd holding the regions, or a path such as /dev/null. */
        String backing;
        int resets;

        Device(String name) {
            this.name = name;
        }

        public Device region(int index, int flags, long size, long offset) {
            regions.add(new Region(index, flags, size, offset));
            return this;
        }

        Region region(int index) {
            return regions.stream().filter(r -> r.index == index).findFirst().orElseThrow();
        }

        public Device irq(int flags, int count) {
            irqs.add(new int[] {flags, count});
            return this;
        }

        long memorySize() {
            return regions.stream().mapToLong(r -> r.offset + r.size).max().orElse(0);
        }
    }

    public static final class Group {
        final int number;
        boolean viable = true;
        final Map<String, Device> devices = new LinkedHashMap<>();

        Group(int number) {
            this.number = number;
        }

        public Device device(String name) {
            return devices.computeIfAbsent(name, Device::new);
        }
    }

    private enum Kind { CONTAINER, GROUP, DEVICE }

    private record Node(Kind kind, String target, Group group, Device device) {
    }

    final List<String> calls = new ArrayList<>();
    /** Off: no records, no failures, no allocation of the fake's own (for allocation tests). */
    boolean recording = true;
    final Map<Integer, Group> groups = new HashMap<>();
    int apiVersion = VFIO_API_VERSION;
    boolean type1v2 = true;
    VfioKernel sysfs; // answers iommuGroupDevices; null: none
    /** Data goes through the real system calls on the stand-in fds. */
    private final LinuxVfioKernel real = new LinuxVfioKernel();
    private final Map<Integer, Node> fds = new HashMap<>();
    private final Node[] byFd = new Node[1 << 16];
    private final Map<Integer, Integer> groupContainer = new HashMap<>();
    private final Map<Integer, Boolean> iommuSet = new HashMap<>();
    private final Map<String, Errno> failures = new LinkedHashMap<>();
    private final Arena arena = Arena.ofAuto();
    private final ErrnoCapture errno = new ErrnoCapture(arena);
    private final MemorySegment one = arena.allocate(JAVA_LONG);

    public Group group(int number) {
        return groups.computeIfAbsent(number, Group::new);
    }

    /** The next call whose record starts with {@code prefix} fails with {@code errno}. */
    FakeVfioKernel failNext(String prefix, Errno errno) {
        failures.put(prefix, errno);
        return this;
    }

    /** By fd without boxing it (fds above 127 would allocate an Integer per call). */
    private Node node(int fd) {
        return fd >= 0 && fd < byFd.length ? byFd[fd] : null;
    }

    private void put(int fd, Node n) {
        fds.put(fd, n);
        byFd[fd] = n;
    }

    public int openFds() {
        return fds.size();
    }

    /** Stops recording calls (and so injecting failures): the fake then allocates nothing of its own per call. */
    public FakeVfioKernel quiet() {
        recording = false;
        return this;
    }

    /** The open fd of device {@code name}, for code that maps or reads the same memory without the port. */
    public int deviceFd(String name) {
        return fds.entrySet().stream().filter(e -> e.getValue().device() != null && e.getValue().device().name.equals(name))
                .mapToInt(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new IllegalStateException("device " + name + " is not open"));
    }

    private int record(String call) {
        calls.add(call);
        for (var it = failures.entrySet().iterator(); it.hasNext(); ) {
            var f = it.next();
            if (call.startsWith(f.getKey())) {
                it.remove();
                calls.set(calls.size() - 1, call + " -> " + f.getValue().name());
                return -f.getValue().number();
            }
        }
        return 0;
    }

    private int standIn(String name, long size) {
        int fd = Syscalls.memfdCreate(errno, arena.allocateFrom(name), Syscalls.MFD_CLOEXEC);
        if (fd < 0) throw new IllegalStateException("memfd_create: " + errno.toErrno());
        if (size > 0 && Syscalls.ftruncate(errno, fd, size) < 0) throw new IllegalStateException("ftruncate: " + errno.toErrno());
        return fd;
    }

    @Override
    public int open(ErrnoCapture e, String node) {
        String path = path(node);
        int fail = !recording ? 0 : record("open " + path);
        if (fail < 0) return fail;
        if (node.equals(CONTAINER)) {
            int fd = standIn("fake-vfio-container", 0);
            put(fd, new Node(Kind.CONTAINER, path, null, null));
            return fd;
        }
        Group g = groups.get(Integer.parseInt(node));
        if (g == null) return -Errno.ENOENT.number();
        if (fds.values().stream().anyMatch(n -> n.kind == Kind.GROUP && n.group == g)) return -Errno.EBUSY.number();
        int fd = standIn("fake-vfio-group-" + node, 0);
        put(fd, new Node(Kind.GROUP, path, g, null));
        return fd;
    }

    @Override
    public String path(String node) {
        return "/fake/dev/vfio/" + node;
    }

    @Override
    public int close(ErrnoCapture e, int fd) {
        Node n = fds.remove(fd);
        if (n != null) byFd[fd] = null;
        int fail = !recording ? 0 : record("close " + (n == null ? "fd " + fd : n.target));
        if (n != null && n.kind == Kind.GROUP) groupContainer.remove(fd);
        if (n != null && n.kind == Kind.CONTAINER) iommuSet.remove(fd);
        if (n == null) return -Errno.EBADF.number();
        Syscalls.close(errno, fd); // Linux releases the fd even when close reports an error
        return fail;
    }

    @Override
    public int ioctl(ErrnoCapture e, int fd, long request, MemorySegment arg) {
        Node n = node(fd);
        if (n == null) return -Errno.EBADF.number();
        int fail = !recording ? 0 : record("ioctl " + n.target + " " + VfioIoctls.name(request));
        if (fail < 0) return fail;
        return switch (n.kind) {
            case CONTAINER -> container(fd, (int) request, arg, 0);
            case GROUP -> group(fd, n, (int) request, arg);
            case DEVICE -> device(n.device, (int) request, arg);
        };
    }

    @Override
    public int ioctl(ErrnoCapture e, int fd, long request, long value) {
        Node n = node(fd);
        if (n == null) return -Errno.EBADF.number();
        int fail = !recording ? 0 : record("ioctl " + n.target + " " + VfioIoctls.name(request) + " " + value);
        if (fail < 0) return fail;
        return switch (n.kind) {
            case CONTAINER -> container(fd, (int) request, null, value);
            case GROUP -> request == VFIO_GROUP_UNSET_CONTAINER ? unset(fd) : -Errno.ENOTTY.number();
            case DEVICE -> {
                if (request != VFIO_DEVICE_RESET) yield -Errno.ENOTTY.number();
                n.device.resets++;
                yield 0;
            }
        };
    }

    private int container(int fd, int request, MemorySegment arg, long value) {
        boolean hasGroup = groupContainer.containsValue(fd);
        if (request == VFIO_GET_API_VERSION) return apiVersion;
        if (request == VFIO_CHECK_EXTENSION) return value == VFIO_TYPE1v2_IOMMU && type1v2 ? 1 : 0;
        if (request == VFIO_SET_IOMMU) {
            if (!hasGroup || iommuSet.containsKey(fd)) return -Errno.EINVAL.number();
            iommuSet.put(fd, true);
            return 0;
        }
        if (!iommuSet.containsKey(fd)) return -Errno.EINVAL.number();
        if (request == VFIO_IOMMU_GET_INFO) {
            vfio_iommu_type1_info.flags(arg, VFIO_IOMMU_INFO_PGSIZES);
            vfio_iommu_type1_info.iova_pgsizes(arg, 0x40201000L);
            return 0;
        }
        if (request == VFIO_IOMMU_MAP_DMA) return 0;
        if (request == VFIO_IOMMU_UNMAP_DMA) return 0; // the size stays: all of it was unmapped
        return -Errno.ENOTTY.number();
    }

    private int unset(int groupFd) {
        Integer container = groupContainer.remove(groupFd);
        if (container == null) return -Errno.EINVAL.number();
        if (!groupContainer.containsValue(container)) iommuSet.remove(container); // the last group takes the IOMMU
        return 0;
    }

    private int group(int fd, Node n, int request, MemorySegment arg) {
        if (request == VFIO_GROUP_GET_STATUS) {
            vfio_group_status.flags(arg, (n.group.viable ? VFIO_GROUP_FLAGS_VIABLE : 0)
                    | (groupContainer.containsKey(fd) ? VFIO_GROUP_FLAGS_CONTAINER_SET : 0));
            return 0;
        }
        if (request == VFIO_GROUP_SET_CONTAINER) {
            int container = arg.get(JAVA_INT, 0);
            Node c = node(container);
            if (c == null || c.kind != Kind.CONTAINER) return -Errno.EBADF.number();
            if (groupContainer.containsKey(fd)) return -Errno.EINVAL.number();
            if (!n.group.viable) return -Errno.EPERM.number();
            groupContainer.put(fd, container);
            return 0;
        }
        if (request == VFIO_GROUP_GET_DEVICE_FD) {
            String name = arg.getString(0);
            if (!groupContainer.containsKey(fd) || !iommuSet.containsKey(groupContainer.get(fd))) return -Errno.EINVAL.number();
            Device d = n.group.devices.get(name);
            if (d == null) return -Errno.ENODEV.number();
            int dfd;
            if (d.backing == null) {
                dfd = standIn("fake-vfio-device-" + name, d.memorySize());
            } else {
                dfd = Syscalls.open(errno, arena.allocateFrom(d.backing), Syscalls.O_RDWR | Syscalls.O_CLOEXEC, 0);
            }
            put(dfd, new Node(Kind.DEVICE, "device " + name, n.group, d));
            return dfd;
        }
        return -Errno.ENOTTY.number();
    }

    private int device(Device d, int request, MemorySegment arg) {
        if (request == VFIO_DEVICE_GET_INFO) {
            vfio_device_info.flags(arg, d.flags);
            vfio_device_info.num_regions(arg, d.regions.stream().mapToInt(r -> r.index + 1).max().orElse(0));
            vfio_device_info.num_irqs(arg, d.irqs.size());
            return 0;
        }
        if (request == VFIO_DEVICE_GET_REGION_INFO) return regionInfo(d, arg);
        if (request == VFIO_DEVICE_GET_IRQ_INFO) {
            int index = vfio_irq_info.index(arg);
            if (index < 0 || index >= d.irqs.size()) return -Errno.EINVAL.number();
            vfio_irq_info.flags(arg, d.irqs.get(index)[0]);
            vfio_irq_info.count(arg, d.irqs.get(index)[1]);
            return 0;
        }
        if (request == VFIO_DEVICE_SET_IRQS) return setIrqs(d, arg);
        return -Errno.ENOTTY.number();
    }

    private int regionInfo(Device d, MemorySegment arg) {
        long argsz = Integer.toUnsignedLong(vfio_region_info.argsz(arg));
        int index = vfio_region_info.index(arg);
        Region r = d.regions.stream().filter(x -> x.index == index).findFirst().orElse(null);
        int numRegions = d.regions.stream().mapToInt(x -> x.index + 1).max().orElse(0);
        if (r == null && index >= 0 && index < numRegions) r = new Region(index, 0, 0, 0); // unimplemented: size 0
        if (r == null) return -Errno.EINVAL.number();
        MemorySegment reply = arg.reinterpret(argsz);
        vfio_region_info.flags(reply, r.flags);
        vfio_region_info.size(reply, r.size);
        vfio_region_info.offset(reply, r.offset);
        vfio_region_info.cap_offset(reply, 0);
        // the capability chain, built the way vfio_info_cap_add does: appended, 8-byte aligned, linked forward
        long base = vfio_region_info.sizeof();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment caps = a.allocate(4096, 8);
            long end = 0;
            long lastHeader = -1;
            if (r.sparse != null) {
                MemorySegment s = caps.asSlice(end);
                vfio_info_cap_header.id(vfio_region_info_cap_sparse_mmap.header(s), (short) VFIO_REGION_INFO_CAP_SPARSE_MMAP);
                vfio_info_cap_header.version(vfio_region_info_cap_sparse_mmap.header(s), (short) 1);
                vfio_region_info_cap_sparse_mmap.nr_areas(s, r.sparse.size());
                for (int i = 0; i < r.sparse.size(); i++) {
                    MemorySegment area = vfio_region_sparse_mmap_area.asSlice(vfio_region_info_cap_sparse_mmap.areas(s), i);
                    vfio_region_sparse_mmap_area.offset(area, r.sparse.get(i).offset());
                    vfio_region_sparse_mmap_area.size(area, r.sparse.get(i).size());
                }
                lastHeader = end;
                end += vfio_region_info_cap_sparse_mmap.sizeof() + r.sparse.size() * vfio_region_sparse_mmap_area.sizeof();
            }
            if (r.type != null) {
                if (lastHeader >= 0) vfio_info_cap_header.next(caps.asSlice(lastHeader), (int) (base + end));
                MemorySegment t = caps.asSlice(end);
                vfio_info_cap_header.id(vfio_region_info_cap_type.header(t), (short) VFIO_REGION_INFO_CAP_TYPE);
                vfio_info_cap_header.version(vfio_region_info_cap_type.header(t), (short) 1);
                vfio_region_info_cap_type.type(t, r.type.type());
                vfio_region_info_cap_type.subtype(t, r.type.subtype());
                end += vfio_region_info_cap_type.sizeof();
            }
            if (end > 0) {
                vfio_region_info.flags(reply, r.flags | VFIO_REGION_INFO_FLAG_CAPS);
                if (argsz < base + end) {
                    vfio_region_info.argsz(reply, (int) (base + end)); // "ask again with this much"
                } else {
                    MemorySegment.copy(caps, 0, reply, base, end);
                    vfio_region_info.cap_offset(reply, (int) base);
                }
            }
        }
        if (r.argszReply != null) vfio_region_info.argsz(reply, (int) r.argszReply.applyAsLong(argsz));
        return 0;
    }

    private int setIrqs(Device d, MemorySegment arg) {
        long argsz = Integer.toUnsignedLong(vfio_irq_set.argsz(arg));
        MemorySegment set = arg.byteSize() >= argsz ? arg : arg.reinterpret(argsz); // no allocation when it fits
        int flags = vfio_irq_set.flags(set), index = vfio_irq_set.index(set);
        int start = vfio_irq_set.start(set), count = vfio_irq_set.count(set);
        if (index < 0 || index >= d.irqs.size()) return -Errno.EINVAL.number();
        int vectors = d.irqs.get(index)[1];
        if (flags == (VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER) && count == 0) {
            d.eventfds.remove(index);
            return 0;
        }
        if (start < 0 || count < 0 || start + count > vectors) return -Errno.EINVAL.number();
        if (flags == (VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER)) {
            if (argsz < vfio_irq_set.sizeof() + 4L * count) return -Errno.EINVAL.number();
            int[] bound = d.eventfds.computeIfAbsent(index, i -> new int[vectors]);
            for (int i = 0; i < count; i++) bound[start + i] = vfio_irq_set.data(set).getAtIndex(JAVA_INT, i);
            return 0;
        }
        if (flags == (VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER)) {
            for (int i = start; i < start + count; i++) fire(d, index, i);
            return 0;
        }
        return -Errno.EINVAL.number();
    }

    /** What the hardware does: signal vector {@code vector} of IRQ {@code index}, if an eventfd is bound. */
    void fire(Device d, int index, int vector) {
        int[] bound = d.eventfds.get(index);
        if (bound == null || bound[vector] <= 0) return;
        one.set(JAVA_LONG, 0, 1L);
        Syscalls.write(errno, bound[vector], one, 8);
    }

    @Override
    public long pread(ErrnoCapture e, int fd, MemorySegment buf, long count, long offset) {
        return real.pread(e, fd, buf, count, offset);
    }

    @Override
    public long pwrite(ErrnoCapture e, int fd, MemorySegment buf, long count, long offset) {
        return real.pwrite(e, fd, buf, count, offset);
    }

    @Override
    public long mmap(ErrnoCapture e, int fd, long length, int prot, long offset) {
        Node n = node(fd);
        int fail = !recording ? 0 : record("mmap " + (n == null ? "fd " + fd : n.target) + " 0x" + Long.toHexString(offset));
        return fail < 0 ? fail : real.mmap(e, fd, length, prot, offset);
    }

    @Override
    public int munmap(ErrnoCapture e, long address, long length) {
        int fail = !recording ? 0 : record("munmap 0x" + Long.toHexString(length));
        return fail < 0 ? fail : real.munmap(e, address, length);
    }

    @Override
    public List<IommuGroupMember> iommuGroupDevices(int group) {
        return sysfs == null ? List.of() : sysfs.iommuGroupDevices(group);
    }
}
