package io.mdevgpu.kernel.pci;

import io.mdevgpu.ValidationException;

/**
 * A physical function's SR-IOV capability as the hardware declares it ({@code lspci -vvv}: {@code Total VFs},
 * {@code VF offset}, {@code stride}, {@code Device ID}): what a simulated GPU is given, and what its
 * {@code sriov_totalvfs}, {@code sriov_offset}, {@code sriov_stride} and {@code sriov_vf_device} then read.
 *
 * @param totalVfs how many VFs the function can have, 1..65535
 * @param offset   routing-ID offset of the first VF, 1..65535
 * @param stride   routing-ID distance between VFs, 1..65535
 * @param vfDevice the VFs' PCI device id
 */
public record SriovCapability(int totalVfs, int offset, int stride, int vfDevice) {
    public SriovCapability {
        check("total VFs", totalVfs);
        check("VF offset", offset);
        check("VF stride", stride);
        if (vfDevice < 0 || vfDevice > 0xFFFF) {
            throw new ValidationException("SR-IOV VF device id", Integer.toHexString(vfDevice), "0..0xffff");
        }
    }

    private static void check(String what, int value) {
        if (value < 1 || value > 0xFFFF) throw new ValidationException("SR-IOV " + what, Integer.toString(value), "1..65535");
    }

    /** {@code 32 VFs, offset 4, stride 1, VF device 2330}. */
    @Override
    public String toString() {
        return String.format("%d VFs, offset %d, stride %d, VF device %04x", totalVfs, offset, stride, vfDevice);
    }
}
