package io.mdevgpu.sim;

import static io.mdevgpu.kernel.abi.vfio.VfioConstants.*;
import static io.mdevgpu.kernel.abi.vfio.VfioIoctls.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongUnaryOperator;
import java.util.function.Predicate;

import io.mdevgpu.Errno;
import io.mdevgpu.kernel.abi.vfio.VfioIoctls;
import io.mdevgpu.kernel.abi.vfio.vfio_device_info;
import io.mdevgpu.kernel.abi.vfio.vfio_group_status;
import io.mdevgpu.kernel.abi.vfio.vfio_iommu_type1_dma_map;
import io.mdevgpu.kernel.abi.vfio.vfio_iommu_type1_dma_unmap;
import io.mdevgpu.kernel.abi.vfio.vfio_info_cap_header;
import io.mdevgpu.kernel.abi.vfio.vfio_iommu_type1_info;
import io.mdevgpu.kernel.abi.vfio.vfio_irq_info;
import io.mdevgpu.kernel.abi.vfio.vfio_irq_set;
import io.mdevgpu.kernel.abi.vfio.vfio_region_info;
import io.mdevgpu.kernel.abi.vfio.vfio_region_info_cap_sparse_mmap;
import io.mdevgpu.kernel.abi.vfio.vfio_region_info_cap_type;
import io.mdevgpu.kernel.abi.vfio.vfio_region_sparse_mmap_area;
import io.mdevgpu.sim.Faults.Failure;
import io.mdevgpu.kernel.sys.ErrnoCapture;
import io.mdevgpu.kernel.sys.Syscalls;
import io.mdevgpu.kernel.vfio.IommuGroupMember;
import io.mdevgpu.kernel.vfio.VfioIrqInfo;
import io.mdevgpu.kernel.vfio.VfioKernel;
import io.mdevgpu.kernel.vfio.VfioRegionInfo;

/**
 * VFIO with the semantics of {@code drivers/vfio} behind real fds: the simulated kernel's VFIO, and on its own a
 * configurable VFIO for the port's tests. It decodes the same ioctl bytes the kernel does: the container's API
 * version, extension check and {@code SET_IOMMU}; a group's status, {@code SET_CONTAINER}/{@code UNSET_CONTAINER}
 * and {@code GET_DEVICE_FD} (EBUSY on a second open of a group, in this process or, on a host kept in a directory,
 * another that holds one of its devices open; EINVAL without a container and IOMMU, ENODEV for an
 * unknown device name); a device's {@code GET_INFO}, {@code GET_REGION_INFO} (with {@code argsz} and capability
 * chains answered the kernel's way), {@code GET_IRQ_INFO}, {@code SET_IRQS} on real eventfds and {@code RESET};
 * ENOTTY for anything else.
 *
 * <p>Interrupts follow what the real kernel was seen to do (harness/README.md, facts K11 and K14-K17; 6.12's mtty,
 * which has vfio-pci's rules): {@code GET_IRQ_INFO} and {@code SET_IRQS} are EINVAL until {@code GET_INFO} was
 * asked once for the device (the answer outlives the fd); {@code DATA_NONE | ACTION_TRIGGER} with count 0 disables an
 * enabled index (EINVAL for one that is not), with a count it signals those vectors, as {@code DATA_BOOL} does for
 * each true byte; an {@code AUTOMASKED} index masks itself when it signals and signals nothing more until
 * {@code ACTION_UNMASK}; mask and unmask of an index that is not {@code MASKABLE} is ENOTTY; INTx, MSI and MSI-X
 * exclude each other (enabling one while another is enabled is EINVAL). Every {@code SET_IRQS} is recorded,
 * decoded, in {@link #irqSets()} while the faults record.
 *
 * <p>Every node and device fd is a real fd, so leaks show in {@code /proc/self/fd}. A device's memory-backed regions
 * live in one memfd of the device at their offsets, created when the device is opened and released with its last
 * fd (a mapping keeps its pages until it is unmapped); each device fd is a fresh open of that memfd, so {@code pread},
 * {@code pwrite} and {@code mmap} of those regions are real system calls on real memory (sparse: only pages
 * touched are allocated). A region with a {@link ConfigSpaceEmulator} (the CONFIG region of an mdev instance) is
 * served by the emulator instead. Access outside every region is EINVAL, a mapping of a region without
 * {@code MMAP}, outside its sparse areas or off a page boundary is EINVAL, as the kernel answers.
 *
 * <p>Every call passes the {@link Faults} first as a {@link VfioCall}; its text is {@code "open <path>"},
 * {@code "close <target>"}, {@code "ioctl <target> <VFIO_NAME>[ <value>]"}, {@code "pread <target>"},
 * {@code "pwrite <target>"}, {@code "mmap <target> 0x<offset>"} or {@code "munmap 0x<length>"}, where a target is a
 * node's path or {@code "device <name>"}. Region access, {@code SET_IRQS} and {@code RESET} allocate nothing while
 * recording is off. Thread-safe under the simulated kernel's lock.
 */
public final class SimVfioKernel implements VfioKernel {
    private static final long PAGE = 4096;

    /** One region of a device: what {@code GET_REGION_INFO} reports and what backs its data. */
    public static final class Region {
        private final int index;
        private int flags;
        private final long size;
        private final long offset;
        private List<VfioRegionInfo.Area> sparse; // null: no sparse capability
        private VfioRegionInfo.Type type;
        private LongUnaryOperator argszReply;
        private final ConfigSpaceEmulator emulator;

