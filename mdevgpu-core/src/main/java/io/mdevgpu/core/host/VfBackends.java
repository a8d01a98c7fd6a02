package io.mdevgpu.core.host;

import io.mdevgpu.MdevException;
import io.mdevgpu.NoSuchDeviceException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.PciId;
import io.mdevgpu.VgpuBackend;
import io.mdevgpu.VirtualFunction;
import io.mdevgpu.kernel.abi.nvrm.NvrmRelease;
import io.mdevgpu.kernel.abi.nvrm.VirtualizationMode;
import io.mdevgpu.kernel.nvrm.RmClient;
import io.mdevgpu.kernel.nvrm.RmGpu;
import io.mdevgpu.kernel.nvvf.NvidiaVfPort;
import io.mdevgpu.kernel.pci.PciDevice;
import io.mdevgpu.kernel.pci.SriovPort;
import io.mdevgpu.kernel.pci.SriovState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * Which backend each GPU has, and the vGPUs on SR-IOV GPUs' virtual functions; reads only.
 *
 * <p>A GPU is an <em>mdev</em> GPU when the mdev bus has it as a parent, or its driver is a vGPU host without SR-IOV
 * (it becomes a parent when types are registered). It is an <em>SR-IOV vendor-VFIO</em> GPU when the kernel shows
 * its SR-IOV capability ({@code sriov_totalvfs}), the {@code nvidia} driver (R550 or newer) runs it as a vGPU host
 * and it is no mdev parent: there the driver has no mdev bus and a vGPU is a VF with a type in its
 * {@code nvidia/current_vgpu_type}. Anything else has <em>no</em> backend, with the reason.
 */
final class VfBackends {
    private static final Logger LOG = LoggerFactory.getLogger(VfBackends.class);
    /** The first release whose vGPU host driver uses vendor-specific VFIO on SR-IOV GPUs (vGPU 17). */
    static final int FIRST_VENDOR_VFIO_MAJOR = 550;

    private final EngineHost host;

    VfBackends(EngineHost host) {
        this.host = host;
    }

    SriovPort sriov() {
        return host.kernel().sriov();
    }

    NvidiaVfPort nvidiaVf() {
        return host.kernel().nvidiaVf();
    }

    /** Whether {@code device} is a virtual function (it has a {@code physfn}): no GPU of its own. */
    boolean isVirtualFunction(PciDevice device) {
        return sriov().physicalFunction(device.address()).isPresent();
    }

    VgpuBackend backend(EngineParentDevice gpu) {
        return backend(gpu, false, true);
    }

    /**
     * The backend of {@code gpu}. A GPU with enabled VFs that have the driver's {@code nvidia/} directory is an SR-IOV
     * GPU without asking the driver (only a vGPU host driver makes those directories); otherwise the driver is asked
     * for its virtualization mode, and when it cannot be asked, {@code strict} passes the failure on (a change is to
     * be made) where a look only says so. {@code withMode}: read the heterogeneous mode of an SR-IOV GPU too (an RM
     * call: only for what shows or plans it).
     */
    VgpuBackend backend(EngineParentDevice gpu, boolean strict, boolean withMode) {
        PciAddress a = gpu.address();
        if (gpu.id().vendor() != PciId.NVIDIA) return new VgpuBackend.None("not an NVIDIA GPU (vendor "
                + String.format("%04x", gpu.id().vendor()) + ")");
        if (!gpu.driver().equals(Optional.of("nvidia"))) {
            return new VgpuBackend.None(gpu.driver().map(d -> "bound to " + d + ", not to nvidia").orElse("no driver bound"));
        }
        if (isMdevParent(a)) return new VgpuBackend.Mdev();
        Optional<SriovState> sriov = sriov().state(a).filter(s -> s.totalVfs() > 0);
        if (sriov.isPresent() && sriov.get().numVfs() > 0) {
            List<PciAddress> vfs = sriov().virtualFunctions(a);
            if (!vfs.isEmpty() && nvidiaVf().isVgpuCapable(vfs.getFirst())) return sriovBackend(sriov.get(), withMode);
        }
        Optional<NvrmRelease> release = host.release();
        if (release.isEmpty()) return new VgpuBackend.None("no NVIDIA driver is loaded ("
                + host.kernel().nvidiaVersionFile() + " cannot be read)");
        Optional<Integer> mode = virtualizationMode(a, strict);
        if (mode.isEmpty()) return new VgpuBackend.None("the NVIDIA driver could not be asked whether it is a vGPU host");
        if (mode.get() != VirtualizationMode.HOST.code()) {
            return new VgpuBackend.None("the driver runs it in " + VirtualizationMode.describe(mode.get())
                    + (sriov.isEmpty() ? "; the kernel shows no SR-IOV capability (a hypervisor may hide it)" : "")
                    + ": nothing to manage");
        }
        if (sriov.isPresent() && release.get().major() >= FIRST_VENDOR_VFIO_MAJOR) {
            if (sriov.get().numVfs() > 0) {
                return new VgpuBackend.None("its " + sriov.get().numVfs() + " enabled VFs have no nvidia/ directory: the "
                        + "driver does not run vendor-VFIO vGPUs on them (disable and enable them again)");
            }
            return sriovBackend(sriov.get(), withMode);
        }
        return new VgpuBackend.Mdev();
    }

