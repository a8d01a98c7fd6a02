package io.mdevgpu.sim;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.mdevgpu.kernel.sys.ErrnoCapture;
import io.mdevgpu.kernel.sys.Syscalls;
import io.mdevgpu.kernel.vfio.IommuGroupMember;
import io.mdevgpu.kernel.vfio.VfioKernel;

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
 *
 * <p>This class holds the configuration and the accounting; {@link Group}, {@link Device} and {@link Region} keep
 * their state and methods in package-private bases ({@code AbstractVfioGroup}, ..., as {@code StringBuilder} does),
 * and the package-private classes beside it hold one concern each: {@code VfioNodeCalls} the system calls on the nodes,
 * {@code VfioFds} the fd table, {@code VfioContainers} containers, IOMMU and DMA mappings, {@code VfioDeviceLayout}
 * a device's info and region info, {@code VfioIrqRules} its interrupts, {@code VfioDeviceMemory} what backs its
 * regions, {@code VfioHolders} who holds devices open across the processes of a host kept in a directory.
 */
public final class SimVfioKernel implements VfioKernel {
    /** One region of a device: what {@code GET_REGION_INFO} reports and what backs its data. */
    public static final class Region extends AbstractVfioRegion {
        Region(int index, int flags, long size, long offset, ConfigSpaceEmulator emulator) {
            super(index, flags, size, offset, emulator);
        }
    }

    /** A VFIO device of a group: regions, interrupts, and what backs them. */
    public static final class Device extends AbstractVfioDevice {
        Device(SimVfioKernel kernel, String name) {
            super(kernel, name);
        }
    }

    /** An IOMMU group: {@code /dev/vfio/<number>} and its devices. */
    public static final class Group extends AbstractVfioGroup {
        Group(SimVfioKernel kernel, int number) {
            super(kernel, number);
        }
    }

    // the state is spread over one class per concern, all guarded by this lock (see package-private classes Vfio*)
    final Object lock;
    final Faults faults;
    private final Path devRoot;
    final Map<Integer, Group> groups = new HashMap<>();
    // made on the first system call of the kernel's own: a host opened to be listed makes none, and making them starts
    // the FFM runtime, some 8 ms of a cold process
    private Arena arena;
    private ErrnoCapture errno;
    final VfioFds fds = new VfioFds(this::errno);
    final VfioContainers containers = new VfioContainers();
    final VfioDeviceMemory memory = new VfioDeviceMemory(fds, this::errno);
    final VfioIrqRules interrupts;
    final VfioHolders holders = new VfioHolders(this);
    private final VfioNodeCalls calls = new VfioNodeCalls(this);
    private VfioKernel groupSource;
    SimKernelStore store = SimKernelStore.NONE;
    boolean closed;

    /** A VFIO of its own, for the port's tests: nodes named under {@code devRoot}, its own faults and lock. */
    public SimVfioKernel(Path devRoot) {
        this(devRoot, new Faults(), new Object());
    }

    /** The simulated kernel's VFIO, sharing its faults and lock. */
    public SimVfioKernel(Path devRoot, Faults faults, Object lock) {
        this.devRoot = Objects.requireNonNull(devRoot, "devRoot");
        this.faults = Objects.requireNonNull(faults, "faults");
        this.lock = Objects.requireNonNull(lock, "lock");
        this.interrupts = new VfioIrqRules(faults, this::errno, this::arena);
    }

    /** The errno capture of the kernel's own system calls (memfds, eventfds, closes), made on the first. */
    ErrnoCapture errno() {
        synchronized (lock) {
            if (errno == null) {
                arena = Arena.ofShared();
                errno = new ErrnoCapture(arena);
            }
            return errno;
        }
    }