        private Region(int index, int flags, long size, long offset, ConfigSpaceEmulator emulator) {
            this.index = index;
            this.flags = flags;
            this.size = size;
            this.offset = offset;
            this.emulator = emulator;
        }

        public int index() { return index; }
        public int flags() { return flags; }
        public long size() { return size; }
        public long offset() { return offset; }
        public Optional<ConfigSpaceEmulator> emulator() { return Optional.ofNullable(emulator); }

        public Region flags(int flags) {
            this.flags = flags;
            return this;
        }

        /** Adds a sparse-mmap capability listing {@code areas} (the mappable parts of the region). */
        public Region sparse(List<VfioRegionInfo.Area> areas) {
            this.sparse = List.copyOf(areas);
            return this;
        }

        /** Adds a region-type capability. */
        public Region type(VfioRegionInfo.Type type) {
            this.type = type;
            return this;
        }

        /** Makes {@code GET_REGION_INFO} answer with {@code argsz} = f(given argsz): a misbehaving driver, for tests. */
        public Region argszReply(LongUnaryOperator reply) {
            this.argszReply = reply;
            return this;
        }

        private boolean contains(long at) {
            return at >= offset && at - offset < Math.max(size, emulator != null ? emulator.size() : 0);
        }

        @Override
        public String toString() {
            return "region " + index + " size 0x" + Long.toHexString(size) + " at 0x" + Long.toHexString(offset)
                    + (emulator != null ? " (emulated)" : "");
        }
    }

    /** A VFIO device of a group: regions, interrupts, and what backs them. */
    public static final class Device {
        private final String name;
        private int flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
        private final List<Region> regions = new ArrayList<>();
        private final List<int[]> irqs = new ArrayList<>(); // {flags, count}
        private final Map<Integer, int[]> eventfds = new HashMap<>();
        /** Indexes (bit per index) masked: by ACTION_MASK, or by an automasked signal until ACTION_UNMASK. */
        private int masked;
        /** Whether GET_INFO was asked: the driver answers IRQ requests only then, for as long as the device exists (K11). */
        private boolean infoAsked;
        private int numRegions = -1;
        private String backing;
        private int resets;
        private int memfd = -1;
        private long memfdSize;
        private int openFds;
        private final SimVfioKernel kernel;

        private Device(SimVfioKernel kernel, String name) {
            this.kernel = kernel;
            this.name = name;
        }

        public String name() { return name; }

        public Device flags(int flags) {
            synchronized (kernel.lock) {
                this.flags = flags;
                return this;
            }
        }

        /** Adds a memory-backed region: its bytes live in the device's memfd at {@code offset}. */
        public Device region(int index, int flags, long size, long offset) {
            return add(new Region(index, flags, size, offset, null));
        }

        /** Adds a region served by {@code emulator} (a CONFIG region): {@code size} is the emulator's. */
        public Device emulatedRegion(int index, int flags, long offset, ConfigSpaceEmulator emulator) {
            return add(new Region(index, flags, emulator.size(), offset, Objects.requireNonNull(emulator, "emulator")));
        }

        private Device add(Region r) {
            synchronized (kernel.lock) {
                regions.removeIf(x -> x.index == r.index);
                regions.add(r);
                kernel.growMemory(this);
                return this;
            }
        }

        /** The region {@code index}. */
        public Region region(int index) {
            synchronized (kernel.lock) {
                return regions.stream().filter(r -> r.index == index).findFirst().orElseThrow(
                        () -> new IllegalArgumentException("device " + name + " has no region " + index));
            }
        }

        /** Adds the next interrupt index with {@code flags} ({@code VFIO_IRQ_INFO_*}) and {@code count} vectors. */
        public Device irq(int flags, int count) {
            synchronized (kernel.lock) {
                irqs.add(new int[] {flags, count});
                return this;
            }
        }

        /** What {@code GET_INFO} reports as {@code num_regions}; by default the highest region index + 1. */
        public Device numRegions(int n) {
            synchronized (kernel.lock) {
                this.numRegions = n;
                return this;
            }
        }

        /**
         * Backs the device fd with the file at {@code path} instead of memory (null: memory again): data calls then go
         * straight to that file, to see what the real kernel answers for a fd that is no VFIO device.
         */
        public Device backing(String path) {
            synchronized (kernel.lock) {
                this.backing = path;
                return this;
            }
        }

        /** How many {@code VFIO_DEVICE_RESET}s it received. */
        public int resets() {
            synchronized (kernel.lock) {
                return resets;
            }
        }

        /** The eventfds bound to interrupt {@code index} by vector (0: none), or empty when none is bound. */
        public Optional<int[]> eventfds(int index) {
            synchronized (kernel.lock) {
                int[] bound = eventfds.get(index);
                return bound == null ? Optional.empty() : Optional.of(bound.clone());
            }
        }

        /** Whether some fd of this device is open. */
        public boolean isOpen() {
            synchronized (kernel.lock) {
                return openFds > 0;
            }
        }

        /** Whether interrupt {@code index} is masked (it signals nothing until unmasked). */
        public boolean isMasked(int index) {
            synchronized (kernel.lock) {
                return index >= 0 && index < Integer.SIZE && (masked & 1 << index) != 0;
            }
        }

