package io.mdevgpu.kernel.mdev;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.regex.Pattern;

import io.mdevgpu.DeviceInUseException;
import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.NoSuchDeviceException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.kernel.sysfs.AttributeWriter;
import io.mdevgpu.kernel.sysfs.SysfsLayout;
import io.mdevgpu.kernel.sysfs.SysfsReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mdev bus through sysfs: reads with plain file I/O (no native access needed), writes {@code create} and
 * {@code remove} through an {@link AttributeWriter} so the kernel's errno reaches the caller as its own
 * exception. Stateless and thread-safe.
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
    private static final Duration BUSY_WAIT = Duration.ofSeconds(5);

    private final SysfsLayout layout;
    private final OpenDeviceRegistry openDevices;
    private final AttributeWriter writer;
    private final Duration busyWait;

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
     * answers with the mdev core's errnos.
     */
    public LinuxMdevBus(SysfsLayout layout, OpenDeviceRegistry openDevices, AttributeWriter writer) {
        this(layout, openDevices, writer, BUSY_WAIT);
    }

    LinuxMdevBus(SysfsLayout layout, OpenDeviceRegistry openDevices, AttributeWriter writer, Duration busyWait) {
        this.layout = Objects.requireNonNull(layout, "layout");
        this.openDevices = Objects.requireNonNull(openDevices, "openDevices");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.busyWait = Objects.requireNonNull(busyWait, "busyWait");
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
        instances.sort(Comparator.comparing(i -> SysfsLayout.name(i.uuid()))); // as ls sorts them
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
        if (openDevices.isOpen(uuid)) {
            throw new DeviceInUseException("remove mdev", SysfsLayout.name(uuid),
                    "this process holds it open and the kernel would block the remove until it is closed: "
                            + "close its VfioDevice first");
        }
        Path remove = layout.mdevRemove(uuid);
        try {
            writer.write(remove, "1", "remove mdev");
        } catch (KernelException e) {
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
        LOG.info("removed mdev {}", SysfsLayout.name(uuid));
        return true;
    }

    /**
     * EAGAIN: the mdev core is creating or removing the instance in another thread. Waits (bounded) for it to
     * disappear; true when it did.
     */
    private boolean awaitGone(UUID uuid) {
        Path link = layout.mdevDevice(uuid);
        long deadline = System.nanoTime() + busyWait.toNanos();
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
