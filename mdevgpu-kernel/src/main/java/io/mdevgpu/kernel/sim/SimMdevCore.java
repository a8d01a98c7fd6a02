package io.mdevgpu.kernel.sim;

import static io.mdevgpu.kernel.abi.vfio.VfioConstants.*;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

import io.mdevgpu.DriverLimits;
import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.MdevType;
import io.mdevgpu.PciAddress;
import io.mdevgpu.Size;
import io.mdevgpu.kernel.mdev.MdevInstanceInfo;
import io.mdevgpu.kernel.mdev.MdevTypeInfo;
import io.mdevgpu.kernel.mdev.NvidiaTypeDescription;
import io.mdevgpu.kernel.pci.PciDevice;
import io.mdevgpu.kernel.sim.Faults.Failure;
import io.mdevgpu.kernel.sim.Faults.Seam;
import io.mdevgpu.kernel.sysfs.AttributeWriter;
import io.mdevgpu.kernel.sysfs.SysfsLayout;
import io.mdevgpu.kernel.sysfs.SysfsTreeWriter;
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
 */
final class SimMdevCore implements AttributeWriter {
    private static final Logger LOG = LoggerFactory.getLogger(SimMdevCore.class);
    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** vfio-pci's region offsets: index << 40 (VFIO_PCI_OFFSET_SHIFT). */
    private static final int OFFSET_SHIFT = 40;
    static final Size BAR0 = Size.mib(16), BAR3 = Size.mib(32);
    private static final int NUM_REGIONS = VFIO_PCI_VGA_REGION_INDEX + 1;
    private static final int MAPPED = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE | VFIO_REGION_INFO_FLAG_MMAP;

    private static final class Parent {
        final SimulatedGpu gpu;
        final String name;
        boolean registered;
        boolean goingAway;
        Map<String, MdevType> published = new LinkedHashMap<>();
        final Set<String> shown = new HashSet<>();

        Parent(SimulatedGpu gpu) {
            this.gpu = gpu;
            this.name = gpu.device().address().toString();
        }
    }

    private record Instance(UUID uuid, Parent parent, String typeId, MdevType type, int group) {
    }

