package io.mdevgpu.sim;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import io.mdevgpu.DriverLimits;
import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.MdevType;
import io.mdevgpu.PciAddress;
import io.mdevgpu.kernel.nvvf.LinuxNvidiaVf;
import io.mdevgpu.kernel.nvvf.NvidiaVfPort;
import io.mdevgpu.kernel.pci.SriovPort;
import io.mdevgpu.kernel.pci.SriovState;
import io.mdevgpu.kernel.sysfs.AttributeWriter;
import io.mdevgpu.kernel.sysfs.SysfsLayout;
import io.mdevgpu.sim.Faults.Failure;
import io.mdevgpu.sim.Faults.Seam;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SR-IOV virtual functions and NVIDIA's vendor-specific VFIO vGPUs, simulated: the kernel's {@code sriov_*} files of
 * each GPU that has an SR-IOV capability, and on a vGPU host driver of release 550 or newer the {@code nvidia/}
 * directory of each enabled VF, whose {@code current_vgpu_type} this class answers as the driver does.
 *
 * <p>{@code sriov_numvfs}: the count enabled already is no change; more than {@code sriov_totalvfs} is ERANGE; another
 * non-zero count while VFs are enabled EBUSY (the kernel's rule); 0 while a VF holds a vGPU EBUSY (the driver's).
 * Enabling writes each VF as a PCI function bound to nvidia, with {@code virtfnN} and {@code physfn} links, its own
 * IOMMU group ({@value #VF_GROUP_BASE} + its routing ID, apart from the GPUs' and the mdev instances' groups) and
 * {@code /dev/vfio/N}, and resets the heterogeneous mode; disabling takes them away.
 *
 * <p>{@code current_vgpu_type}: a type id takes the VF when the VF is enabled (else ENODEV), holds none (else EBUSY)
 * and offers it in {@code creatable_vgpu_types} (else EINVAL); {@code 0} frees it, EBUSY while its VFIO device is open
 * (in this process or, on a host kept in a directory, in another live one: the shared state names who holds it). {@code creatable_vgpu_types} of a free VF lists the GPU's registered types (ASSUMED: whether
 * types registered through RM SET_INFO are offered there is not publicly known) that still fit beside its other
 * vGPUs: the type's {@code max_instances}, the release's instances per GPU, the framebuffer (with reservations) and,
 * unless heterogeneous mode is on, the size the GPU's first vGPU has. A VF holding a vGPU offers nothing. While a VF
 * holds a type its VFIO device is there, with the regions and guest config space an mdev instance of the type has.
 *
 * <p>Every call of both ports counts and can fail at the {@link Seam#SRIOV} seam before it does anything.
 *
 * <p>This class answers the ports and {@code sriov_numvfs}; {@code SriovVfTypes} holds the driver's vGPU types on VFs
 * and the heterogeneous mode, {@code SriovTree} the files and VFIO devices, {@code SriovSharedState} what is shared
 * with other processes, {@code SimSriovPf} a GPU's SR-IOV state.
 */
final class SimSriov implements SriovPort, AttributeWriter {
    private static final Logger LOG = LoggerFactory.getLogger(SimSriov.class);
    /** A VF's IOMMU group is this plus its routing ID. */
    static final int VF_GROUP_BASE = 4096;
    /** The first release whose vGPU host driver runs SR-IOV GPUs in vendor-specific VFIO (vGPU 17). */
    static final int FIRST_VENDOR_VFIO_MAJOR = 550;
    private static final String NVIDIA = "nvidia";

    final Object lock;
    final Faults faults;
    final SysfsLayout layout;
    final SysfsTreeWriter writer;
    final SimVfioKernel vfio;
    final GuestConfigFactory configs;
    final DriverLimits limits;
    final Supplier<Map<PciAddress, List<MdevType>>> tables;
    final Map<PciAddress, SimSriovPf> pfs = new LinkedHashMap<>();
    private final NvidiaVfPort nvidiaVf;
    final SriovVfTypes vfTypes = new SriovVfTypes(this);
    final SriovTree tree = new SriovTree(this);
    final SriovSharedState shared = new SriovSharedState(this);
    SimKernelStore store = SimKernelStore.NONE;

    /**
     * @param vendorVfio whether the driver runs its SR-IOV vGPU hosts in vendor-specific VFIO (release 550 or newer)
     * @param tables     each GPU's registered types (the driver's tables)
     */
    SimSriov(Object lock, Faults faults, SysfsLayout layout, SysfsTreeWriter writer, SimVfioKernel vfio,
             GuestConfigFactory configs, DriverLimits limits, boolean vendorVfio, List<SimulatedGpu> gpus,
             Supplier<Map<PciAddress, List<MdevType>>> tables) {
        this.lock = lock;
        this.faults = faults;
        this.layout = layout;
        this.writer = writer;
        this.vfio = vfio;
        this.configs = configs;
        this.limits = limits;
        this.tables = tables;
        for (SimulatedGpu g : gpus) {
            g.sriov().ifPresent(cap -> pfs.put(g.device().address(), new SimSriovPf(g, cap, vendorVfio
                    && g.mode().code() == io.mdevgpu.kernel.abi.nvrm.VirtualizationMode.HOST.code()
                    && g.device().driver().equals(Optional.of(NVIDIA)))));
        }
        this.nvidiaVf = new SimNvidiaVf(this, new LinuxNvidiaVf(layout, this), layout);
    }

    /** Whether any GPU has an SR-IOV capability: a host without one answers with {@link SriovPort#NONE}. */
    boolean any() {
        return !pfs.isEmpty();
    }

    /** Whether the GPU at {@code address} takes vGPUs on its VFs, not as an mdev parent. */
    boolean isVendorVfio(PciAddress address) {
        SimSriovPf p = pfs.get(address);
        return p != null && p.vendorVfio;
    }

    NvidiaVfPort nvidiaVf() {
        return nvidiaVf;
    }

    void store(SimKernelStore store) {
        synchronized (lock) {
            this.store = store;
        }
    }

    /** Writes each GPU's {@code sriov_*} files (a new host: no VF enabled). */
    void materialise() {
        for (SimSriovPf p : pfs.values()) tree.writeCapability(p);
    }

    /** The driver registered types on {@code gpu}: what its free VFs offer changes. */
    void typesChanged(PciAddress gpu) {
        synchronized (lock) {
            SimSriovPf p = pfs.get(gpu);
            if (p == null || p.numVfs == 0) return;
            store.beginTreeChange();
            tree.writeVfFiles(p);
        }
    }

    // ---- SriovPort ----

    @Override
    public Optional<SriovState> state(PciAddress pf) {
        fault(SriovCall.STATE, "read sriov_numvfs", layout.pciDevice(pf).resolve("sriov_numvfs"));
        return locked(() -> {
            SimSriovPf p = pfs.get(pf);
            if (p == null) {
                if (!java.nio.file.Files.isDirectory(layout.pciDevice(pf))) {
                    throw KernelException.of("read SR-IOV state", pf.toString(), Errno.ENODEV, "no such PCI function");
                }
                return Optional.empty();
            }
            return Optional.of(new SriovState(pf, p.cap.totalVfs(), p.numVfs, p.cap.offset(), p.cap.stride(),
                    p.cap.vfDevice()));
        });
    }

    @Override
    public void enable(PciAddress pf, int count) {
        numVfs(pf, count, "enable " + count + " VFs");
    }

    @Override
    public void disable(PciAddress pf) {
        numVfs(pf, 0, "disable VFs");
    }

    private void numVfs(PciAddress pf, int count, String operation) {
        Path file = layout.pciDevice(pf).resolve("sriov_numvfs");
        fault(SriovCall.SET_NUMVFS, "write " + count + " to", file);
        int errno = locked(() -> {
            SimSriovPf p = pfs.get(pf);
            if (p == null) return Errno.ENOENT.number();
            return setNumVfs(p, count);
        });
        if (errno != 0) throw KernelException.of(operation, file.toString(), Errno.of(errno), null);
    }

    @Override
    public List<PciAddress> virtualFunctions(PciAddress pf) {
        fault(SriovCall.VIRTFNS, "read virtfn links of", layout.pciDevice(pf));
        return locked(() -> {
            SimSriovPf p = pfs.get(pf);
            List<PciAddress> out = new ArrayList<>();
            if (p != null) for (int i = 0; i < p.numVfs; i++) out.add(p.vf(i));
            return List.copyOf(out);
        });
    }

    @Override
    public Optional<PciAddress> physicalFunction(PciAddress vf) {
        fault(SriovCall.PHYSFN, "read physfn of", layout.pciDevice(vf));
        return locked(() -> find(vf).map(v -> v.pf.address()));
    }

    // ---- the driver's and the kernel's answers ----

    private int setNumVfs(SimSriovPf p, int count) {
        if (count == p.numVfs) return 0;
        if (count > p.cap.totalVfs()) return Errno.ERANGE.number();
        if (p.numVfs != 0 && count != 0) return Errno.EBUSY.number();
        store.beginTreeChange();
        if (count == 0) {
            if (!p.types.isEmpty()) return Errno.EBUSY.number(); // the driver keeps VFs that hold vGPUs
            for (int i = p.numVfs - 1; i >= 0; i--) tree.removeVf(p, i);
            p.numVfs = 0;
        } else {
            p.numVfs = count;
            for (int i = 0; i < count; i++) tree.writeVf(p, i);
            if (p.vendorVfio) tree.writeVfFiles(p);
        }
        p.heterogeneous = false; // enabling again resets it; with no VFs there is none
        tree.writeCapability(p);
        store.changed();
        LOG.info("simulated kernel: {} VFs enabled on {}", count, p.address());
        return 0;
    }

    /** A write to a VF's {@code nvidia/current_vgpu_type}, as {@link LinuxNvidiaVf} makes it. */
    @Override
    public void write(Path attribute, String text, String operation) {
        int errno;
        synchronized (lock) {
            store.enter();
            try {
                errno = dispatch(attribute.normalize(), text.strip());
            } finally {
                store.exit();
            }
        }
        if (errno != 0) throw KernelException.of(operation, attribute.toString(), Errno.of(errno), null);
    }

    private int dispatch(Path file, String text) {
        for (SimSriovPf p : pfs.values()) {
            for (int i = 0; i < p.numVfs; i++) {
                if (!p.vendorVfio || !file.equals(layout.nvidiaVfCurrentType(p.vf(i)).normalize())) continue;
                int id;
                try {
                    id = Integer.parseInt(text);
                } catch (NumberFormatException e) {
                    return Errno.EINVAL.number();
                }
                return id == 0 ? vfTypes.clearType(p, i) : vfTypes.setType(p, i, id);
            }
        }
        return java.nio.file.Files.exists(file) ? Errno.EACCES.number() : Errno.ENODEV.number();
    }

    private record Vf(SimSriovPf pf, int index) {
    }

    private Optional<Vf> find(PciAddress vf) {
        for (SimSriovPf p : pfs.values()) {
            for (int i = 0; i < p.numVfs; i++) if (p.vf(i).equals(vf)) return Optional.of(new Vf(p, i));
        }
        return Optional.empty();
    }

    // ---- calls ----

    void fault(SriovCall call, String operation, Path target) {
        Failure f = faults.enter(call, faults.wantsText() ? operation + " " + target : null);
        if (f != null) throw KernelException.of(operation, target.toString(), Errno.of(f.errnoOrEio()), null);
    }

    <T> T locked(Supplier<T> call) {
        synchronized (lock) {
            store.enter();
            try {
                return call.get();
            } finally {
                store.exit();
            }
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "SimSriov[" + pfs.size() + " SR-IOV GPUs]";
        }
    }
}
