package io.mdevgpu;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One SR-IOV virtual function of a GPU in NVIDIA's vendor-VFIO mode, as read with the GPU's backend.
 *
 * @param address    the VF's PCI address (what a VM is given: {@code -device vfio-pci,host=<address>})
 * @param index      its index under the GPU: {@code N} of the GPU's {@code virtfnN} link, from 0
 * @param typeId     its {@code current_vgpu_type}: the vGPU type it holds, 0 when none
 * @param owner      the UUID of the vGPU that holds it, from mdevgpu's owner record; empty when it is free, or holds
 *                   a type that another tool wrote (no record)
 * @param iommuGroup its IOMMU group (the number its {@code iommu_group} link names), -1 when the kernel gave none
 */
public record VirtualFunction(PciAddress address, int index, int typeId, Optional<UUID> owner, int iommuGroup) {
    /**
     * Checks the address and the owner are there.
     *
     * @throws NullPointerException when {@code address} or {@code owner} is null
     */
    public VirtualFunction {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(owner, "owner");
    }

    /** {@return whether the VF holds no vGPU: its {@code current_vgpu_type} is 0} */
    public boolean isFree() {
        return typeId == 0;
    }

    /** {@code 0000:65:00.4 virtfn0 nvidia-532 owner 5f3c...}, or {@code 0000:65:00.4 virtfn0 free}. */
    @Override
    public String toString() {
        return address + " virtfn" + index + (typeId == 0 ? " free" : " nvidia-" + typeId)
                + owner.map(u -> " owner " + u).orElse("");
    }
}