    /**
     * The backend of an SR-IOV GPU known to be one (no virtualization-mode query): its VFs as they are now and the
     * driver's heterogeneous mode where {@code withMode} (empty otherwise).
     */
    VgpuBackend.SriovVfio sriovBackend(SriovState state, boolean withMode) {
        return new VgpuBackend.SriovVfio(state.totalVfs(), virtualFunctions(state),
                withMode ? host.heterogeneousModes().read(state.pf()) : Optional.empty());
    }

    /** The VFs of an SR-IOV GPU as they are now: the type each holds and its owner. */
    List<VirtualFunction> virtualFunctions(SriovState state) {
        List<VirtualFunction> vfs = new ArrayList<>();
        List<PciAddress> addresses = sriov().virtualFunctions(state.pf());
        for (int i = 0; i < addresses.size(); i++) {
            PciAddress vf = addresses.get(i);
            int type = nvidiaVf().isVgpuCapable(vf) ? nvidiaVf().currentType(vf) : 0;
            // a record beside type 0 is a claim that died before its write (a claim in flight holds the VF's lock)
            vfs.add(new VirtualFunction(vf, i, type, type == 0 ? Optional.empty() : host.vfOwners().owner(vf), iommuGroup(vf)));
        }
        return vfs;
    }

    /**
     * The SR-IOV backend of {@code gpu}, or empty when it has another; a GPU without an SR-IOV capability costs one
     * look at its {@code sriov_totalvfs} and nothing else. The heterogeneous mode is read only {@code withMode}.
     */
    Optional<VgpuBackend.SriovVfio> sriovOf(EngineParentDevice gpu, boolean withMode) {
        if (sriov().state(gpu.address()).filter(s -> s.totalVfs() > 0).isEmpty()) return Optional.empty();
        return backend(gpu, true, withMode) instanceof VgpuBackend.SriovVfio s ? Optional.of(s) : Optional.empty();
    }

    int iommuGroup(PciAddress vf) {
        OptionalInt group = host.kernel().pci().device(vf).iommuGroup();
        return group.isPresent() ? group.getAsInt() : -1;
    }

    private boolean isMdevParent(PciAddress a) {
        try {
            host.bus().parent(a);
            return true;
        } catch (NoSuchDeviceException e) {
            return false;
        }
    }

    /** The driver's virtualization mode of the GPU, read through the RM API; empty when it cannot be asked. */
    Optional<Integer> virtualizationMode(PciAddress a, boolean strict) {
        try (RmClient rm = host.openRmClient(); RmGpu gpu = rm.openGpu(a)) {
            return Optional.of(gpu.virtualizationMode());
        } catch (MdevException e) {
            if (strict) throw e;
            LOG.debug("the virtualization mode of GPU {} could not be read: {}", a, e.getMessage());
            return Optional.empty();
        }
    }

    /** Every vGPU on the VFs of {@code gpus}' SR-IOV GPUs, in address order. */
    List<EngineVfVgpu> vgpus(List<EngineParentDevice> gpus) {
        List<EngineVfVgpu> out = new ArrayList<>();
        for (EngineParentDevice gpu : gpus) {
            // a GPU without enabled VFs has no vGPU on them, whatever its driver says
            if (sriov().state(gpu.address()).filter(s -> s.numVfs() > 0).isEmpty()) continue;
            sriovOf(gpu, false).ifPresent(s -> {
                for (VirtualFunction vf : s.vfs()) {
                    if (vf.typeId() != 0) out.add(vgpu(gpu.address(), vf));
                }
            });
        }
        return out;
    }

    EngineVfVgpu vgpu(PciAddress gpu, VirtualFunction vf) {
        return new EngineVfVgpu(host, gpu, vf.address(), vf.typeId(), vf.owner().orElseGet(() -> unowned(vf.address())),
                vf.iommuGroup());
    }

    /**
     * The UUID of a VF's vGPU that another tool created (no owner record): one derived from the VF's address, the same
     * in every process, so that it can be listed, inspected and removed like the others.
     */
    static UUID unowned(PciAddress vf) {
        return UUID.nameUUIDFromBytes(("mdevgpu-vf:" + vf).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
}
