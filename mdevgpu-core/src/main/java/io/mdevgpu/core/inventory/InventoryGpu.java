package io.mdevgpu.core.inventory;

import io.mdevgpu.Size;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.abi.nvrm.VirtualizationMode;
import io.mdevgpu.kernel.pci.PciDevice;
import io.mdevgpu.kernel.pci.SriovCapability;

import java.util.Objects;
import java.util.Optional;

/**
 * One GPU of a simulated host: what sysfs shows of it and what its driver reports.
 *
 * @param device             the PCI function as sysfs shows it: ids, class, BAR windows, config space, IOMMU group
 * @param model              the product name the driver reports ({@code NVIDIA A100-SXM4-40GB})
 * @param catalogueId        the catalogue model it was made from ({@code a100-40g})
 * @param framebuffer        the framebuffer the driver reports as usable
 * @param virtualizationMode what the driver reports for it: only {@link VirtualizationMode#HOST} takes vGPU types
 * @param sriov              its SR-IOV capability, when the host shows one: on a vGPU host driver R550 or newer its
 *                           vGPUs are then virtual functions (NVIDIA's vendor-specific VFIO), not mdev instances
 */
public record InventoryGpu(PciDevice device, String model, String catalogueId, Size framebuffer,
                           VirtualizationMode virtualizationMode, Optional<SriovCapability> sriov) {
    /** A GPU without an SR-IOV capability. */
    public InventoryGpu(PciDevice device, String model, String catalogueId, Size framebuffer,
                        VirtualizationMode virtualizationMode) {
        this(device, model, catalogueId, framebuffer, virtualizationMode, Optional.empty());
    }

    public InventoryGpu {
        Objects.requireNonNull(sriov, "sriov");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(catalogueId, "catalogueId");
        Objects.requireNonNull(virtualizationMode, "virtualizationMode");
        if (framebuffer == null || framebuffer.isZero() || !framebuffer.isWholeMiB()) {
            throw new ValidationException("framebuffer of " + device.address(), String.valueOf(framebuffer),
                    "a positive whole number of MiB");
        }
    }

    /** {@code 0000:65:00.0 NVIDIA A100-SXM4-40GB 10de:20b0 [10de:134f] 40960MiB HOST (vGPU host) iommu_group=48}. */
    @Override
    public String toString() {
        return device.address() + " " + model + " " + device.id() + " " + framebuffer + " " + virtualizationMode
                + " iommu_group=" + (device.iommuGroup().isPresent() ? Integer.toString(device.iommuGroup().getAsInt()) : "none")
                + sriov.map(s -> " sriov(" + s + ")").orElse("");
    }
}
