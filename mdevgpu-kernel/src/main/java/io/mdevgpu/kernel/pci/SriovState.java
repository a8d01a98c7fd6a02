package io.mdevgpu.kernel.pci;

import io.mdevgpu.PciAddress;

/**
 * What sysfs says of a physical function's SR-IOV capability.
 *
 * @param pf       the physical function
 * @param totalVfs {@code sriov_totalvfs}: how many VFs the function can have
 * @param numVfs   {@code sriov_numvfs}: how many are enabled now
 * @param offset   {@code sriov_offset}: routing-ID offset of the first VF
 * @param stride   {@code sriov_stride}: routing-ID distance between VFs
 * @param vfDevice {@code sriov_vf_device}: the VFs' PCI device id
 */
public record SriovState(PciAddress pf, int totalVfs, int numVfs, int offset, int stride, int vfDevice) {
    @Override
    public String toString() {
        return String.format("SR-IOV %s: %d/%d VFs enabled, offset %d, stride %d, VF device %04x", pf, numVfs, totalVfs,
                offset, stride, vfDevice);
    }
}
