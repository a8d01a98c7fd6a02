package io.mdevgpu.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.mdevgpu.sim.SimKernelState.Holder;
import io.mdevgpu.sim.SimVfioKernel.Device;
import io.mdevgpu.sim.SimVfioKernel.Group;

/**
 * Which of the simulated VFIO's devices are held open across the processes of a host kept in a directory: this
 * simulated kernel's open devices and groups as {@link Holder}s for the shared state, and the holders of live other
 * processes the state last named. A process killed with its devices open holds nothing from then on (a holder counts
 * only while its process lives), and the next write of the state leaves it out. Guarded by the simulated kernel's
 * lock.
 */
final class VfioHolders {
    private final SimVfioKernel k;
    /** How many simulated kernels this process made: the low half of {@link #opener}. */
    private static final AtomicInteger KERNELS = new AtomicInteger();
    /**
     * Who this is among the simulated kernels that hold devices of a shared host open: this process's id and its
     * kernel count, unique among live processes (a random one would seed a {@code SecureRandom}, some 10 ms of a cold
     * start; a dead process whose id comes back holds nothing, as {@link Holder#isAlive()} says).
     */
    private final long opener = ProcessHandle.current().pid() << 32 | (KERNELS.incrementAndGet() & 0xFFFF_FFFFL);
    /** Other processes' holders, as the shared state last said. */
    private List<Holder> foreign = List.of();

    VfioHolders(SimVfioKernel kernel) {
        this.k = kernel;
    }

    /** Who holds a device or its group open: the live other processes the state named, of devices still here, and this one. */
    List<Holder> holders() {
        List<Holder> out = new ArrayList<>();
        for (Holder h : foreign) if (device(h.name()) != null && h.isAlive()) out.add(h);
        ProcessHandle self = ProcessHandle.current();
        for (Group g : k.groups.values()) {
            boolean groupOpen = k.isGroupOpen(g.number());
            for (Device d : g.devices.values()) {
                boolean device = d.openFds > 0;
                if (device || groupOpen) out.add(Holder.of(d.name(), self, opener, device));
            }
        }
        return out;
    }

    /** Takes the holders the shared state names; this kernel's own are known here already. */
    void restore(List<Holder> all) {
        foreign = all.stream().filter(h -> h.opener() != opener).toList();
    }

    /** Whether a live other process holds device {@code name} open, or (unless {@code deviceOnly}) its group. */
    boolean heldElsewhere(String name, boolean deviceOnly) {
        for (Holder h : foreign) {
            if (h.name().equals(name) && (h.device() || !deviceOnly) && h.isAlive()) return true;
        }
        return false;
    }

    private Device device(String name) {
        for (Group g : k.groups.values()) {
            Device d = g.devices.get(name);
            if (d != null) return d;
        }
        return null;
    }
}
