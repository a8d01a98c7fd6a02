package io.mdevgpu.sim;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import io.mdevgpu.DriverLimits;
import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.MdevType;
import io.mdevgpu.PciAddress;
import io.mdevgpu.kernel.mdev.MdevInstanceInfo;
import io.mdevgpu.kernel.mdev.MdevTypeInfo;
import io.mdevgpu.kernel.mdev.NvidiaTypeDescription;
import io.mdevgpu.sim.Faults.Failure;
import io.mdevgpu.kernel.sysfs.AttributeWriter;
import io.mdevgpu.kernel.sysfs.SysfsLayout;
import io.mdevgpu.sim.SysfsTreeWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel's mdev core with NVIDIA's vendor driver beneath it, simulated: it answers writes to a type's
 * {@code create} and an instance's {@code remove} the way {@code drivers/vfio/mdev} does and keeps the materialised
 * tree in step (types, {@code available_instances}, instances with their links, IOMMU groups and
 * {@code /dev/vfio/N}), so that {@code LinuxMdevBus} and {@code mdevctl} read it unchanged.
 *
 * <p>{@code create}: text that is not a UUID (36 characters, or 37 with one more, as {@code create_store} takes it)
 * is EINVAL; a UUID that exists on any parent EEXIST; a parent going away ENODEV; then the vendor driver's capacity:
 * none left of the type's {@code max_instance}, of the release's instances per GPU or of the framebuffer is ENOSPC,
 * and a type the driver no longer publishes (kept only for its instances) EINVAL. {@code available_instances} =
 * min(max_instance - instances of the type, instances per GPU left, free framebuffer / (framebuffer + reservation of
 * the type)). Why ENOSPC and never EUSERS (harness/README.md, K3): the mdev core's EUSERS is its own per-parent
 * count, which it keeps only for a driver that does not report {@code available_instances} itself (mdpy); NVIDIA's
 * driver reports them per type, so its refusals come from the driver, as mtty's and mbochs' pools say ENOSPC. (Which
 * errno NVIDIA's driver really answers is not recorded; the library takes both as {@code CapacityException}.)
 *
 * <p>{@code remove}: text that is not a number is EINVAL, {@code 0} does nothing, an instance that is gone ENODEV.
 * One whose VFIO device is open is removed as the kernel does it (K5): the write unlists the instance at once (its
 * {@code bus/mdev/devices} link, {@code mdev_type} link, the type's {@code devices/} link and the {@code remove}
 * attribute go), then blocks the writing thread, giving up the simulated kernel's lock, until the device's last fd
 * closes; only then do its directory, IOMMU group and capacity go and the write return. Meanwhile the instance still
 * counts (a create of its UUID is EEXIST, its capacity stays taken) and another remove write finds no
 * {@code remove} attribute (ENOENT). Closing the simulated kernel ends such a wait. So write {@code remove} of an
 * open device only from a thread other than the one that will close it, as {@code LinuxMdevBus} does.
 *
 * <p>Publishing (the driver's {@code MDEV_REGISTER}): the first one registers the GPU as a parent; each writes the
 * table's types ({@code name}, NVIDIA's {@code description}, {@code device_api} vfio-pci); a type no longer in the
 * table disappears, unless it still has instances: then it stays, with no instances available, until its last
 * instance is removed.
 *
 * <p>This class answers the writes and the driver's publishing; {@code MdevCapacity} holds the vendor driver's
 * capacity, {@code MdevSharedState} what is shared with other processes, {@code VgpuVfioDevice} what an instance's
 * VFIO device has.
 */
final class SimMdevCore implements AttributeWriter {
    private static final Logger LOG = LoggerFactory.getLogger(SimMdevCore.class);
    static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    final Object lock;
    final Faults faults;
    final SysfsLayout layout;
    final SysfsTreeWriter writer;
    final SimVfioKernel vfio;
    final GuestConfigFactory configs;
    final DriverLimits limits;
    final Map<String, SimMdevParent> parents = new TreeMap<>();
    final Map<UUID, SimMdevInstance> instances = new LinkedHashMap<>();
    final Set<Integer> physicalGroups = new HashSet<>();
    /** Instances whose remove waits for their VFIO device to close (K5). */
    final Set<UUID> removing = new HashSet<>();
    SimKernelStore store = SimKernelStore.NONE;
    /** Told when a GPU registers as an mdev parent: the kernel's MDEV_STATE=registered uevent. */
    private Consumer<PciAddress> registeredListener = address -> { };
    final MdevCapacity capacity = new MdevCapacity(this);
    final MdevSharedState shared = new MdevSharedState(this);
    boolean closed;

    SimMdevCore(Object lock, Faults faults, SysfsLayout layout, SysfsTreeWriter writer, SimVfioKernel vfio,
                GuestConfigFactory configs, DriverLimits limits, List<SimulatedGpu> gpus) {
        this.lock = lock;
        this.faults = faults;
        this.layout = layout;
        this.writer = writer;
        this.vfio = vfio;
        this.configs = configs;
        this.limits = limits;
        for (SimulatedGpu g : gpus) {
            parents.put(g.device().address().toString(), new SimMdevParent(g));
            g.device().iommuGroup().ifPresent(physicalGroups::add);
        }
    }

    /** Keeps the parents and instances in {@code store}, shared with the other processes that open the host. */
    void store(SimKernelStore store) {
        synchronized (lock) {
            this.store = store;
        }
    }

    void onParentRegistered(Consumer<PciAddress> listener) {
        synchronized (lock) {
            this.registeredListener = Objects.requireNonNull(listener, "listener");
        }
    }

    // ---- the driver's side ----

    /** The driver publishes {@code types} for the GPU at {@code address}. */
    void publish(PciAddress address, List<MdevType> types) {
        synchronized (lock) {
            SimMdevParent p = parents.get(address.toString());
            if (p == null) throw new IllegalStateException("no simulated GPU at " + address);
            store.beginTreeChange();
            boolean newlyRegistered = !p.registered;
            if (newlyRegistered) {
                writer.mdevParent(address);
                p.registered = true;
            }
            p.published = new LinkedHashMap<>();
            for (MdevType t : types) p.published.put(t.sysfsName(), t);
            for (MdevType t : types) {
                writer.mdevType(new MdevTypeInfo(p.name, t.sysfsName(), Optional.of(t.name()),
                        Optional.of(description(t).toString()), "vfio-pci", 0, List.of()));
                p.shown.add(t.sysfsName());
            }
            capacity.dropStaleTypes(p);
            capacity.refreshAvailable(p);
            LOG.info("simulated driver published {} type{} on {}: {}", types.size(), types.size() == 1 ? "" : "s", p.name,
                    p.published.keySet());
            if (newlyRegistered) registeredListener.accept(address); // the uevent, once its types are there
        }
    }

    static NvidiaTypeDescription description(MdevType t) {
        return new NvidiaTypeDescription(t.display().heads(), t.display().frameRateLimit(), t.framebuffer(),
                t.display().maxResolutionX(), t.display().maxResolutionY(), t.maxInstances());
    }

    void goingAway(PciAddress address, boolean goingAway) {
        synchronized (lock) {
            SimMdevParent p = parents.get(address.toString());
            if (p == null) throw new IllegalArgumentException("no simulated GPU at " + address);
            p.goingAway = goingAway;
        }
    }

    Map<PciAddress, List<MdevType>> published() {
        synchronized (lock) {
            Map<PciAddress, List<MdevType>> out = new LinkedHashMap<>();
            for (SimMdevParent p : parents.values()) {
                if (p.registered) out.put(p.gpu.device().address(), List.copyOf(p.published.values()));
            }
            return out;
        }
    }

    List<MdevInstanceInfo> instances() {
        synchronized (lock) {
            List<MdevInstanceInfo> out = new ArrayList<>();
            for (SimMdevInstance i : instances.values()) {
                out.add(new MdevInstanceInfo(i.uuid(), i.parent().name, i.typeId(), OptionalInt.of(i.group())));
            }
            out.sort((a, b) -> SysfsLayout.name(a.uuid()).compareTo(SysfsLayout.name(b.uuid())));
            return List.copyOf(out);
        }
    }

    /** The VFIO device of instance {@code uuid}, to raise its interrupts. */
    Optional<SimVfioKernel.Device> device(UUID uuid) {
        synchronized (lock) {
            SimMdevInstance i = instances.get(uuid);
            return i == null ? Optional.empty() : Optional.of(vfio.group(i.group()).device(SysfsLayout.name(uuid)));
        }
    }

    /** The {@code create} file of each type shown on a registered parent, where a write creates an instance. */
    List<Path> createFiles() {
        synchronized (lock) {
            List<Path> out = new ArrayList<>();
            for (SimMdevParent p : parents.values()) {
                if (p.registered) for (String typeId : p.shown) out.add(layout.mdevCreate(p.name, typeId));
            }
            return out;
        }
    }

    /** The {@code remove} file of each instance still listed, where a write removes it. */
    List<Path> removeFiles() {
        synchronized (lock) {
            return instances.keySet().stream().filter(u -> !removing.contains(u)).map(layout::mdevRemove).toList();
        }
    }

    // ---- the writes ----

    @Override
    public void write(Path attribute, String text, String operation) {
        Failure f = faults.enter(MdevCall.ofAttribute(attribute), faults.wantsText() ? operation + " " + attribute : null);
        if (f != null) throw KernelException.of(operation, attribute.toString(), Errno.of(f.errnoOrEio()), null);
        synchronized (lock) {
            int errno;
            store.enter();
            try {
                errno = dispatch(attribute.normalize(), text);
            } finally {
                store.exit();
            }
            if (errno != 0) throw KernelException.of(operation, attribute.toString(), Errno.of(errno), null);
        }
    }

    /** Routes a write as the kernel would by the file written; returns 0 or the errno. */
    private int dispatch(Path file, String text) {
        for (SimMdevParent p : parents.values()) {
            if (!p.registered) continue;
            for (Path dir : List.of(layout.mdevParent(p.name), layout.pciDeviceDirectory(p.gpu.device().address()))) {
                if (!file.startsWith(dir)) continue;
                Path rel = dir.relativize(file);
                if (rel.getNameCount() == 3 && rel.getName(0).toString().equals("mdev_supported_types")
                        && rel.getName(2).toString().equals("create") && p.shown.contains(rel.getName(1).toString())) {
                    return create(p, rel.getName(1).toString(), text);
                }
                if (rel.getNameCount() == 2 && rel.getName(1).toString().equals("remove")) {
                    return removeNamed(rel.getName(0).toString(), text);
                }
            }
        }
        if (file.startsWith(layout.mdevDevices())) {
            Path rel = layout.mdevDevices().relativize(file);
            if (rel.getNameCount() == 2 && rel.getName(1).toString().equals("remove")) {
                return removeNamed(rel.getName(0).toString(), text);
            }
        }
        // any other file: what open(O_WRONLY) on sysfs answers
        return Files.exists(file, LinkOption.NOFOLLOW_LINKS) || Files.exists(file) ? Errno.EACCES.number() : Errno.ENOENT.number();
    }

    private int create(SimMdevParent p, String typeId, String text) {
        if (text.length() != 36 && text.length() != 37 || !UUID_TEXT.matcher(text.substring(0, 36)).matches()) {
            return Errno.EINVAL.number();
        }
        UUID uuid = UUID.fromString(text.substring(0, 36));
        if (instances.containsKey(uuid)) return Errno.EEXIST.number(); // the core looks for the UUID first
        if (p.goingAway) return Errno.ENODEV.number();
        MdevType type = p.published.get(typeId);
        if (type == null) {
            // kept only for its instances: the vendor driver refuses it
            return Errno.EINVAL.number();
        }
        if (capacity.available(p, typeId) < 1) return Errno.ENOSPC.number(); // the driver's capacity (K3)
        int group = capacity.freeGroup();
        SimMdevInstance instance = new SimMdevInstance(uuid, p, typeId, type, group);
        store.beginTreeChange();
        instances.put(uuid, instance);
        writeInstance(instance);
        addDevice(instance);
        capacity.refreshAvailable(p);
        LOG.info("simulated mdev core created {} of type {} on {} (IOMMU group {})", SysfsLayout.name(uuid), typeId, p.name, group);
        return 0;
    }

    void writeInstance(SimMdevInstance i) {
        writer.mdevInstance(new MdevInstanceInfo(i.uuid(), i.parent().name, i.typeId(), OptionalInt.of(i.group())));
        writer.file(layout.vfioGroup(i.group()), "");
    }

    /** The instance's VFIO device: its regions (BAR1 the type's), config space the guest's and two interrupts. */
    void addDevice(SimMdevInstance i) {
        VgpuVfioDevice.configure(vfio.group(i.group()).device(SysfsLayout.name(i.uuid())), i.type(), configs.create(i.parent().gpu.device(), i.type()));
    }

    /** remove_store: {@code kstrtoul(buf, 0)}, then the device. */
    private int removeNamed(String name, String text) {
        OptionalInt value = unsignedNumber(text);
        if (value.isEmpty()) return Errno.EINVAL.number();
        if (value.getAsInt() == 0) return 0;
        SimMdevInstance i = null;
        for (SimMdevInstance x : instances.values()) if (SysfsLayout.name(x.uuid()).equals(name)) i = x;
        if (i == null) return Errno.ENODEV.number();
        if (removing.contains(i.uuid())) return Errno.ENOENT.number(); // the first write took the attribute away
        UUID uuid = i.uuid();
        String device = SysfsLayout.name(uuid);
        store.beginTreeChange();
        writer.unlistMdevInstance(uuid);
        if (isHeld(i)) {
            LOG.info("simulated mdev core unlisted {}; its VFIO device is open, so the remove waits until it is closed", device);
            removing.add(uuid);
            store.changed();
            awaitClosed(uuid);
            if (closed) return 0; // the simulated host went away meanwhile, and its tree with it
            i = instances.get(uuid);
            if (i == null) return 0; // another process, or thread, finished it once the device closed
            removing.remove(uuid);
            store.beginTreeChange();
        }
        finishRemove(i);
        return 0;
    }

    /** The end of a remove: the instance's directory, IOMMU group and capacity go. */
    void finishRemove(SimMdevInstance i) {
        instances.remove(i.uuid());
        removing.remove(i.uuid());
        store.changed();
        writer.deleteMdevInstance(instanceDirectory(i.parent(), i.uuid()));
        writer.removeFile(layout.vfioGroup(i.group()));
        vfio.removeGroup(i.group());
        capacity.dropStaleTypes(i.parent());
        capacity.refreshAvailable(i.parent());
        LOG.info("simulated mdev core removed {} of type {} on {}", SysfsLayout.name(i.uuid()), i.typeId(), i.parent().name);
    }

    /** An instance's directory under its parent's PCI device (where SysfsTreeWriter puts it). */
    Path instanceDirectory(SimMdevParent p, UUID uuid) {
        return layout.pciDeviceDirectory(p.gpu.device().address()).resolve(SysfsLayout.name(uuid));
    }

    /** Whether the instance's VFIO device is open, in this process or (as the shared state says) a live other one. */
    boolean isHeld(SimMdevInstance i) {
        // a process holding only the group does not hold back a remove: the kernel waits for the device's users
        return vfio.isDeviceOpen(SysfsLayout.name(i.uuid())) || vfio.isDeviceOpenElsewhere(SysfsLayout.name(i.uuid()));
    }

    /**
     * Waits, giving up the lock (and the shared state's), until the instance's device is closed everywhere
     * (SimVfioKernel notifies when one closes here; another process's close is seen by looking again), the instance
     * is gone or the simulated kernel closes. As in the kernel, an interrupt does not end the wait; it is kept.
     */
    private void awaitClosed(UUID uuid) {
        boolean interrupted = false;
        SimMdevInstance i;
        while (!closed && (i = instances.get(uuid)) != null && isHeld(i)) {
            try {
                store.awaitOutside(lock, store.isShared() ? 20 : 0);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** Ends every remove that waits for a device to close: the simulated kernel is going away. */
    void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
    }

    /** {@code kstrtoul(text, 0)}: decimal, 0x hex or 0 octal, one trailing newline allowed; empty when not a number. */
    static OptionalInt unsignedNumber(String text) {
        String t = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        if (t.startsWith("+")) t = t.substring(1);
        int radix = 10;
        if (t.length() > 1 && (t.startsWith("0x") || t.startsWith("0X"))) {
            radix = 16;
            t = t.substring(2);
        } else if (t.length() > 1 && t.startsWith("0")) {
            radix = 8;
            t = t.substring(1);
        }
        if (t.isEmpty() || t.length() > 20 || !t.chars().allMatch(c -> Character.digit(c, 16) >= 0 && Character.digit(c, 16) < 16)) {
            return OptionalInt.empty();
        }
        try {
            long v = Long.parseUnsignedLong(t, radix);
            return OptionalInt.of(v == 0 ? 0 : 1);
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "SimMdevCore[" + parents.size() + " parents, " + instances.size() + " instances]";
        }
    }
}
