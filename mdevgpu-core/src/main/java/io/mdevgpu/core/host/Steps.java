package io.mdevgpu.core.host;

import io.mdevgpu.DriverException;
import io.mdevgpu.HostStateException;
import io.mdevgpu.KernelException;
import io.mdevgpu.MdevException;
import io.mdevgpu.NotVgpuHostException;

/**
 * Names the step of a change in its error: the same exception type (so callers still catch what failed: an errno,
 * an NV status), with the step in front of the operation, {@code apply (register 4 vGPU types on GPU
 * 0000:65:00.0): NV_ESC_RM_CONTROL VGPU_CONFIG_SET_INFO ...}, and the original as its cause.
 */
final class Steps {
    private Steps() {
    }

    static MdevException named(String change, String step, RuntimeException e) {
        String prefix = change + " (" + step + "): ";
        if (e instanceof NotVgpuHostException n) return n; // names its own step: nothing was sent
        if (e instanceof KernelException k && k.errno() != null) {
            return KernelException.of(prefix + k.operation(), k.target(), k.errno(), k.fix().orElse(null), k);
        }
        if (e instanceof DriverException d) {
            DriverException named = new DriverException(prefix + d.operation(), d.target(), d.status(), d.statusName(),
                    d.fix().orElse(null));
            named.addSuppressed(d); // its constructor takes no cause: the original rides along suppressed
            return named;
        }
        if (e instanceof HostStateException h) {
            return new HostStateException(change + " (" + step + ")", null, h.getMessage(), null, h);
        }
        if (e instanceof MdevException m) return m;
        return new HostStateException(change + " (" + step + ")", null, "unexpected " + e, "this is a defect of mdevgpu; "
                + "the log has the stack trace", e);
    }
}
