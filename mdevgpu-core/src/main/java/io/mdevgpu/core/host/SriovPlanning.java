package io.mdevgpu.core.host;

import io.mdevgpu.PciAddress;
import io.mdevgpu.VgpuBackend;
import io.mdevgpu.VirtualFunction;
import io.mdevgpu.core.config.SriovSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SR-IOV part of a GPU's plan: how many VFs apply leaves enabled and the heterogeneous mode it sets, on a GPU in
 * NVIDIA's vendor-VFIO mode, from its entry's {@code [gpu.sriov]} table (by default every VF, when none is enabled).
 *
 * @param enabled       VFs enabled now
 * @param totalVfs      {@code sriov_totalvfs}
 * @param target        VFs enabled after apply
 * @param heterogeneous the mode to set, empty to leave it
 * @param heterogeneousNow the mode now, empty where it cannot be read
 * @param assigned      VFs that hold a vGPU now
 */
record SriovPlanning(int enabled, int totalVfs, int target, Optional<Boolean> heterogeneous,
                     Optional<Boolean> heterogeneousNow, List<VirtualFunction> assigned) {

    /**
     * What the plan says of every SR-IOV GPU: that its vGPUs are VFs, and what is not publicly known of types registered
     * through RM SET_INFO (the write paths never rely on it: create checks each VF's creatable_vgpu_types first).
     */
    static final String SET_INFO_ASSUMPTION = "it is assumed (not publicly known) that types registered through the "
            + "driver's SET_INFO are offered in its VFs' creatable_vgpu_types like NVIDIA's own; `mdevgpu types` shows "
            + "what the VFs offer after apply, and create checks a VF's list before it writes";

    static Optional<SriovPlanning> of(EngineHost host, EngineParentDevice gpu, SriovSettings settings) {
        Optional<VgpuBackend.SriovVfio> backend = host.vfBackends().sriovOf(gpu, true);
        if (backend.isEmpty()) return Optional.empty();
        VgpuBackend.SriovVfio b = backend.get();
        return Optional.of(new SriovPlanning(b.enabled(), b.totalVfs(), settings.target(b.totalVfs(), b.enabled()),
                settings.heterogeneous(), b.heterogeneous(), b.vfs().stream().filter(v -> !v.isFree()).toList()));
    }

    boolean changesVfs() {
        return target != enabled;
    }

    boolean changesMode() {
        return heterogeneous.isPresent() && (changesVfs() || !heterogeneous.equals(heterogeneousNow));
    }

    /** The plan's lines for the GPU's changes. */
    List<String> changes() {
        List<String> out = new ArrayList<>();
        if (!changesVfs()) {
            out.add("keep its " + enabled + " SR-IOV VF(s) enabled (of " + totalVfs + ")");
        } else if (target == 0) {
            out.add("disable its " + enabled + " SR-IOV VF(s)");
        } else {
            out.add("enable " + target + " SR-IOV VF(s) of " + totalVfs + (enabled == 0 ? " (none enabled now)"
                    : " (" + enabled + " enabled now: disabled first)"));
        }
        if (changesMode()) out.add("set heterogeneous vGPU mode " + (heterogeneous.get() ? "on" : "off"));
        return out;
    }

    /** Why apply cannot do it, for the plan's problems. */
    List<String> problems(PciAddress gpu) {
        List<String> out = new ArrayList<>();
        if (target > totalVfs) {
            out.add("GPU " + gpu + ": virtual_functions = " + target + " but the GPU has at most " + totalVfs
                    + " (sriov_totalvfs)");
        }
        if ((changesVfs() || changesMode()) && !assigned.isEmpty()) {
            out.add("GPU " + gpu + ": " + assigned.size() + " VF(s) hold a vGPU (" + String.join(", ",
                    assigned.stream().map(VirtualFunction::toString).toList()) + "): its VFs and their mode change only "
                    + "while none does; remove them first");
        }
        if (target == 0 && heterogeneous.isPresent()) {
            out.add("GPU " + gpu + ": heterogeneous is set but virtual_functions = 0: the mode needs enabled VFs");
        }
        return out;
    }
}
