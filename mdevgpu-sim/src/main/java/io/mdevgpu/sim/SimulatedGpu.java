package io.mdevgpu.sim;

import java.util.Objects;
import java.util.Optional;

import io.mdevgpu.Size;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.abi.nvrm.VirtualizationMode;
import io.mdevgpu.kernel.pci.PciDevice;
import io.mdevgpu.kernel.pci.SriovCapability;

/**
 * One GPU of a simulated host.
 *
 * @param device      the PCI function as sysfs shows it (address, ids, class, revision, driver, IOMMU group, NUMA
 *                    node, BARs, config space); the simulated NVIDIA driver probes it only when its driver is
 *                    {@code nvidia} (one bound to {@code vfio-pci}, or to none, is only in sysfs)
 * @param model       the marketing name ({@code NVIDIA A100-PCIE-40GB}), for messages
 * @param framebuffer the memory the driver hands out to vGPU instances (each instance of a type takes its
 *                    framebuffer plus its reservation)
 * @param mode        the virtualization mode the driver reports: {@link VirtualizationMode#HOST} takes vGPU types;
 *                    {@code NONE} (bare metal) and {@code NMOS} (pass-through) refuse them
 * @param sriov       its SR-IOV capability, when the host shows one: on a vGPU host driver of release 550 or newer its
 *                    vGPUs are then its virtual functions (NVIDIA's vendor-specific VFIO), not mdev instances
 */
public record SimulatedGpu(PciDevice device, String model, Size framebuffer, VirtualizationMode mode,
                           Optional<SriovCapability> sriov) {
    /** A GPU without an SR-IOV capability. */
    public SimulatedGpu(PciDevice device, String model, Size framebuffer, VirtualizationMode mode) {
        this(device, model, framebuffer, mode, Optional.empty());
    }

    public SimulatedGpu {
        Objects.requireNonNull(sriov, "sriov");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(framebuffer, "framebuffer");
        Objects.requireNonNull(mode, "mode");
        if (framebuffer.isZero() || !framebuffer.isWholeMiB()) {
            throw new ValidationException("framebuffer of simulated GPU " + device.address(), framebuffer.toString(),
                    "a positive whole number of MiB");
        }
        if (device.address().function() != 0) {
            throw new ValidationException("simulated GPU", device.address().toString(),
                    "function 0: the NVIDIA driver drives a GPU's function 0");
        }
    }

    /** A vGPU host GPU. */
    public static SimulatedGpu host(PciDevice device, String model, Size framebuffer) {
        return new SimulatedGpu(device, model, framebuffer, VirtualizationMode.HOST);
    }

    @Override
    public String toString() {
        return device.address() + " " + model + " " + device.id() + " " + framebuffer + " " + mode
                + sriov.map(s -> " SR-IOV " + s).orElse("");
    }
}