    /** The arena of what the kernel keeps in native memory for as long as it lives. */
    private Arena arena() {
        synchronized (lock) {
            errno();
            return arena;
        }
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

    /** Who holds a device or its group open, in this process and live others, for the shared state. */
    List<SimKernelState.Holder> holders() {
        synchronized (lock) {
            return holders.holders();
        }
    }

    /** Takes the holders the shared state names (other processes' opens: their groups are busy here). */
    void restoreHolders(List<SimKernelState.Holder> all) {
        synchronized (lock) {
            holders.restore(all);
        }
    }

    /** Whether a live other process holds device {@code name} open, as the shared state last said. */
    boolean isDeviceOpenElsewhere(String name) {
        synchronized (lock) {
            return holders.heldElsewhere(name, true);
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
            for (VfioFds.Node n : fds.open.values()) {
                if (n.kind() == VfioFds.Kind.DEVICE && n.group() == g) {
                    throw new IllegalStateException("group " + number + " has an open device (" + n.target() + ")");
                }
            }
            for (Device d : g.devices.values()) memory.releaseMemory(d);
            g.devices.clear();
            groups.remove(number);
        }
    }

    /** What {@code VFIO_GET_API_VERSION} answers (0, {@code VFIO_API_VERSION}, unless a test wants another). */
    public SimVfioKernel apiVersion(int version) {
        synchronized (lock) {
            containers.apiVersion = version;
            return this;
        }
    }

    /** Whether {@code VFIO_CHECK_EXTENSION(VFIO_TYPE1v2_IOMMU)} says yes. */
    public SimVfioKernel type1v2(boolean supported) {
        synchronized (lock) {
            containers.type1v2 = supported;
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
            for (VfioFds.Node n : fds.open.values()) if (n.kind() == VfioFds.Kind.GROUP && n.group().number() == number) return true;
            return false;
        }
    }

    /** Whether a device called {@code name} has an open fd. */
    public boolean isDeviceOpen(String name) {
        synchronized (lock) {
            for (VfioFds.Node n : fds.open.values()) if (n.kind() == VfioFds.Kind.DEVICE && n.device().name.equals(name)) return true;
            return false;
        }
    }

    /** The open fd of device {@code name}: a baseline (a benchmark's C row) can map or read the same memory. */
    public int deviceFd(String name) {
        synchronized (lock) {
            for (Map.Entry<Integer, VfioFds.Node> e : fds.open.entrySet()) {
                if (e.getValue().kind() == VfioFds.Kind.DEVICE && e.getValue().device().name.equals(name)) return e.getKey();
            }
            throw new IllegalStateException("device " + name + " is not open");
        }
    }

    // ---- accounting ----

    /** Open fds of this VFIO: containers, groups and devices. */
    public int openFds() {
        synchronized (lock) {
            return fds.open.size();
        }
    }

    /** Mappings made through {@link #mmap} and not unmapped. */
    public int liveMappings() {
        synchronized (lock) {
            return memory.mappings.size();
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
            return List.copyOf(interrupts.irqSets);
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
            for (int fd : List.copyOf(fds.open.keySet())) {
                VfioFds.Node n = fds.remove(fd);
                if (n.kind() == VfioFds.Kind.DEVICE) n.device().openFds--;
                Syscalls.close(errno(), fd);
            }
            containers.clear();
            for (Group g : groups.values()) {
                for (Device d : g.devices.values()) {
                    d.disableInterrupts();
                    memory.releaseMemory(d);
                }
            }
            lock.notifyAll(); // a remove waiting for a device to close (SimMdevCore) goes on
        }
    }


    // ---- the port (VfioNodeCalls) ----

    @Override
    public int open(ErrnoCapture e, String node) {
        return calls.open(e, node);
    }

    @Override
    public String path(String node) {
        return devRoot.resolve("vfio").resolve(node).toString();
    }

    @Override
    public int close(ErrnoCapture e, int fd) {
        return calls.close(e, fd);
    }

    @Override
    public int ioctl(ErrnoCapture e, int fd, long request, MemorySegment arg) {
        return calls.ioctl(e, fd, request, arg);
    }

    @Override
    public int ioctl(ErrnoCapture e, int fd, long request, long value) {
        return calls.ioctl(e, fd, request, value);
    }

    @Override
    public long pread(ErrnoCapture e, int fd, MemorySegment buf, long count, long offset) {
        return calls.pread(e, fd, buf, count, offset);
    }

    @Override
    public long pwrite(ErrnoCapture e, int fd, MemorySegment buf, long count, long offset) {
        return calls.pwrite(e, fd, buf, count, offset);
    }

    @Override
    public long mmap(ErrnoCapture e, int fd, long length, int prot, long offset) {
        return calls.mmap(e, fd, length, prot, offset);
    }

    @Override
    public int munmap(ErrnoCapture e, long address, long length) {
        return calls.munmap(e, address, length);
    }

    @Override
    public List<IommuGroupMember> iommuGroupDevices(int group) {
        VfioKernel source;
        synchronized (lock) {
            source = groupSource;
        }
        return source == null ? List.of() : source.iommuGroupDevices(group);
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "SimVfioKernel[" + path(CONTAINER) + ", " + groups.size() + " groups, " + fds.open.size() + " open fds, "
                    + memory.mappings.size() + " mappings]";
        }
    }
}