        /**
         * What the hardware does: signals vector {@code vector} of interrupt {@code index}, if an eventfd is bound and
         * the index is not masked; an automasked index then masks itself.
         */
        public void fire(int index, int vector) {
            synchronized (kernel.lock) {
                int[] bound = eventfds.get(index);
                if (bound == null || vector < 0 || vector >= bound.length || bound[vector] <= 0) return;
                if ((masked & 1 << index) != 0) return;
                if ((irqs.get(index)[0] & VFIO_IRQ_INFO_AUTOMASKED) != 0) masked |= 1 << index;
                kernel.one.set(JAVA_LONG, 0, 1L);
                Syscalls.write(kernel.errno, bound[vector], kernel.one, 8);
            }
        }

        /** The release of the last fd disables every interrupt. */
        private void disableInterrupts() {
            eventfds.clear();
            masked = 0;
        }

        private int reportedRegions() {
            if (numRegions >= 0) return numRegions;
            int n = 0;
            for (int i = 0; i < regions.size(); i++) n = Math.max(n, regions.get(i).index + 1);
            return n;
        }

        private long memorySize() {
            long end = 0;
            for (Region r : regions) if (r.emulator == null) end = Math.max(end, r.offset + r.size);
            return end;
        }

        private Region regionAt(long at) {
            for (int i = 0; i < regions.size(); i++) {
                Region r = regions.get(i);
                if (r.contains(at)) return r;
            }
            return null;
        }

        @Override
        public String toString() {
            return "device " + name + " (" + regions.size() + " regions, " + irqs.size() + " interrupts)";
        }
    }

    /** An IOMMU group: {@code /dev/vfio/<number>} and its devices. */
    public static final class Group {
        private final int number;
        private boolean viable = true;
        private final Map<String, Device> devices = new LinkedHashMap<>();
        private final SimVfioKernel kernel;

        private Group(SimVfioKernel kernel, int number) {
            this.kernel = kernel;
            this.number = number;
        }

        public int number() { return number; }

        /** Whether every device of the group is bound to VFIO (a group that is not cannot be used). */
        public Group viable(boolean viable) {
            synchronized (kernel.lock) {
                this.viable = viable;
                return this;
            }
        }

        /** The device called {@code name}, added when new. */
        public Device device(String name) {
            synchronized (kernel.lock) {
                return devices.computeIfAbsent(name, n -> new Device(kernel, n));
            }
        }

        public List<Device> devices() {
            synchronized (kernel.lock) {
                return List.copyOf(devices.values());
            }
        }

        @Override
        public String toString() {
            return "group " + number + " " + devices.keySet();
        }
    }

    private enum Kind { CONTAINER, GROUP, DEVICE }

    private record Node(Kind kind, String target, Group group, Device device) {
    }

    private final Object lock;
    private final Faults faults;
    private final Path devRoot;
    private final Map<Integer, Group> groups = new HashMap<>();
    private final Map<Integer, Node> fds = new HashMap<>();
    private final Node[] byFd = new Node[1 << 16];
    private final Map<Integer, Integer> groupContainer = new HashMap<>();
    private final Map<Integer, Boolean> iommuSet = new HashMap<>();
    /** Each container's type1 DMA mappings, from its SET_IOMMU until its last group leaves. */
    private final Map<Integer, SimDmaMappings> dma = new HashMap<>();
    private final Map<Long, Long> mappings = new HashMap<>();
    private final Arena arena = Arena.ofShared();
    private final ErrnoCapture errno = new ErrnoCapture(arena);
    private final MemorySegment one = arena.allocate(JAVA_LONG);
    private final List<String> irqSets = new ArrayList<>();
    private int apiVersion = VFIO_API_VERSION;
    private boolean type1v2 = true;
    private VfioKernel groupSource;
    private SimKernelStore store = SimKernelStore.NONE;
    private Predicate<String> openElsewhere = device -> false;
    private boolean closed;

    /** A VFIO of its own, for the port's tests: nodes named under {@code devRoot}, its own faults and lock. */
    public SimVfioKernel(Path devRoot) {
        this(devRoot, new Faults(), new Object());
    }

    /** The simulated kernel's VFIO, sharing its faults and lock. */
    public SimVfioKernel(Path devRoot, Faults faults, Object lock) {
        this.devRoot = Objects.requireNonNull(devRoot, "devRoot");
        this.faults = Objects.requireNonNull(faults, "faults");
        this.lock = Objects.requireNonNull(lock, "lock");
    }

    public Faults faults() {
        return faults;
    }

    /**
     * Shares which devices are open with the other processes that open the host ({@code store}): a group is looked
     * up in the state they left, and a device's first open and last close are written to it.
     */
    void store(SimKernelStore store) {
        synchronized (lock) {
            this.store = Objects.requireNonNull(store, "store");
        }
    }

    /** Says which devices another live process holds open (what the shared state names): their groups are busy. */
    void openElsewhere(Predicate<String> held) {
        synchronized (lock) {
            this.openElsewhere = Objects.requireNonNull(held, "held");
        }
    }

    // ---- configuration ----

    /** Group {@code number}, added when new. */
    public Group group(int number) {
        synchronized (lock) {
            return groups.computeIfAbsent(number, n -> new Group(this, n));
        }
    }

    public Optional<Group> findGroup(int number) {
        synchronized (lock) {
            return Optional.ofNullable(groups.get(number));
        }
    }

