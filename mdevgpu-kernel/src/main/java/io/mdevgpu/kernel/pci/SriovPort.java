package io.mdevgpu.kernel.pci;

import java.util.List;
import java.util.Optional;

import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.NoSuchDeviceException;
import io.mdevgpu.PciAddress;

/**
 * The port for a PCI physical function's SR-IOV virtual functions, through the kernel's generic sysfs files
 * ({@code sriov_totalvfs}, {@code sriov_numvfs}, {@code sriov_offset}, {@code sriov_stride},
 * {@code sriov_vf_device}, the {@code virtfnN} links and each VF's {@code physfn}). The real implementation
 * ({@code LinuxSriov}) writes {@code sriov_numvfs} with one {@code write(2)}; the simulated kernel answers the same
 * calls with the kernel's errnos. The NVIDIA vGPU files of a VF are another port
 * ({@link io.mdevgpu.kernel.nvvf.NvidiaVfPort}).
 */
public interface SriovPort {
    /** A host whose PCI functions expose no SR-IOV capability. */
    SriovPort NONE = new SriovPort() {
        @Override public Optional<SriovState> state(PciAddress pf) { return Optional.empty(); }
        @Override public void enable(PciAddress pf, int count) { throw absent("enable VFs", pf); }
        @Override public void disable(PciAddress pf) { throw absent("disable VFs", pf); }
        @Override public List<PciAddress> virtualFunctions(PciAddress pf) { return List.of(); }
        @Override public Optional<PciAddress> physicalFunction(PciAddress vf) { return Optional.empty(); }
        @Override public String toString() { return "no SR-IOV"; }

        private static KernelException absent(String operation, PciAddress pf) {
            return KernelException.of(operation, pf + "/sriov_numvfs", Errno.ENOENT,
                    "the function has no SR-IOV capability the kernel exposes");
        }
    };

    /**
     * The SR-IOV state of {@code pf}, or empty when the function has no SR-IOV capability the kernel exposes
     * (no {@code sriov_totalvfs}: not SR-IOV capable, or the hypervisor hides the capability).
     *
     * @throws NoSuchDeviceException when there is no such PCI function
     * @throws KernelException       when an SR-IOV attribute exists but cannot be read
     */
    Optional<SriovState> state(PciAddress pf);

    /**
     * Enables {@code count} VFs on {@code pf} ({@code echo count > sriov_numvfs}). The kernel refuses a change
     * from one non-zero count to another (EBUSY), a count above TotalVFs (ERANGE on 6.x: the errno is passed on as
     * the kernel answered it) and a PF whose driver cannot enable VFs (ENOENT/EOPNOTSUPP, likewise).
     *
     * @throws KernelException of the kernel's errno, naming the PF and the count
     */
    void enable(PciAddress pf, int count);

    /**
     * Disables every VF of {@code pf} ({@code echo 0 > sriov_numvfs}); nothing to do when none is enabled.
     *
     * @throws KernelException of the kernel's errno, naming the PF
     */
    void disable(PciAddress pf);

    /** The addresses of {@code pf}'s enabled VFs, in VF index order ({@code virtfn0}, {@code virtfn1}, ...). */
    List<PciAddress> virtualFunctions(PciAddress pf);

    /** The PF of {@code vf} (its {@code physfn} link), or empty when {@code vf} is no virtual function. */
    Optional<PciAddress> physicalFunction(PciAddress vf);
}
