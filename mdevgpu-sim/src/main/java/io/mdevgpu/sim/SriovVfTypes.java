package io.mdevgpu.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.mdevgpu.Errno;
import io.mdevgpu.MdevType;
import io.mdevgpu.PciAddress;
import io.mdevgpu.kernel.nvvf.NvidiaVfPort.CreatableType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated NVIDIA driver's vGPU types on SR-IOV VFs: a VF's {@code current_vgpu_type} taken and freed, what a
 * free VF offers in {@code creatable_vgpu_types}, and the GPU's heterogeneous mode (the rules are in
 * {@link SimSriov}'s comment). Guarded by the simulated kernel's lock.
 */
final class SriovVfTypes {
    private static final Logger LOG = LoggerFactory.getLogger(SimSriov.class);
    private final SimSriov s;

    SriovVfTypes(SimSriov sriov) {
        this.s = sriov;
    }

    int setType(SimSriovPf p, int index, int id) {
        if (p.types.containsKey(index)) return Errno.EBUSY.number();
        Optional<MdevType> type = table(p).stream().filter(t -> t.number() == id).findFirst();
        if (type.isEmpty() || creatable(p, index).stream().noneMatch(t -> t.id() == id)) return Errno.EINVAL.number();
        s.store.beginTreeChange();
        p.types.put(index, type.get());
        s.tree.addDevice(p, index);
        s.tree.writeVfFiles(p);
        s.store.changed();
        LOG.info("simulated driver: VF {} of {} holds nvidia-{}", p.vf(index), p.address(), id);
        return 0;
    }

    int clearType(SimSriovPf p, int index) {
        if (!p.types.containsKey(index)) return 0;
        String device = p.vf(index).toString();
        // the driver refuses while the VF's VFIO device is open, in this process or (a host kept in a directory) another
        if (s.vfio.isDeviceOpen(device) || s.vfio.isDeviceOpenElsewhere(device)) return Errno.EBUSY.number();
        s.store.beginTreeChange();
        p.types.remove(index);
        s.vfio.removeGroup(p.group(index));
        s.tree.writeVfFiles(p);
        s.store.changed();
        LOG.info("simulated driver: VF {} of {} holds no vGPU", p.vf(index), p.address());
        return 0;
    }

    /** What VF {@code index} can take now; see the class comment. */
    List<CreatableType> creatable(SimSriovPf p, int index) {
        if (p.types.containsKey(index)) return List.of();
        List<MdevType> held = List.copyOf(p.types.values());
        long usedMib = held.stream().mapToLong(t -> t.framebufferPerInstance().toMiB()).sum();
        List<CreatableType> out = new ArrayList<>();
        for (MdevType t : table(p)) {
            long sameType = held.stream().filter(h -> h.number() == t.number()).count();
            if (sameType >= t.maxInstances() || held.size() >= s.limits.maxInstancesPerGpu()) continue;
            if (usedMib + t.framebufferPerInstance().toMiB() > p.gpu.framebuffer().toMiB()) continue;
            if (!p.heterogeneous && !held.isEmpty()
                    && !held.getFirst().framebufferPerInstance().equals(t.framebufferPerInstance())) continue;
            out.add(new CreatableType(t.number(), t.name()));
        }
        return out;
    }

    List<MdevType> table(SimSriovPf p) {
        return s.tables.get().getOrDefault(p.address(), List.of());
    }

    /** The heterogeneous mode of {@code pf}; empty for a GPU not in vendor-VFIO mode. Under the lock. */
    Optional<Boolean> heterogeneous(PciAddress pf) {
        return Optional.ofNullable(s.pfs.get(pf)).filter(p -> p.vendorVfio).map(p -> p.heterogeneous);
    }

    /** Sets it: EOPNOTSUPP without vendor-VFIO, EINVAL without VFs, EBUSY while a VF holds a vGPU; 0 or the errno. Under the lock. */
    int setHeterogeneous(PciAddress pf, boolean on) {
        SimSriovPf p = s.pfs.get(pf);
        if (p == null || !p.vendorVfio) return Errno.EOPNOTSUPP.number();
        if (p.numVfs == 0) return Errno.EINVAL.number();
        if (!p.types.isEmpty()) return Errno.EBUSY.number();
        if (p.heterogeneous != on) {
            p.heterogeneous = on;
            s.store.beginTreeChange();
            s.tree.writeVfFiles(p);
            s.store.changed();
        }
        return 0;
    }
}
