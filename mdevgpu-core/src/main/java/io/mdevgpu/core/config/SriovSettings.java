package io.mdevgpu.core.config;

import io.mdevgpu.ValidationException;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * A {@code [gpu.sriov]} table: what {@code apply} does to the SR-IOV virtual functions of the entry's GPUs that run
 * NVIDIA's vendor-VFIO vGPUs (other GPUs ignore it).
 *
 * <pre>{@code
 * [gpu.sriov]
 * virtual_functions = 16   # enable 16 VFs; 0 disables them; absent: every VF (sriov_totalvfs) when none is enabled
 * heterogeneous = true     # the driver's heterogeneous mode (several vGPU sizes on one GPU); absent: left as it is
 * }</pre>
 *
 * @param virtualFunctions how many VFs to enable; empty for the default (all of them, when none is enabled yet)
 * @param heterogeneous    the heterogeneous mode to set; empty to leave it as it is
 */
public record SriovSettings(OptionalInt virtualFunctions, Optional<Boolean> heterogeneous) {
    /** The most VFs a PCI function can have (the capability's TotalVFs is 16 bits; Linux caps what it enables lower). */
    public static final int MAX_VIRTUAL_FUNCTIONS = 0xFFFF;
    /** No {@code [gpu.sriov]} table: every VF enabled where none is, the mode left alone. */
    public static final SriovSettings DEFAULT = new SriovSettings(OptionalInt.empty(), Optional.empty());

    public SriovSettings {
        if (virtualFunctions == null || heterogeneous == null) {
            throw new ValidationException("gpu.sriov", null, "use OptionalInt.empty() / Optional.empty() for the defaults");
        }
        if (virtualFunctions.isPresent() && (virtualFunctions.getAsInt() < 0 || virtualFunctions.getAsInt() > MAX_VIRTUAL_FUNCTIONS)) {
            throw new ValidationException("gpu.sriov.virtual_functions", Integer.toString(virtualFunctions.getAsInt()),
                    "0 (disable) to " + MAX_VIRTUAL_FUNCTIONS);
        }
    }

    /** How many VFs a GPU with {@code totalVfs} and {@code enabled} now should have after apply. */
    public int target(int totalVfs, int enabled) {
        if (virtualFunctions.isPresent()) return virtualFunctions.getAsInt();
        return enabled > 0 ? enabled : totalVfs;
    }

    public boolean isDefault() {
        return equals(DEFAULT);
    }

    @Override
    public String toString() {
        return "sriov[" + (virtualFunctions.isPresent() ? virtualFunctions.getAsInt() + " VFs" : "every VF")
                + heterogeneous.map(h -> ", heterogeneous " + (h ? "on" : "off")).orElse("") + "]";
    }
}