    /**
     * Takes group {@code number} and its devices away, releasing their memory. A fd of the group itself may still be
     * open (the kernel completes a remove once the device's fds are closed): it stays valid until closed, and has no
     * devices any more.
     *
     * @throws IllegalStateException while one of its devices is open
     */
    public void removeGroup(int number) {
        synchronized (lock) {
            Group g = groups.get(number);
            if (g == null) return;
            for (Node n : fds.values()) {
                if (n.kind == Kind.DEVICE && n.group == g) {
                    throw new IllegalStateException("group " + number + " has an open device (" + n.target + ")");
                }
            }
            for (Device d : g.devices.values()) releaseMemory(d);
            g.devices.clear();
            groups.remove(number);
        }
    }

    /** What {@code VFIO_GET_API_VERSION} answers (0, {@code VFIO_API_VERSION}, unless a test wants another). */
    public SimVfioKernel apiVersion(int version) {
        synchronized (lock) {
            this.apiVersion = version;
            return this;
        }
    }

    /** Whether {@code VFIO_CHECK_EXTENSION(VFIO_TYPE1v2_IOMMU)} says yes. */
    public SimVfioKernel type1v2(boolean supported) {
        synchronized (lock) {
            this.type1v2 = supported;
            return this;
        }
    }

    /** Who answers {@link #iommuGroupDevices}: the real reader on a (simulated) sysfs tree; null for nobody. */
    public SimVfioKernel iommuGroupSource(VfioKernel source) {
        synchronized (lock) {
            this.groupSource = source;
            return this;
        }
    }

    /** Whether group {@code number} has an open fd. */
    public boolean isGroupOpen(int number) {
        synchronized (lock) {
            for (Node n : fds.values()) if (n.kind == Kind.GROUP && n.group.number() == number) return true;
            return false;
        }
    }

    /** Whether a device called {@code name} has an open fd. */
    public boolean isDeviceOpen(String name) {
        synchronized (lock) {
            for (Node n : fds.values()) if (n.kind == Kind.DEVICE && n.device.name.equals(name)) return true;
            return false;
        }
    }

    /** The open fd of device {@code name}: a baseline (a benchmark's C row) can map or read the same memory. */
    public int deviceFd(String name) {
        synchronized (lock) {
            for (Map.Entry<Integer, Node> e : fds.entrySet()) {
                if (e.getValue().kind == Kind.DEVICE && e.getValue().device.name.equals(name)) return e.getKey();
            }
            throw new IllegalStateException("device " + name + " is not open");
        }
    }

    // ---- accounting ----

    /** Open fds of this VFIO: containers, groups and devices. */
    public int openFds() {
        synchronized (lock) {
            return fds.size();
        }
    }

    /** Mappings made through {@link #mmap} and not unmapped. */
    public int liveMappings() {
        synchronized (lock) {
            return mappings.size();
        }
    }

    /** Eventfds bound to devices' interrupts. */
    public int boundEventfds() {
        synchronized (lock) {
            int n = 0;
            for (Group g : groups.values()) {
                for (Device d : g.devices.values()) {
                    for (int[] bound : d.eventfds.values()) for (int fd : bound) if (fd > 0) n++;
                }
            }
            return n;
        }
    }

    /**
     * Every {@code VFIO_DEVICE_SET_IRQS} received while the faults recorded, decoded and oldest first:
     * {@code "INTx DATA_BOOL|ACTION_TRIGGER start 0 count 1 data [1] argsz 21"}.
     */
    public List<String> irqSets() {
        synchronized (lock) {
            return List.copyOf(irqSets);
        }
    }

    /** Devices whose memory (a memfd) exists: the devices that are open. */
    public int memfds() {
        synchronized (lock) {
            int n = 0;
            for (Group g : groups.values()) for (Device d : g.devices.values()) if (d.memfd >= 0) n++;
            return n;
        }
    }

    /** Closes every fd still open and releases every device's memory; mappings stay valid until unmapped. */
    public void close() {
        synchronized (lock) {
            if (closed) return;
            closed = true;
            for (int fd : List.copyOf(fds.keySet())) {
                Node n = fds.remove(fd);
                byFd[fd] = null;
                if (n.kind == Kind.DEVICE) n.device.openFds--;
                Syscalls.close(errno, fd);
            }
            groupContainer.clear();
            iommuSet.clear();
            dma.clear();
            for (Group g : groups.values()) {
                for (Device d : g.devices.values()) {
                    d.disableInterrupts();
                    releaseMemory(d);
                }
            }
            lock.notifyAll(); // a remove waiting for a device to close (SimMdevCore) goes on
        }
    }

    // ---- the port ----

    @Override
    public int open(ErrnoCapture e, String node) {
        String path = path(node);
        Failure f = faults.enter(VfioCall.OPEN, faults.wantsText() ? "open " + path : null);
        if (f != null) return -f.errnoOrEio();
        synchronized (lock) {
            if (closed) return -Errno.ENODEV.number();
            if (node.equals(CONTAINER)) {
                int fd = standIn("mdevgpu-sim-vfio-container");
                put(fd, new Node(Kind.CONTAINER, path, null, null));
                return fd;
            }
            int number;
            try {
                number = Integer.parseInt(node);
            } catch (NumberFormatException notAGroup) {
                return -Errno.ENOENT.number();
            }
            store.enter(); // another process may have made or removed the instance of this group, or opened it
            try {
                Group g = groups.get(number);
                if (g == null) return -Errno.ENOENT.number();
                for (Node n : fds.values()) if (n.kind == Kind.GROUP && n.group == g) return -Errno.EBUSY.number();
                // a group is open once on the whole host: held in another live process (the group itself, or a
                // device of it, whose holder keeps the group as the library and QEMU do), it is busy here too
                for (String device : g.devices.keySet()) if (openElsewhere.test(device)) return -Errno.EBUSY.number();
                int fd = standIn("mdevgpu-sim-vfio-group-" + node);
                put(fd, new Node(Kind.GROUP, path, g, null));
                store.changed(); // the group is busy for every other process from now
                return fd;
            } finally {
                store.exit();
            }
        }
    }

