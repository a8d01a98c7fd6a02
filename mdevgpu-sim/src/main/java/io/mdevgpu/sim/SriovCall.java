package io.mdevgpu.sim;

/**
 * The simulated SR-IOV calls: the PCI function's generic {@code sriov_*} files and links ({@code SriovPort}) and a
 * VF's NVIDIA {@code nvidia/} files ({@code NvidiaVfPort}). A failed call throws the errno's {@code KernelException}
 * and changes nothing.
 */
public enum SriovCall implements SimCall {
    /** Reading a PF's {@code sriov_totalvfs}, {@code sriov_numvfs} and the rest of its SR-IOV state. */
    STATE,
    /** {@code echo N > sriov_numvfs}, enabling or disabling the VFs. */
    SET_NUMVFS,
    /** Reading a PF's {@code virtfnN} links. */
    VIRTFNS,
    /** Reading a VF's {@code physfn} link. */
    PHYSFN,
    /** Looking for a VF's {@code nvidia/} directory. */
    NVIDIA_DIRECTORY,
    /** Reading {@code nvidia/creatable_vgpu_types}. */
    CREATABLE_TYPES,
    /** Reading {@code nvidia/current_vgpu_type}. */
    CURRENT_TYPE,
    /** {@code echo ID > nvidia/current_vgpu_type}: creating the VF's vGPU. */
    SET_TYPE,
    /** {@code echo 0 > nvidia/current_vgpu_type}: deleting it. */
    CLEAR_TYPE;

    @Override
    public Faults.Seam seam() {
        return Faults.Seam.SRIOV;
    }
}
