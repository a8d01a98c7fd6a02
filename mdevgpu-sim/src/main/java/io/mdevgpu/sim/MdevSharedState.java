package io.mdevgpu.sim;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.mdevgpu.MdevType;
import io.mdevgpu.kernel.mdev.MdevTypeInfo;
import io.mdevgpu.kernel.sysfs.SysfsLayout;
import io.mdevgpu.kernel.sysfs.SysfsReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the simulated mdev core shares with the other processes that open a host kept in a directory: its parents
 * and instances as the state keeps them, taking what another process left, and repairing the tree after a process
 * died changing it (who holds a device open is the VFIO's: {@code VfioHolders}). Guarded by the simulated kernel's lock.
 */
final class MdevSharedState {
    private static final Logger LOG = LoggerFactory.getLogger(SimMdevCore.class);
    private final SimMdevCore c;

    MdevSharedState(SimMdevCore core) {
        this.c = core;
    }

    /** The instances as the shared state keeps them, in creation order. */
    List<SimKernelState.InstanceRecord> instanceRecords() {
        synchronized (c.lock) {
            List<SimKernelState.InstanceRecord> out = new ArrayList<>();
            for (SimMdevInstance i : c.instances.values()) {
                out.add(new SimKernelState.InstanceRecord(i.uuid(), i.parent().gpu.device().address(), i.typeId(), i.group(),
                        c.removing.contains(i.uuid()), i.type()));
            }
            return out;
        }
    }

    /**
     * Takes the parents and instances another process left in the state: types and instances it published or made
     * appear here (with their VFIO devices), those it removed go. The tree is that process's: it is not written.
     * A remove that waited for a device nobody holds any more is finished, whoever began it.
     */
    void restore(SimKernelState state) {
        synchronized (c.lock) {
            for (SimMdevParent p : c.parents.values()) {
                List<MdevType> published = state.registered().get(p.gpu.device().address());
                p.registered = published != null;
                p.published = new LinkedHashMap<>();
                if (published != null) for (MdevType t : published) p.published.put(t.sysfsName(), t);
                p.shown.clear();
                p.shown.addAll(p.published.keySet());
            }
            Map<UUID, SimMdevInstance> before = new LinkedHashMap<>(c.instances);
            c.instances.clear();
            c.removing.clear();
            for (SimKernelState.InstanceRecord r : state.instances()) {
                SimMdevParent p = c.parents.get(r.parent().toString());
                if (p == null) throw new IllegalStateException("the state names an instance on " + r.parent() + ", no GPU of this host");
                SimMdevInstance mine = before.remove(r.uuid());
                SimMdevInstance i = mine != null && mine.group() == r.group() ? mine : new SimMdevInstance(r.uuid(), p, r.typeId(), r.type(), r.group());
                c.instances.put(i.uuid(), i);
                if (r.removing()) c.removing.add(i.uuid());
                p.shown.add(i.typeId());
                if (i != mine) {
                    if (mine != null) c.vfio.removeGroup(mine.group());
                    c.addDevice(i);
                }
            }
            for (SimMdevInstance gone : before.values()) {
                if (c.vfio.isDeviceOpen(SysfsLayout.name(gone.uuid()))) {
                    LOG.warn("another process removed {} while this one holds its device open", SysfsLayout.name(gone.uuid()));
                    continue;
                }
                c.vfio.removeGroup(gone.group());
            }
            for (SimMdevInstance i : List.copyOf(c.instances.values())) {
                if (c.removing.contains(i.uuid()) && !c.isHeld(i)) {
                    c.store.beginTreeChange();
                    c.finishRemove(i);
                }
            }
        }
    }

    /**
     * Makes the tree show {@code state} (restored before) again after a process died in the middle of changing it:
     * the registered parents, each shown type with its counts, each instance listed (or, while its remove waits,
     * unlisted), and nothing the state does not have.
     */
    void repair(SimKernelState state) {
        synchronized (c.lock) {
            for (SimMdevParent p : c.parents.values()) {
                Path device = c.layout.pciDeviceDirectory(p.gpu.device().address());
                if (!p.registered) {
                    c.writer.removeFile(c.layout.mdevParent(p.name));
                    SysfsTreeWriter.deleteTree(device.resolve("mdev_supported_types"));
                    continue;
                }
                c.writer.mdevParent(p.gpu.device().address());
                for (String name : SysfsReader.names(device)) { // instances the state does not have
                    if (!SimMdevCore.UUID_TEXT.matcher(name).matches() || c.instances.containsKey(UUID.fromString(name))) continue;
                    deleteInstanceTree(UUID.fromString(name), device.resolve(name));
                }
                for (String typeId : SysfsReader.names(device.resolve("mdev_supported_types"))) {
                    if (!p.shown.contains(typeId)) SysfsTreeWriter.deleteTree(device.resolve("mdev_supported_types").resolve(typeId));
                }
                for (String typeId : p.shown) {
                    MdevType t = p.published.get(typeId);
                    if (t == null) t = c.instances.values().stream().filter(i -> i.parent() == p && i.typeId().equals(typeId))
                            .findFirst().orElseThrow().type();
                    c.writer.mdevType(new MdevTypeInfo(p.name, typeId, Optional.of(t.name()), Optional.of(SimMdevCore.description(t).toString()),
                            "c.vfio-pci", 0, List.of()));
                }
            }
            for (SimMdevInstance i : c.instances.values()) {
                Path dir = c.instanceDirectory(i.parent(), i.uuid());
                if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) deleteInstanceTree(i.uuid(), dir);
                c.writeInstance(i);
                if (c.removing.contains(i.uuid())) c.writer.unlistMdevInstance(i.uuid());
            }
            for (SimMdevParent p : c.parents.values()) if (p.registered) c.capacity.refreshAvailable(p);
            LOG.info("simulated mdev core repaired its tree: {} instance(s) on {} parent(s)", c.instances.size(),
                    c.parents.values().stream().filter(p -> p.registered).count());
        }
    }

    /** Deletes an instance's directory, links and group node, whatever of them a died process left. */
    private void deleteInstanceTree(UUID uuid, Path dir) {
        String name = SysfsLayout.name(uuid);
        c.writer.removeFile(c.layout.mdevDevice(uuid));
        Path groupLink = dir.resolve("iommu_group");
        if (Files.isSymbolicLink(groupLink)) {
            try {
                c.writer.removeFile(c.layout.vfioGroup(Integer.parseInt(Files.readSymbolicLink(groupLink).getFileName().toString())));
            } catch (java.io.IOException | NumberFormatException e) {
                LOG.debug("no group node to remove for {}: {}", name, e.toString());
            }
        }
        for (String typeId : SysfsReader.names(dir.getParent().resolve("mdev_supported_types"))) {
            c.writer.removeFile(dir.getParent().resolve("mdev_supported_types").resolve(typeId).resolve("devices").resolve(name));
        }
        c.writer.deleteMdevInstance(dir);
    }
}