    @Override
    public String path(String node) {
        return devRoot.resolve("vfio").resolve(node).toString();
    }

    @Override
    public int close(ErrnoCapture e, int fd) {
        Node known;
        synchronized (lock) {
            known = node(fd);
        }
        Failure f = faults.enter(VfioCall.CLOSE, faults.wantsText() ? "close " + (known == null ? "fd " + fd : known.target) : null);
        synchronized (lock) {
            Node n = fds.remove(fd);
            if (n == null) return -Errno.EBADF.number();
            byFd[fd] = null;
            switch (n.kind) {
                case GROUP -> {
                    unset(fd);
                    store.saveNow(); // free again for other processes
                }
                case CONTAINER -> {
                    iommuSet.remove(fd);
                    dma.remove(fd);
                }
                case DEVICE -> {
                    if (--n.device.openFds == 0) { // the release disables every interrupt and drops the memory
                        n.device.disableInterrupts();
                        releaseMemory(n.device);
                        store.saveNow(); // other processes' removes wait for this close
                        lock.notifyAll(); // a remove waiting for this device to close (SimMdevCore) goes on
                    }
                }
            }
            Syscalls.close(errno, fd); // Linux releases the fd even when close reports an error
            return f == null ? 0 : -f.errnoOrEio();
        }
    }

    @Override
    public int ioctl(ErrnoCapture e, int fd, long request, MemorySegment arg) {
        synchronized (lock) {
            Node n = node(fd);
            if (n == null) return -Errno.EBADF.number();
            Failure f = faults.enter(VfioCall.ofIoctl(request), faults.wantsText() ? "ioctl " + n.target + " " + VfioIoctls.name(request) : null);
            if (f != null) return -f.errnoOrEio();
            return switch (n.kind) {
                case CONTAINER -> container(fd, (int) request, arg, 0);
                case GROUP -> group(fd, n, (int) request, arg);
                case DEVICE -> device(n.device, (int) request, arg);
            };
        }
    }

