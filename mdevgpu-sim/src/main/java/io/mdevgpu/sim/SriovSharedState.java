package io.mdevgpu.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the simulated SR-IOV GPUs share with the other processes that open a host kept in a directory: each GPU's VFs
 * as the state keeps them, taking what another process left, and repairing the tree after a process died changing
 * it. Guarded by the simulated kernel's lock.
 */
final class SriovSharedState {
    private final SimSriov s;

    SriovSharedState(SimSriov sriov) {
        this.s = sriov;
    }

    /** Each GPU's VFs as the state file keeps them. */
    List<SimKernelState.SriovRecord> records() {
        synchronized (s.lock) {
            List<SimKernelState.SriovRecord> out = new ArrayList<>();
            for (SimSriovPf p : s.pfs.values()) {
                out.add(new SimKernelState.SriovRecord(p.address(), p.numVfs, p.heterogeneous, Map.copyOf(p.types)));
            }
            return out;
        }
    }

    /** Puts the VFs as another process left them (the tree has them already); the VFIO devices are this process's own. */
    void restore(List<SimKernelState.SriovRecord> records) {
        synchronized (s.lock) {
            for (SimSriovPf p : s.pfs.values()) {
                for (int i : List.copyOf(p.types.keySet())) {
                    if (!s.vfio.isDeviceOpen(p.vf(i).toString())) s.vfio.removeGroup(p.group(i));
                }
                p.types.clear();
                p.numVfs = 0;
                p.heterogeneous = false;
            }
            for (SimKernelState.SriovRecord r : records) {
                SimSriovPf p = s.pfs.get(r.pf());
                if (p == null) continue;
                p.numVfs = r.numVfs();
                p.heterogeneous = r.heterogeneous();
                p.types.putAll(r.types());
                for (int i : p.types.keySet()) {
                    if (s.vfio.findGroup(p.group(i)).map(g -> g.devices().isEmpty()).orElse(true)) s.tree.addDevice(p, i);
                }
            }
        }
    }

    /** Makes the tree match {@code records} after a process died in the middle of a change. */
    void repair(List<SimKernelState.SriovRecord> records) {
        synchronized (s.lock) {
            restore(records);
            for (SimSriovPf p : s.pfs.values()) {
                for (int i = p.numVfs; i < p.cap.totalVfs(); i++) {
                    if (java.nio.file.Files.exists(s.layout.pciDevice(p.vf(i)), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        s.tree.removeVf(p, i);
                    }
                }
                for (int i = 0; i < p.numVfs; i++) s.tree.writeVf(p, i);
                s.tree.writeVfFiles(p);
                s.tree.writeCapability(p);
            }
        }
    }
}
