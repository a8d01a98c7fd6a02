package io.mdevgpu.kernel.mdev;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import io.mdevgpu.DeviceInUseException;
import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.MdevException;
import io.mdevgpu.NoSuchDeviceException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.sysfs.AttributeWriter;
import io.mdevgpu.kernel.sysfs.SysfsLayout;
import io.mdevgpu.kernel.sysfs.SysfsReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mdev bus through sysfs: reads with plain file I/O (no native access needed), writes {@code create} and
 * {@code remove} through an {@link AttributeWriter} so the kernel's errno reaches the caller as its own
 * exception. Thread-safe.
 *
 * <p>Removing: the kernel blocks a remove until every fd of the instance is closed, and such a remove cannot be
 * called back. So {@link #remove} refuses without writing when this process ({@link OpenDeviceRegistry}) or
 * another one (its {@code /proc/<pid>/fd} links to the instance's group node) holds it open; and it writes from
 * a thread of its own and reports {@link DeviceInUseException} when the kernel has not finished within the
 * timeout (a holder of a bare device fd, which {@code /proc} cannot tie to its device). That write stays
 * pending in the kernel, which has already unlisted the instance, until the holder closes it.
 *
 * <p>Reading: {@code name} and {@code description} of a type are optional; {@code device_api} and
 * {@code available_instances} are mandatory, so a missing one raises the {@link KernelException} of its errno
 * and a malformed one a {@code HostStateException}, naming the path. Instances and entries that vanish while
 * being listed (a concurrent remove) are left out of a listing.
 */
public final class LinuxMdevBus implements MdevBus {
    private static final Logger LOG = LoggerFactory.getLogger(LinuxMdevBus.class);
    private static final Pattern UUID_NAME =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    /**
     * How long a remove may take before it counts as blocked by a holder. The kernel's own remove of a sample
     * driver's instance takes milliseconds; a vendor driver tearing down a vGPU takes a second or two.
     */
    public static final Duration DEFAULT_REMOVE_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Remove writes the kernel has not finished, by {@code remove} file, for the whole process: a holder keeps the
     * device open, so the kernel holds the write until it closes (it cannot be called back).
     */
    private static final ConcurrentMap<Path, FutureTask<Void>> PENDING = new ConcurrentHashMap<>();

    private final SysfsLayout layout;
    private final OpenDeviceRegistry openDevices;
    private final AttributeWriter writer;
    private final ProcFds procFds;
    private final Duration removeTimeout;

    /** The running host's mdev bus, for a process that opens no devices. */
    public LinuxMdevBus() {
        this(SysfsLayout.host(), OpenDeviceRegistry.NONE);
    }

    /** The bus at {@code layout}, writing with real syscalls; {@code openDevices} is asked before every remove. */
    public LinuxMdevBus(SysfsLayout layout, OpenDeviceRegistry openDevices) {
        this(layout, openDevices, AttributeWriter.LINUX);
    }

    /**
     * The bus at {@code layout}, writing through {@code writer}: the simulated kernel passes its own, which
     * answers with the mdev core's errnos. Other processes' fds are read from the {@code proc} next to
     * {@code layout}'s {@code sys} ({@code /proc} for {@code /sys}); a remove waits up to 10 s.
     */
    public LinuxMdevBus(SysfsLayout layout, OpenDeviceRegistry openDevices, AttributeWriter writer) {
        this(layout, openDevices, writer, layout.sys().resolveSibling("proc"), DEFAULT_REMOVE_TIMEOUT);
    }

    /**
     * The bus at {@code layout}, writing through {@code writer}, reading other processes' fds under
     * {@code procRoot}; a remove the kernel has not finished after {@code removeTimeout} is reported as in use.
     */
    public LinuxMdevBus(SysfsLayout layout, OpenDeviceRegistry openDevices, AttributeWriter writer, Path procRoot,
                        Duration removeTimeout) {
        this.layout = Objects.requireNonNull(layout, "layout");
        this.openDevices = Objects.requireNonNull(openDevices, "openDevices");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.procFds = new ProcFds(Objects.requireNonNull(procRoot, "procRoot"));
        this.removeTimeout = Objects.requireNonNull(removeTimeout, "removeTimeout");
        if (removeTimeout.isNegative() || removeTimeout.isZero()) {
            throw new ValidationException("mdev remove timeout", removeTimeout.toString(), "a positive duration");
        }
    }

    public SysfsLayout layout() {
        return layout;
    }

    // ---- reading ----

    @Override
    public List<MdevParent> parents() {
        List<MdevParent> parents = new ArrayList<>();
        for (String name : SysfsReader.names(layout.mdevParents())) {
            parents.add(readParent(name));
        }
        return List.copyOf(parents);
    }

    @Override
    public MdevParent parent(String name) {
        Path link = layout.mdevParent(name);
        if (!Files.isDirectory(link)) {
            List<String> known = SysfsReader.names(layout.mdevParents());
            throw KernelException.of("find mdev parent", name + " (" + link + ")", Errno.ENODEV,
                    "registered parents: " + (known.isEmpty() ? "none" : String.join(", ", known))
                            + "; is the vendor's mdev driver loaded?");
        }
        return readParent(name);
    }

    private MdevParent readParent(String name) {
        List<MdevTypeInfo> types = new ArrayList<>();
        for (String typeId : SysfsReader.names(layout.mdevTypes(name))) {
            types.add(type(name, typeId));
        }
        return new MdevParent(name, pciAddress(name), types);
    }

    /** A parent named like a PCI function is one: the kernel names PCI devices by their address. */
    private static Optional<PciAddress> pciAddress(String name) {
        if (!name.matches("[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]")) return Optional.empty();
        return Optional.of(PciAddress.parse(name));
    }

    @Override
    public MdevTypeInfo type(String parent, String typeId) {
        Path dir = layout.mdevType(parent, typeId);
        if (!Files.isDirectory(dir)) {
            throw KernelException.of("find mdev type", typeId + " on parent " + parent + " (" + dir + ")", Errno.ENOENT,
                    "types of " + parent + ": " + String.join(", ", SysfsReader.names(layout.mdevTypes(parent))));
        }
        List<UUID> devices = new ArrayList<>();
        for (String name : SysfsReader.names(dir.resolve("devices"))) {
            uuidName(name, dir.resolve("devices")).ifPresent(devices::add);
        }
        return new MdevTypeInfo(parent, typeId, SysfsReader.optionalText(dir.resolve("name")),
                SysfsReader.optionalText(dir.resolve("description")), SysfsReader.text(dir.resolve("device_api")),
                availableInstances(dir.resolve("available_instances")), devices);
    }

    private static long availableInstances(Path attribute) {
        long n = SysfsReader.decimal(attribute);
        if (n < 0) throw SysfsReader.malformed(attribute, Long.toString(n), "a count >= 0");
        return n;
    }

    @Override
    public List<MdevInstanceInfo> instances() {
        List<MdevInstanceInfo> instances = new ArrayList<>();
        for (String name : SysfsReader.names(layout.mdevDevices())) {
            uuidName(name, layout.mdevDevices()).flatMap(this::readIfPresent).ifPresent(instances::add);
        }
        // as ls sorts them; an own lambda, kept by the CLI's AOT cache (Comparator.comparing's is spun at every start)
        instances.sort((a, b) -> SysfsLayout.name(a.uuid()).compareTo(SysfsLayout.name(b.uuid())));
        return List.copyOf(instances);
    }

    /** Reads an instance; one removed while being read is simply not there. */
    private Optional<MdevInstanceInfo> readIfPresent(UUID uuid) {
        try {
            return readInstance(layout, uuid);
        } catch (NoSuchDeviceException e) {
            if (Files.exists(layout.mdevDevice(uuid), LinkOption.NOFOLLOW_LINKS)) throw e;
            return Optional.empty();
        }
    }

    @Override
    public Optional<MdevInstanceInfo> instance(UUID uuid) {
        return readIfPresent(uuid);
    }

    /** The instance's type (its {@code mdev_type} link), parent (its directory's parent) and IOMMU group. */
    static Optional<MdevInstanceInfo> readInstance(SysfsLayout layout, UUID uuid) {
        Path link = layout.mdevDevice(uuid);
        if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) return Optional.empty();
        Path typeLink = link.resolve("mdev_type");
        String typeId = SysfsReader.linkName(typeLink).orElseThrow(() -> KernelException.of("read", typeLink.toString(),
                Errno.ENOENT, "an mdev instance always has an mdev_type link"));
        String parent = SysfsReader.realPath(link).getParent().getFileName().toString();
        OptionalInt group = SysfsReader.iommuGroup(link);
        return Optional.of(new MdevInstanceInfo(uuid, parent, typeId, group));
    }

    private static Optional<UUID> uuidName(String name, Path directory) {
        if (UUID_NAME.matcher(name).matches()) return Optional.of(UUID.fromString(name));
        LOG.warn("skipping {}: not a lower-case UUID, so not an mdev instance", directory.resolve(name));
        return Optional.empty();
    }

    // ---- changing ----

    @Override
    public void create(String parent, String typeId, UUID uuid) {
        Objects.requireNonNull(uuid, "uuid");
        Path create = layout.mdevCreate(parent, typeId); // validates both names
        try {
            writer.write(create, SysfsLayout.name(uuid), "create mdev");
        } catch (KernelException e) {
            if (e.errno() == null) throw e;
            throw MdevErrors.createFailure(layout, parent, typeId, uuid, e);
        }
        LOG.info("created mdev {} of type {} on parent {}", SysfsLayout.name(uuid), typeId, parent);
    }

    @Override
    public boolean remove(UUID uuid) {
        Objects.requireNonNull(uuid, "uuid");
        String name = SysfsLayout.name(uuid);
        if (openDevices.isOpen(uuid)) {
            throw new DeviceInUseException("remove mdev", name,
                    "this process holds it open and the kernel would block the remove until it is closed: "
                            + "close its VfioDevice first");
        }
        Path remove = layout.mdevRemove(uuid);
        FutureTask<Void> write = PENDING.get(remove);
        boolean mine = false;
        if (write == null) {
            refuseIfHeld(uuid);
            AtomicReference<FutureTask<Void>> self = new AtomicReference<>();
            FutureTask<Void> task = new FutureTask<>(() -> {
                try {
                    writer.write(remove, "1", "remove mdev");
                    return null;
                } finally {
                    // off the map before it is done: a caller that retries once get() returned must write anew,
                    // not join this ended write and get its old failure again
                    PENDING.remove(remove, self.get());
                }
            });
            self.set(task);
            write = PENDING.putIfAbsent(remove, task);
            if (write == null) {
                write = task;
                mine = true;
                // a platform thread: the write may sit in the kernel for as long as a holder keeps the device
                Thread.ofPlatform().daemon().name("mdev-remove-" + name).start(task);
            }
        }
        try {
            write.get(removeTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw blocked(uuid);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KernelException.of("remove mdev", name + " (" + remove + ")", Errno.EINTR,
                    "interrupted while the kernel removed it; the remove may still complete: list the instances again");
        } catch (ExecutionException e) {
            return switch (e.getCause()) {
                case KernelException failure -> failed(uuid, failure);
                case RuntimeException other -> throw other;   // no native access, say: as the write threw it
                case Error error -> throw error;
                default -> throw new IllegalStateException(e.getCause());
            };
        }
        if (!mine) {
            LOG.debug("mdev {} was removed by a concurrent remover", name);
            return false;
        }
        LOG.info("removed mdev {}", name);
        return true;
    }

    /** A failed remove write: gone already (false), or the typed error. */
    private boolean failed(UUID uuid, KernelException e) {
        if (e.errno() == null) throw e;
        if (MdevErrors.meansGone(e.errno())) {
            LOG.debug("mdev {} was already gone ({})", SysfsLayout.name(uuid), e.errno());
            return false;
        }
        if (e.errno().equals(Errno.EAGAIN) && awaitGone(uuid)) {
            LOG.debug("mdev {} was removed by another remover", SysfsLayout.name(uuid));
            return false;
        }
        throw MdevErrors.removeFailure(layout, uuid, e);
    }

    /**
     * Refuses, before anything is written, when another process holds the instance's group node (or its own
     * VFIO device node): the kernel would block the remove until it lets go.
     */
    private void refuseIfHeld(UUID uuid) {
        Set<String> nodes = new HashSet<>();
        try {
            SysfsReader.iommuGroup(layout.mdevDevice(uuid)).ifPresent(g -> nodes.add(layout.vfioGroup(g).toString()));
            for (String node : SysfsReader.names(layout.mdevVfioDev(uuid))) nodes.add(layout.vfioDeviceNode(node).toString());
        } catch (MdevException vanishing) {
            return; // removed while we looked: the write will say so
        }
        List<String> holders = procFds.holding(nodes);
        if (!holders.isEmpty()) {
            throw new DeviceInUseException("remove mdev", SysfsLayout.name(uuid),
                    "process " + String.join(", ", holders) + " holds " + String.join(" or ", nodes.stream().sorted().toList())
                            + " open and the kernel would block the remove until it closes it; nothing was written: "
                            + "stop that process (or the VM it runs) first");
        }
    }

    /** The remove write did not return within the timeout: a holder of the device fd blocks it in the kernel. */
    private DeviceInUseException blocked(UUID uuid) {
        String name = SysfsLayout.name(uuid);
        List<String> candidates = procFds.holding(Set.of(ProcFds.VFIO_DEVICE_FD));
        return new DeviceInUseException("remove mdev", name + " (" + layout.mdevRemove(uuid) + ")",
                "the kernel did not finish the remove within " + removeTimeout.toMillis() + " ms, so a process holds the "
                        + "device open (" + (candidates.isEmpty() ? "none of the processes this user can see"
                        : "processes with a VFIO device fd: " + String.join(", ", candidates))
                        + "); the kernel has begun the remove and no longer lists the instance: it finishes it, and frees "
                        + "the instance's capacity, when that process closes the device");
    }

    /**
     * EAGAIN: the mdev core is creating or removing the instance in another thread. Waits (bounded) for it to
     * disappear; true when it did.
     */
    private boolean awaitGone(UUID uuid) {
        Path link = layout.mdevDevice(uuid);
        long deadline = System.nanoTime() + removeTimeout.toNanos();
        while (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
            if (System.nanoTime() - deadline >= 0) return false;
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "LinuxMdevBus[" + layout.sys() + "]";
    }
}