    private final Object lock;
    private final Faults faults;
    private final SysfsLayout layout;
    private final SysfsTreeWriter writer;
    private final SimVfioKernel vfio;
    private final GuestConfigFactory configs;
    private final DriverLimits limits;
    private final Map<String, Parent> parents = new TreeMap<>();
    private final Map<UUID, Instance> instances = new LinkedHashMap<>();
    private final Set<Integer> physicalGroups = new HashSet<>();
    /** Instances whose remove waits for their VFIO device to close (K5). */
    private final Set<UUID> removing = new HashSet<>();
    private boolean closed;

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
            parents.put(g.device().address().toString(), new Parent(g));
            g.device().iommuGroup().ifPresent(physicalGroups::add);
        }
    }

    // ---- the driver's side ----

    /** The driver publishes {@code types} for the GPU at {@code address}. */
    void publish(PciAddress address, List<MdevType> types) {
        synchronized (lock) {
            Parent p = parents.get(address.toString());
            if (p == null) throw new IllegalStateException("no simulated GPU at " + address);
            if (!p.registered) {
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
            dropStaleTypes(p);
            refreshAvailable(p);
            LOG.info("simulated driver published {} type{} on {}: {}", types.size(), types.size() == 1 ? "" : "s", p.name,
                    p.published.keySet());
        }
    }

    private static NvidiaTypeDescription description(MdevType t) {
        return new NvidiaTypeDescription(t.display().heads(), t.display().frameRateLimit(), t.framebuffer(),
                t.display().maxResolutionX(), t.display().maxResolutionY(), t.maxInstances());
    }

    void goingAway(PciAddress address, boolean goingAway) {
        synchronized (lock) {
            Parent p = parents.get(address.toString());
            if (p == null) throw new IllegalArgumentException("no simulated GPU at " + address);
            p.goingAway = goingAway;
        }
    }

    Map<PciAddress, List<MdevType>> published() {
        synchronized (lock) {
            Map<PciAddress, List<MdevType>> out = new LinkedHashMap<>();
            for (Parent p : parents.values()) {
                if (p.registered) out.put(p.gpu.device().address(), List.copyOf(p.published.values()));
            }
            return out;
        }
    }

    List<MdevInstanceInfo> instances() {
        synchronized (lock) {
            List<MdevInstanceInfo> out = new ArrayList<>();
            for (Instance i : instances.values()) {
                out.add(new MdevInstanceInfo(i.uuid, i.parent.name, i.typeId, OptionalInt.of(i.group)));
            }
            out.sort((a, b) -> SysfsLayout.name(a.uuid()).compareTo(SysfsLayout.name(b.uuid())));
            return List.copyOf(out);
        }
    }

    /** The VFIO device of instance {@code uuid}, to raise its interrupts. */
    Optional<SimVfioKernel.Device> device(UUID uuid) {
        synchronized (lock) {
            Instance i = instances.get(uuid);
            return i == null ? Optional.empty() : Optional.of(vfio.group(i.group).device(SysfsLayout.name(uuid)));
        }
    }

    // ---- the writes ----

    @Override
    public void write(Path attribute, String text, String operation) {
        Failure f = faults.enter(Seam.MDEV, faults.wantsText() ? operation + " " + attribute : null);
        if (f != null) throw KernelException.of(operation, attribute.toString(), Errno.of(f.errnoOrEio()), null);
        synchronized (lock) {
            int errno = dispatch(attribute.normalize(), text);
            if (errno != 0) throw KernelException.of(operation, attribute.toString(), Errno.of(errno), null);
        }
    }

    /** Routes a write as the kernel would by the file written; returns 0 or the errno. */
    private int dispatch(Path file, String text) {
        for (Parent p : parents.values()) {
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

    private int create(Parent p, String typeId, String text) {
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
        if (available(p, typeId) < 1) return Errno.ENOSPC.number(); // the driver's capacity (K3)
        int group = freeGroup();
        String name = SysfsLayout.name(uuid);
        Instance instance = new Instance(uuid, p, typeId, type, group);
        ConfigSpaceEmulator config = configs.create(p.gpu.device(), type);
        instances.put(uuid, instance);
        writer.mdevInstance(new MdevInstanceInfo(uuid, p.name, typeId, OptionalInt.of(group)));
        writer.file(layout.vfioGroup(group), "");
        vfio.group(group).device(name)
                .region(VFIO_PCI_BAR0_REGION_INDEX, MAPPED, BAR0.bytes(), offset(VFIO_PCI_BAR0_REGION_INDEX))
                .region(VFIO_PCI_BAR1_REGION_INDEX, MAPPED, type.bar1().bytes(), offset(VFIO_PCI_BAR1_REGION_INDEX))
                .region(VFIO_PCI_BAR3_REGION_INDEX, MAPPED, BAR3.bytes(), offset(VFIO_PCI_BAR3_REGION_INDEX))
                .emulatedRegion(VFIO_PCI_CONFIG_REGION_INDEX, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE,
                        offset(VFIO_PCI_CONFIG_REGION_INDEX), config)
                .numRegions(NUM_REGIONS)
                .irq(VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED, 1)
                .irq(VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE, 1);
        refreshAvailable(p);
        LOG.info("simulated mdev core created {} of type {} on {} (IOMMU group {})", name, typeId, p.name, group);
        return 0;
    }

    private static long offset(int index) {
        return (long) index << OFFSET_SHIFT;
    }

    /** remove_store: {@code kstrtoul(buf, 0)}, then the device. */
    private int removeNamed(String name, String text) {
        OptionalInt value = unsignedNumber(text);
        if (value.isEmpty()) return Errno.EINVAL.number();
        if (value.getAsInt() == 0) return 0;
        Instance i = null;
        for (Instance x : instances.values()) if (SysfsLayout.name(x.uuid).equals(name)) i = x;
        if (i == null) return Errno.ENODEV.number();
        if (removing.contains(i.uuid)) return Errno.ENOENT.number(); // the first write took the attribute away
        String device = SysfsLayout.name(i.uuid);
        boolean open = vfio.isDeviceOpen(device);
        Path dir = writer.unlistMdevInstance(i.uuid);
        if (open) {
            LOG.info("simulated mdev core unlisted {}; its VFIO device is open, so the remove waits until it is closed", device);
            removing.add(i.uuid);
            awaitClosed(device);
            removing.remove(i.uuid);
            if (closed) return 0; // the simulated host went away meanwhile, and its tree with it
        }
        instances.remove(i.uuid);
        writer.deleteMdevInstance(dir);
        writer.removeFile(layout.vfioGroup(i.group));
        vfio.removeGroup(i.group);
        dropStaleTypes(i.parent);
        refreshAvailable(i.parent);
        LOG.info("simulated mdev core removed {} of type {} on {}", device, i.typeId, i.parent.name);
        return 0;
    }

    /**
     * Waits, giving up the lock, until no fd of {@code device} is open (SimVfioKernel notifies when one closes) or the
     * simulated kernel closes. As in the kernel, an interrupt does not end the wait; it is kept for the thread.
     */
    private void awaitClosed(String device) {
        boolean interrupted = false;
        while (vfio.isDeviceOpen(device) && !closed) {
            try {
                lock.wait();
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

    // ---- capacity ----

    private long available(Parent p, String typeId) {
        MdevType t = p.published.get(typeId);
        if (t == null) return 0;
        long left = Math.min(t.maxInstances() - ofType(p, typeId), limits.maxInstancesPerGpu() - onParent(p));
        return Math.max(0, Math.min(left, fitByFramebuffer(p, t)));
    }

    private long fitByFramebuffer(Parent p, MdevType t) {
        long used = 0;
        for (Instance i : instances.values()) if (i.parent == p) used += i.type.framebufferPerInstance().bytes();
        long free = p.gpu.framebuffer().bytes() - used;
        return free <= 0 ? 0 : free / t.framebufferPerInstance().bytes();
    }

    private int ofType(Parent p, String typeId) {
        int n = 0;
        for (Instance i : instances.values()) if (i.parent == p && i.typeId.equals(typeId)) n++;
        return n;
    }

    private int onParent(Parent p) {
        int n = 0;
        for (Instance i : instances.values()) if (i.parent == p) n++;
        return n;
    }

    private void refreshAvailable(Parent p) {
        for (String typeId : p.shown) writer.availableInstances(p.name, typeId, available(p, typeId));
    }

    private void dropStaleTypes(Parent p) {
        for (String typeId : List.copyOf(p.shown)) {
            if (!p.published.containsKey(typeId) && ofType(p, typeId) == 0) {
                writer.removeMdevType(p.name, typeId);
                p.shown.remove(typeId);
            }
        }
    }

    /** The lowest IOMMU group number no GPU and no instance has, as the kernel's IDA hands them out. */
    private int freeGroup() {
        Set<Integer> taken = new HashSet<>(physicalGroups);
        for (Instance i : instances.values()) taken.add(i.group);
        int n = 0;
        while (taken.contains(n)) n++;
        return n;
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "SimMdevCore[" + parents.size() + " parents, " + instances.size() + " instances]";
        }
    }
}
