package io.mdevgpu.core.host;

import io.mdevgpu.DeviceInUseException;
import io.mdevgpu.Errno;
import io.mdevgpu.HostStateException;
import io.mdevgpu.KernelException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.ValidationException;
import io.mdevgpu.VirtualFunction;
import io.mdevgpu.kernel.pci.SriovPort;
import io.mdevgpu.kernel.pci.SriovState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;

/**
 * Enables and disables an SR-IOV GPU's virtual functions and sets the driver's heterogeneous mode, as
 * {@code sriov-manage -e} and {@code nvidia-smi vgpu -shm} do (the mode through RM: {@link HeterogeneousModes}). Each
 * change is idempotent (what is so already is left alone), refused while a VF holds a vGPU, read back, and undone when
 * a later step of it fails: a count changed from one non-zero value to another disables first (the kernel takes no
 * other way), and if enabling then fails the earlier count is enabled again.
 */
final class SriovControl {
    private static final Logger LOG = LoggerFactory.getLogger(SriovControl.class);

    private final EngineHost host;

    SriovControl(EngineHost host) {
        this.host = host;
    }

    private SriovPort port() {
        return host.kernel().sriov();
    }

    /** The SR-IOV state of {@code gpu}: EOPNOTSUPP when the kernel shows no SR-IOV capability. */
    SriovState state(PciAddress gpu, String operation) {
        return port().state(gpu).filter(s -> s.totalVfs() > 0).orElseThrow(() -> KernelException.of(operation,
                "GPU " + gpu, Errno.EOPNOTSUPP, "the kernel shows no SR-IOV capability on this GPU (sriov_totalvfs): it "
                        + "is no SR-IOV GPU, or a hypervisor hides the capability"));
    }

    /** Enables {@code count} VFs on {@code gpu}; true when it changed anything. */
    boolean enable(PciAddress gpu, int count) {
        String operation = count == 0 ? "disable SR-IOV VFs" : "enable " + count + " SR-IOV VFs";
        SriovState before = state(gpu, operation);
        if (count < 0 || count > before.totalVfs()) {
            throw new ValidationException("VF count of GPU " + gpu, Integer.toString(count),
                    "0 (disable) to " + before.totalVfs() + " (sriov_totalvfs)");
        }
        if (before.numVfs() == count) {
            LOG.debug("GPU {} has {} VFs enabled already", gpu, count);
            return false;
        }
        if (before.numVfs() > 0) {
            refuseIfAssigned(gpu, operation);
            port().disable(gpu);
        }
        try {
            if (count > 0) port().enable(gpu, count);
            int now = state(gpu, operation).numVfs();
            if (now != count) {
                throw new HostStateException(operation, "GPU " + gpu, "sriov_numvfs reads " + now + " after the write",
                        "see the kernel log (dmesg)", null);
            }
        } catch (RuntimeException failure) {
            restore(gpu, before.numVfs(), failure);
            throw failure;
        }
        clearStaleRecords(gpu);
        LOG.info("GPU {}: {} SR-IOV VFs enabled (were {})", gpu, count, before.numVfs());
        return true;
    }

    /** Sets heterogeneous mode; true when it changed anything. */
    boolean heterogeneous(PciAddress gpu, boolean on) {
        String operation = "set heterogeneous vGPU mode " + (on ? "on" : "off");
        SriovState state = state(gpu, operation);
        if (state.numVfs() == 0) {
            throw KernelException.of(operation, "GPU " + gpu, Errno.EINVAL,
                    "enable the VFs first: the mode is set after the VFs are enabled and before the first vGPU");
        }
        if (host.heterogeneousModes().read(gpu).equals(Optional.of(on))) return false;
        refuseIfAssigned(gpu, operation);
        host.heterogeneousModes().set(gpu, on); // read back and logged by the RM client
        return true;
    }

    private void refuseIfAssigned(PciAddress gpu, String operation) {
        SriovState state = state(gpu, operation);
        List<VirtualFunction> assigned = host.vfBackends().virtualFunctions(state).stream()
                .filter(v -> !v.isFree()).toList();
        if (!assigned.isEmpty()) {
            throw new DeviceInUseException(operation, "GPU " + gpu, assigned.size() + " VF(s) hold a vGPU ("
                    + String.join(", ", assigned.stream().map(VirtualFunction::toString).toList())
                    + "): remove them first (mdevgpu remove UUID); nothing was changed");
        }
    }

    private void restore(PciAddress gpu, int count, RuntimeException failure) {
        try {
            int now = port().state(gpu).map(SriovState::numVfs).orElse(-1);
            if (now == count) return;
            if (now > 0) port().disable(gpu);
            if (count > 0) port().enable(gpu, count);
            LOG.info("GPU {}: its {} VFs are enabled again after a failed change", gpu, count);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            LOG.error("GPU {}: the change of its VFs failed ({}) and its earlier {} VFs could not be enabled again: {}",
                    gpu, failure.getMessage(), count, e.getMessage());
        }
    }

    /** Owner records of VFs that hold no vGPU (left by a killed process, or from VFs enabled before) go. */
    private void clearStaleRecords(PciAddress gpu) {
        for (PciAddress vf : port().virtualFunctions(gpu)) {
            if (host.kernel().nvidiaVf().isVgpuCapable(vf) && host.kernel().nvidiaVf().currentType(vf) == 0) {
                host.vfOwners().erase(vf);
            }
        }
    }
}
