package io.mdevgpu.sim;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.mdevgpu.MdevType;

/**
 * The simulated vendor driver's capacity beneath the mdev core: what a type has {@code available_instances} (its
 * {@code max_instance}, the release's instances per GPU, the free framebuffer), the types a parent still shows, and
 * the IOMMU group numbers handed to new instances. Guarded by the simulated kernel's lock.
 */
final class MdevCapacity {
    private final SimMdevCore c;

    MdevCapacity(SimMdevCore core) {
        this.c = core;
    }

    long available(SimMdevParent p, String typeId) {
        MdevType t = p.published.get(typeId);
        if (t == null) return 0;
        long left = Math.min(t.maxInstances() - ofType(p, typeId), c.limits.maxInstancesPerGpu() - onParent(p));
        return Math.max(0, Math.min(left, fitByFramebuffer(p, t)));
    }

    private long fitByFramebuffer(SimMdevParent p, MdevType t) {
        long used = 0;
        for (SimMdevInstance i : c.instances.values()) if (i.parent() == p) used += i.type().framebufferPerInstance().bytes();
        long free = p.gpu.framebuffer().bytes() - used;
        return free <= 0 ? 0 : free / t.framebufferPerInstance().bytes();
    }

    int ofType(SimMdevParent p, String typeId) {
        int n = 0;
        for (SimMdevInstance i : c.instances.values()) if (i.parent() == p && i.typeId().equals(typeId)) n++;
        return n;
    }

    private int onParent(SimMdevParent p) {
        int n = 0;
        for (SimMdevInstance i : c.instances.values()) if (i.parent() == p) n++;
        return n;
    }

    void refreshAvailable(SimMdevParent p) {
        for (String typeId : p.shown) c.writer.availableInstances(p.name, typeId, available(p, typeId));
    }

    void dropStaleTypes(SimMdevParent p) {
        for (String typeId : List.copyOf(p.shown)) {
            if (!p.published.containsKey(typeId) && ofType(p, typeId) == 0) {
                c.writer.removeMdevType(p.name, typeId);
                p.shown.remove(typeId);
            }
        }
    }

    /** The lowest IOMMU group number no GPU and no instance has, as the kernel's IDA hands them out. */
    int freeGroup() {
        Set<Integer> taken = new HashSet<>(c.physicalGroups);
        for (SimMdevInstance i : c.instances.values()) taken.add(i.group());
        int n = 0;
        while (taken.contains(n)) n++;
        return n;
    }
}
