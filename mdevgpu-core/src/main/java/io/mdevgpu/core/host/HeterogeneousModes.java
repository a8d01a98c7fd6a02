package io.mdevgpu.core.host;

import io.mdevgpu.MdevException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.kernel.nvrm.RmClient;
import io.mdevgpu.kernel.nvrm.RmGpu;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * The driver's vGPU heterogeneous mode of SR-IOV GPUs, as {@code nvidia-smi vgpu -shm} reads and sets it: an RM control
 * on the GPU's device object ({@link RmGpu#heterogeneousMode()}), not a sysfs file, so each call opens a short RM
 * client as the virtualization-mode read does. See docs/nvidia-heterogeneous-mode.md.
 */
final class HeterogeneousModes {
    private static final Logger LOG = LoggerFactory.getLogger(HeterogeneousModes.class);

    private final EngineHost host;

    HeterogeneousModes(EngineHost host) {
        this.host = host;
    }

    /** The mode of {@code gpu}; empty when the driver cannot be asked (a look only says so; the reason is logged). */
    Optional<Boolean> read(PciAddress gpu) {
        try (RmClient rm = host.openRmClient(); RmGpu g = rm.openGpu(gpu)) {
            return Optional.of(g.heterogeneousMode());
        } catch (MdevException e) {
            LOG.debug("the vGPU heterogeneous mode of GPU {} could not be read: {}", gpu, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Sets the mode of {@code gpu} and reads it back ({@link RmGpu#setHeterogeneousMode}).
     *
     * @throws MdevException typed: EOPNOTSUPP before driver 550, the GPU no vGPU host, the driver's NV status
     */
    void set(PciAddress gpu, boolean on) {
        try (RmClient rm = host.openRmClient(); RmGpu g = rm.openGpu(gpu)) {
            g.setHeterogeneousMode(on);
        }
    }
}