    @Override
    public int ioctl(ErrnoCapture e, int fd, long request, long value) {
        synchronized (lock) {
            Node n = node(fd);
            if (n == null) return -Errno.EBADF.number();
            Failure f = faults.enter(VfioCall.ofIoctl(request),
                    faults.wantsText() ? "ioctl " + n.target + " " + VfioIoctls.name(request) + " " + value : null);
            if (f != null) return -f.errnoOrEio();
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
    }

    private int container(int fd, int request, MemorySegment arg, long value) {
        boolean hasGroup = groupContainer.containsValue(fd);
        if (request == VFIO_GET_API_VERSION) return apiVersion;
        if (request == VFIO_CHECK_EXTENSION) return value == VFIO_TYPE1v2_IOMMU && type1v2 ? 1 : 0;
        if (request == VFIO_SET_IOMMU) {
            if (!hasGroup || iommuSet.containsKey(fd) || value != VFIO_TYPE1v2_IOMMU || !type1v2) return -Errno.EINVAL.number();
            iommuSet.put(fd, true);
            dma.put(fd, new SimDmaMappings());
            return 0;
        }
        if (!iommuSet.containsKey(fd)) return -Errno.EINVAL.number();
        if (request == VFIO_IOMMU_GET_INFO) {
            vfio_iommu_type1_info.flags(arg, VFIO_IOMMU_INFO_PGSIZES);
            vfio_iommu_type1_info.iova_pgsizes(arg, 0x40201000L);
            return 0;
        }
        if (request == VFIO_IOMMU_MAP_DMA) {
            return dma.get(fd).map(vfio_iommu_type1_dma_map.iova(arg), vfio_iommu_type1_dma_map.size(arg));
        }
        if (request == VFIO_IOMMU_UNMAP_DMA) {
            long unmapped = dma.get(fd).unmap(vfio_iommu_type1_dma_unmap.iova(arg), vfio_iommu_type1_dma_unmap.size(arg));
            if (unmapped < 0) return (int) unmapped;
            vfio_iommu_type1_dma_unmap.size(arg, unmapped); // the kernel reports what it unmapped
            return 0;
        }
        return -Errno.ENOTTY.number();
    }

    private int unset(int groupFd) {
        Integer container = groupContainer.remove(groupFd);
        if (container == null) return -Errno.EINVAL.number();
        if (!groupContainer.containsValue(container)) { // the last group takes the IOMMU and its DMA mappings
            iommuSet.remove(container);
            dma.remove(container);
        }
        return 0;
    }

    private int group(int fd, Node n, int request, MemorySegment arg) {
        if (request == VFIO_GROUP_GET_STATUS) {
            vfio_group_status.flags(arg, (n.group.viable ? VFIO_GROUP_FLAGS_VIABLE : 0)
                    | (groupContainer.containsKey(fd) ? VFIO_GROUP_FLAGS_CONTAINER_SET : 0));
            return 0;
        }
        if (request == VFIO_GROUP_SET_CONTAINER) {
            Node c = node(arg.get(JAVA_INT, 0));
            if (c == null || c.kind != Kind.CONTAINER) return -Errno.EBADF.number();
            if (groupContainer.containsKey(fd)) return -Errno.EINVAL.number();
            if (!n.group.viable) return -Errno.EPERM.number();
            groupContainer.put(fd, arg.get(JAVA_INT, 0));
            return 0;
        }
        if (request == VFIO_GROUP_GET_DEVICE_FD) {
            String name = arg.getString(0);
            if (!groupContainer.containsKey(fd) || !iommuSet.containsKey(groupContainer.get(fd))) return -Errno.EINVAL.number();
            store.enter(); // the instance may be gone in another process; its first open is the host's to know
            try {
                Device d = n.group.devices.get(name);
                if (d == null) return -Errno.ENODEV.number();
                int dfd = d.backing != null ? openPath(d.backing) : openMemory(d);
                if (dfd < 0) return dfd;
                put(dfd, new Node(Kind.DEVICE, "device " + name, n.group, d));
                if (d.openFds++ == 0) store.changed();
                return dfd;
            } finally {
                store.exit();
            }
        }
        return -Errno.ENOTTY.number();
    }

    private int device(Device d, int request, MemorySegment arg) {
        if (request == VFIO_DEVICE_GET_INFO) {
            d.infoAsked = true;
            vfio_device_info.flags(arg, d.flags);
            vfio_device_info.num_regions(arg, d.reportedRegions());
            vfio_device_info.num_irqs(arg, d.irqs.size());
            return 0;
        }
        if (request == VFIO_DEVICE_GET_REGION_INFO) return regionInfo(d, arg);
        if (request == VFIO_DEVICE_GET_IRQ_INFO) {
            int index = vfio_irq_info.index(arg);
            if (!d.infoAsked || index < 0 || index >= d.irqs.size()) return -Errno.EINVAL.number();
            vfio_irq_info.flags(arg, d.irqs.get(index)[0]);
            vfio_irq_info.count(arg, d.irqs.get(index)[1]);
            return 0;
        }
        if (request == VFIO_DEVICE_SET_IRQS) return setIrqs(d, arg);
        return -Errno.ENOTTY.number();
    }

    private int regionInfo(Device d, MemorySegment arg) {
        long argsz = Integer.toUnsignedLong(vfio_region_info.argsz(arg));
        if (argsz < vfio_region_info.sizeof()) return -Errno.EINVAL.number();
        int index = vfio_region_info.index(arg);
        Region r = null;
        for (Region x : d.regions) if (x.index == index) r = x;
        if (r == null && index >= 0 && index < d.reportedRegions()) r = new Region(index, 0, 0, 0, null); // unimplemented: size 0
        if (r == null) return -Errno.EINVAL.number();
        MemorySegment reply = arg.byteSize() >= argsz ? arg : Syscalls.resize(arg, argsz, "ioctl");
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

    /** VFIO_DEVICE_SET_IRQS as vfio-pci and 6.12's mtty answer it (see the class comment). */
    private int setIrqs(Device d, MemorySegment arg) {
        long argsz = Integer.toUnsignedLong(vfio_irq_set.argsz(arg));
        if (argsz < vfio_irq_set.sizeof()) return -Errno.EINVAL.number();
        MemorySegment set = arg.byteSize() >= argsz ? arg : Syscalls.resize(arg, argsz, "ioctl"); // no allocation when it fits
        int flags = vfio_irq_set.flags(set), index = vfio_irq_set.index(set);
        int start = vfio_irq_set.start(set), count = vfio_irq_set.count(set);
        if (faults.isRecording()) {
            if (irqSets.size() == Faults.DEFAULT_RECORDING) irqSets.removeFirst(); // a long-lived host keeps the last ones
            irqSets.add(describe(set, argsz));
        }
        if (!d.infoAsked || index < 0 || index >= d.irqs.size()) return -Errno.EINVAL.number();
        int data = flags & VFIO_IRQ_SET_DATA_TYPE_MASK, action = flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
        if (Integer.bitCount(data) != 1 || Integer.bitCount(action) != 1
                || (flags & ~(VFIO_IRQ_SET_DATA_TYPE_MASK | VFIO_IRQ_SET_ACTION_TYPE_MASK)) != 0) {
            return -Errno.EINVAL.number();
        }
        int irqFlags = d.irqs.get(index)[0], vectors = d.irqs.get(index)[1];
        if (start < 0 || count < 0 || start >= vectors || (long) start + count > vectors) return -Errno.EINVAL.number();
        long dataSize = data == VFIO_IRQ_SET_DATA_BOOL ? count : data == VFIO_IRQ_SET_DATA_EVENTFD ? 4L * count : 0;
        if (argsz < vfio_irq_set.sizeof() + dataSize) return -Errno.EINVAL.number();
        boolean enabled = d.eventfds.containsKey(index);
        int bit = 1 << index;
        if (action != VFIO_IRQ_SET_ACTION_TRIGGER) {
            if ((irqFlags & VFIO_IRQ_INFO_MASKABLE) == 0 || data == VFIO_IRQ_SET_DATA_EVENTFD) return -Errno.ENOTTY.number();
            if (!enabled || start != 0 || count != 1) return -Errno.EINVAL.number();
            if (data == VFIO_IRQ_SET_DATA_BOOL && vfio_irq_set.data(set).get(JAVA_BYTE, 0) == 0) return 0;
            d.masked = action == VFIO_IRQ_SET_ACTION_MASK ? d.masked | bit : d.masked & ~bit;
            return 0;
        }
        if (data == VFIO_IRQ_SET_DATA_NONE && count == 0) { // K14: the disable
            if (!enabled) return -Errno.EINVAL.number();
            d.eventfds.remove(index);
            d.masked &= ~bit;
            return 0;
        }
        if (data == VFIO_IRQ_SET_DATA_EVENTFD) {
            if (!enabled && exclusive(index) && otherExclusiveEnabled(d, index)) return -Errno.EINVAL.number(); // K17
            int[] bound = d.eventfds.computeIfAbsent(index, i -> new int[vectors]);
            for (int i = 0; i < count; i++) {
                int fd = vfio_irq_set.data(set).getAtIndex(JAVA_INT, i);
                bound[start + i] = Math.max(fd, 0); // -1 unbinds the vector
            }
            return 0;
        }
        if (!enabled) return -Errno.EINVAL.number();
        for (int i = 0; i < count; i++) { // K14, K15: a loopback with DATA_NONE, or DATA_BOOL for each true byte
            if (data == VFIO_IRQ_SET_DATA_NONE || vfio_irq_set.data(set).get(JAVA_BYTE, i) != 0) d.fire(index, start + i);
        }
        return 0;
    }

    /** INTx, MSI and MSI-X: a PCI device has at most one of them enabled. */
    private static boolean exclusive(int index) {
        return index <= VFIO_PCI_MSIX_IRQ_INDEX;
    }

    private static boolean otherExclusiveEnabled(Device d, int index) {
        for (int other = 0; other <= VFIO_PCI_MSIX_IRQ_INDEX; other++) {
            if (other != index && d.eventfds.containsKey(other)) return true;
        }
        return false;
    }

    private static final String[] IRQ_SET_FLAGS = {"DATA_NONE", "DATA_BOOL", "DATA_EVENTFD", "ACTION_MASK",
            "ACTION_UNMASK", "ACTION_TRIGGER"};

    /** {@code "MSI DATA_BOOL|ACTION_TRIGGER start 1 count 1 data [1] argsz 21"}. */
    private static String describe(MemorySegment set, long argsz) {
        int flags = vfio_irq_set.flags(set), count = vfio_irq_set.count(set);
        StringBuilder text = new StringBuilder(new VfioIrqInfo(vfio_irq_set.index(set), 0, 0).name());
        String separator = " ";
        for (int bit = 0; bit < IRQ_SET_FLAGS.length; bit++) {
            if ((flags & 1 << bit) != 0) {
                text.append(separator).append(IRQ_SET_FLAGS[bit]);
                separator = "|";
            }
        }
        text.append(" start ").append(vfio_irq_set.start(set)).append(" count ").append(count);
        if ((flags & VFIO_IRQ_SET_DATA_BOOL) != 0) {
            List<Integer> bools = new ArrayList<>();
            for (long i = 0; i < Math.min(count, argsz - vfio_irq_set.sizeof()); i++) {
                bools.add((int) vfio_irq_set.data(set).get(JAVA_BYTE, i));
            }
            text.append(" data ").append(bools).append(" argsz ").append(argsz);
        }
        return text.toString();
    }

    @Override
    public long pread(ErrnoCapture e, int fd, MemorySegment buf, long count, long offset) {
        return transfer(e, fd, buf, count, offset, false);
    }

    @Override
    public long pwrite(ErrnoCapture e, int fd, MemorySegment buf, long count, long offset) {
        return transfer(e, fd, buf, count, offset, true);
    }

    private long transfer(ErrnoCapture e, int fd, MemorySegment buf, long count, long offset, boolean write) {
        synchronized (lock) {
            Node n = node(fd);
            if (n == null || n.kind != Kind.DEVICE) return -Errno.EBADF.number();
            Failure f = faults.enter(write ? VfioCall.WRITE : VfioCall.READ, faults.wantsText() ? (write ? "pwrite " : "pread ") + n.target : null);
            if (f != null) return -f.errnoOrEio();
            Device d = n.device;
            if (d.backing == null) {
                Region r = d.regionAt(offset);
                if (r == null || count < 0) return -Errno.EINVAL.number();
                if (r.emulator != null) return emulate(r.emulator, buf, count, offset - r.offset, write);
            }
            long done = write ? Syscalls.pwrite(e, fd, buf, count, offset) : Syscalls.pread(e, fd, buf, count, offset);
            return done < 0 ? -e.errno() : done;
        }
    }

    /** Config-space access split into naturally aligned 4-, 2- and 1-byte accesses, as a guest's CPU makes them. */
    private static long emulate(ConfigSpaceEmulator space, MemorySegment buf, long count, long at, boolean write) {
        long end = Math.min(at + count, space.size());
        if (at >= end) return 0;
        MemorySegment b = buf.byteSize() >= end - at ? buf : Syscalls.resize(buf, end - at, "config space access");
        long done = 0;
        while (at + done < end) {
            int offset = (int) (at + done);
            long left = end - offset;
            int width = offset % 4 == 0 && left >= 4 ? 4 : offset % 2 == 0 && left >= 2 ? 2 : 1;
            if (write) {
                int value = width == 4 ? b.get(JAVA_INT_UNALIGNED, done)
                        : width == 2 ? b.get(JAVA_SHORT_UNALIGNED, done) & 0xFFFF : b.get(JAVA_BYTE, done) & 0xFF;
                space.write(offset, width, value);
            } else {
                int value = space.read(offset, width);
                if (width == 4) b.set(JAVA_INT_UNALIGNED, done, value);
                else if (width == 2) b.set(JAVA_SHORT_UNALIGNED, done, (short) value);
                else b.set(JAVA_BYTE, done, (byte) value);
            }
            done += width;
        }
        return done;
    }

    @Override
    public long mmap(ErrnoCapture e, int fd, long length, int prot, long offset) {
        synchronized (lock) {
            Node n = node(fd);
            Failure f = faults.enter(VfioCall.MMAP, faults.wantsText()
                    ? "mmap " + (n == null ? "fd " + fd : n.target) + " 0x" + Long.toHexString(offset) : null);
            if (f != null) return -f.errnoOrEio();
            if (n == null || n.kind != Kind.DEVICE) return -Errno.EBADF.number();
            if (n.device.backing == null && !mappable(n.device, offset, length)) return -Errno.EINVAL.number();
            long address = Syscalls.mmap(e, length, prot, Syscalls.MAP_SHARED, fd, offset);
            if (address == Syscalls.MAP_FAILED) return -e.errno();
            mappings.put(address, length);
            return address;
        }
    }

    /** What vfio-pci's mmap checks: a page-aligned range within one mmap area of one region that allows mapping. */
    private static boolean mappable(Device d, long offset, long length) {
        if (offset % PAGE != 0 || length <= 0) return false;
        Region r = d.regionAt(offset);
        if (r == null || r.emulator != null || (r.flags & VFIO_REGION_INFO_FLAG_MMAP) == 0) return false;
        long at = offset - r.offset;
        if (at + length > (r.size + PAGE - 1) / PAGE * PAGE) return false;
        if (r.sparse == null) return true;
        for (VfioRegionInfo.Area area : r.sparse) if (area.contains(at, length)) return true;
        return false;
    }

    @Override
    public int munmap(ErrnoCapture e, long address, long length) {
        synchronized (lock) {
            Failure f = faults.enter(VfioCall.MUNMAP, faults.wantsText() ? "munmap 0x" + Long.toHexString(length) : null);
            if (f != null) return -f.errnoOrEio(); // the mapping stays, as after a failed munmap
            if (Syscalls.munmap(e, address, length) < 0) return -e.errno();
            mappings.remove(address);
            return 0;
        }
    }

    @Override
    public List<IommuGroupMember> iommuGroupDevices(int group) {
        VfioKernel source;
        synchronized (lock) {
            source = groupSource;
        }
        return source == null ? List.of() : source.iommuGroupDevices(group);
    }

    // ---- fds and memory ----

    private Node node(int fd) {
        return fd >= 0 && fd < byFd.length ? byFd[fd] : null;
    }

    private void put(int fd, Node n) {
        if (fd >= byFd.length) {
            Syscalls.close(errno, fd);
            throw new IllegalStateException("fd " + fd + " is beyond the simulated kernel's table of " + byFd.length);
        }
        fds.put(fd, n);
        byFd[fd] = n;
    }

    // the names go in an arena of the call: in the kernel's own arena they would pile up for as long as it lives
    // (an NMT soak showed its "Other" memory growing by ~140 bytes a create-open-close-remove cycle)

    private int standIn(String name) {
        try (Arena call = Arena.ofConfined()) {
            int fd = Syscalls.memfdCreate(errno, call.allocateFrom(name), Syscalls.MFD_CLOEXEC);
            if (fd < 0) throw new IllegalStateException("memfd_create " + name + ": " + errno.toErrno());
            return fd;
        }
    }

    private int openPath(String path) {
        try (Arena call = Arena.ofConfined()) {
            int fd = Syscalls.open(errno, call.allocateFrom(path), Syscalls.O_RDWR | Syscalls.O_CLOEXEC, 0);
            return fd < 0 ? -errno.errno() : fd;
        }
    }

    /** A fresh fd of the device's memory: its memfd, opened again through /proc, so each fd is its own. */
    private int openMemory(Device d) {
        if (d.memfd < 0) {
            d.memfd = standIn("mdevgpu-sim-vfio-" + d.name);
            d.memfdSize = 0;
            growMemory(d);
        }
        return openPath("/proc/self/fd/" + d.memfd);
    }

    private void growMemory(Device d) {
        long size = d.memorySize();
        if (d.memfd < 0 || size <= d.memfdSize) return;
        if (Syscalls.ftruncate(errno, d.memfd, size) < 0) {
            throw new IllegalStateException("ftruncate the memory of device " + d.name + " to " + size + ": " + errno.toErrno());
        }
        d.memfdSize = size;
    }

    private void releaseMemory(Device d) {
        if (d.memfd >= 0) {
            Syscalls.close(errno, d.memfd);
            d.memfd = -1;
            d.memfdSize = 0;
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "SimVfioKernel[" + path(CONTAINER) + ", " + groups.size() + " groups, " + fds.size() + " open fds, "
                    + mappings.size() + " mappings]";
        }
    }
}
