package io.mdevgpu.sim;

import static io.mdevgpu.kernel.abi.vfio.VfioConstants.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.mdevgpu.sim.SimVfioKernel.Device;
import io.mdevgpu.sim.SimVfioKernel.Region;

/**
 * What a {@link SimVfioKernel.Device} holds and does: its regions, interrupts and the memory behind them, the
 * configuration a test gives it and what the hardware does (a fired vector). Package-private: the public type
 * is the nested one, which has only its constructor.
 */
abstract sealed class AbstractVfioDevice permits SimVfioKernel.Device {
    final String name;
    int flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
    final List<Region> regions = new ArrayList<>();
    final List<int[]> irqs = new ArrayList<>(); // {flags, count}
    final Map<Integer, int[]> eventfds = new HashMap<>();
    /** Indexes (bit per index) masked: by ACTION_MASK, or by an automasked signal until ACTION_UNMASK. */
    int masked;
    /** Whether GET_INFO was asked: the driver answers IRQ requests only then, for as long as the device exists (K11). */
    boolean infoAsked;
    int numRegions = -1;
    String backing;
    int resets;
    int memfd = -1;
    long memfdSize;
    int openFds;
    final SimVfioKernel kernel;

    AbstractVfioDevice(SimVfioKernel kernel, String name) {
        this.kernel = kernel;
        this.name = name;
    }

    public String name() { return name; }

    public Device flags(int flags) {
        synchronized (kernel.lock) {
            this.flags = flags;
            return self();
        }
    }

    /** Adds a memory-backed region: its bytes live in the device's memfd at {@code offset}. */
    public Device region(int index, int flags, long size, long offset) {
        return add(new Region(index, flags, size, offset, null));
    }

    /** Adds a region served by {@code emulator} (a CONFIG region): {@code size} is the emulator's. */
    public Device emulatedRegion(int index, int flags, long offset, ConfigSpaceEmulator emulator) {
        return add(new Region(index, flags, emulator.size(), offset, Objects.requireNonNull(emulator, "emulator")));
    }

    Device add(Region r) {
        synchronized (kernel.lock) {
            regions.removeIf(x -> x.index == r.index);
            regions.add(r);
            kernel.memory.growMemory(self());
            return self();
        }
    }

    /** The region {@code index}. */
    public Region region(int index) {
        synchronized (kernel.lock) {
            return regions.stream().filter(r -> r.index == index).findFirst().orElseThrow(
                    () -> new IllegalArgumentException("device " + name + " has no region " + index));
        }
    }

    /** Adds the next interrupt index with {@code flags} ({@code VFIO_IRQ_INFO_*}) and {@code count} vectors. */
    public Device irq(int flags, int count) {
        synchronized (kernel.lock) {
            irqs.add(new int[] {flags, count});
            return self();
        }
    }

    /** What {@code GET_INFO} reports as {@code num_regions}; by default the highest region index + 1. */
    public Device numRegions(int n) {
        synchronized (kernel.lock) {
            this.numRegions = n;
            return self();
        }
    }

    /**
     * Backs the device fd with the file at {@code path} instead of memory (null: memory again): data calls then go
     * straight to that file, to see what the real kernel answers for a fd that is no VFIO device.
     */
    public Device backing(String path) {
        synchronized (kernel.lock) {
            this.backing = path;
            return self();
        }
    }

    /** How many {@code VFIO_DEVICE_RESET}s it received. */
    public int resets() {
        synchronized (kernel.lock) {
            return resets;
        }
    }

    /** The eventfds bound to interrupt {@code index} by vector (0: none), or empty when none is bound. */
    public Optional<int[]> eventfds(int index) {
        synchronized (kernel.lock) {
            int[] bound = eventfds.get(index);
            return bound == null ? Optional.empty() : Optional.of(bound.clone());
        }
    }

    /** Whether some fd of this device is open. */
    public boolean isOpen() {
        synchronized (kernel.lock) {
            return openFds > 0;
        }
    }

    /** Whether interrupt {@code index} is masked (it signals nothing until unmasked). */
    public boolean isMasked(int index) {
        synchronized (kernel.lock) {
            return index >= 0 && index < Integer.SIZE && (masked & 1 << index) != 0;
        }
    }

    /**
     * What the hardware does: signals vector {@code vector} of interrupt {@code index}, if an eventfd is bound and
     * the index is not masked; an automasked index then masks itself.
     */
    public void fire(int index, int vector) {
        synchronized (kernel.lock) {
            int[] bound = eventfds.get(index);
            if (bound == null || vector < 0 || vector >= bound.length || bound[vector] <= 0) return;
            if ((masked & 1 << index) != 0) return;
            if ((irqs.get(index)[0] & VFIO_IRQ_INFO_AUTOMASKED) != 0) masked |= 1 << index;
            kernel.interrupts.signal(bound[vector]);
        }
    }

    /** The release of the last fd disables every interrupt. */
    void disableInterrupts() {
        eventfds.clear();
        masked = 0;
    }

    int reportedRegions() {
        if (numRegions >= 0) return numRegions;
        int n = 0;
        for (int i = 0; i < regions.size(); i++) n = Math.max(n, regions.get(i).index + 1);
        return n;
    }

    long memorySize() {
        long end = 0;
        for (Region r : regions) if (r.emulator == null) end = Math.max(end, r.offset + r.size);
        return end;
    }

    Region regionAt(long at) {
        for (int i = 0; i < regions.size(); i++) {
            Region r = regions.get(i);
            if (r.contains(at)) return r;
        }
        return null;
    }

    @Override
    public String toString() {
        return "device " + name + " (" + regions.size() + " regions, " + irqs.size() + " interrupts)";
    }

    /** This, as the public type it is (the only subclass). */
    private Device self() {
        return (Device) this;
    }
}
