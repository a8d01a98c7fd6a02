package io.mdevgpu.sim;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.kernel.nvvf.LinuxNvidiaVf;
import io.mdevgpu.kernel.nvvf.NvidiaVfPort;
import io.mdevgpu.kernel.sysfs.SysfsLayout;

/**
 * The simulated VFs' {@code nvidia/} files as a port: read and written by the real one ({@link LinuxNvidiaVf}) on the
 * simulated tree, whose writes {@link SimSriov} answers as the driver does; each call counted and failable at the
 * {@link Faults.Seam#SRIOV} seam before it does anything; the heterogeneous mode as the driver keeps it.
 */
final class SimNvidiaVf implements NvidiaVfPort {
    private final SimSriov sriov;
    private final LinuxNvidiaVf files;
    private final SysfsLayout layout;

    SimNvidiaVf(SimSriov sriov, LinuxNvidiaVf files, SysfsLayout layout) {
        this.sriov = sriov;
        this.files = files;
        this.layout = layout;
    }

    @Override
    public boolean isVgpuCapable(PciAddress vf) {
        sriov.fault(SriovCall.NVIDIA_DIRECTORY, "look for nvidia/ of", layout.pciDevice(vf));
        return sriov.locked(() -> files.isVgpuCapable(vf));
    }

    @Override
    public List<CreatableType> creatableTypes(PciAddress vf) {
        sriov.fault(SriovCall.CREATABLE_TYPES, "read", layout.nvidiaVfCreatableTypes(vf));
        return sriov.locked(() -> files.creatableTypes(vf));
    }

    @Override
    public int currentType(PciAddress vf) {
        sriov.fault(SriovCall.CURRENT_TYPE, "read", layout.nvidiaVfCurrentType(vf));
        return sriov.locked(() -> files.currentType(vf));
    }

    @Override
    public void setType(PciAddress vf, int typeId) {
        sriov.fault(SriovCall.SET_TYPE, "write " + typeId + " to", layout.nvidiaVfCurrentType(vf));
        files.setType(vf, typeId);
    }

    @Override
    public void clearType(PciAddress vf) {
        sriov.fault(SriovCall.CLEAR_TYPE, "write 0 to", layout.nvidiaVfCurrentType(vf));
        files.clearType(vf);
    }

    @Override
    public Optional<Boolean> heterogeneousMode(PciAddress pf) {
        sriov.fault(SriovCall.HETEROGENEOUS_MODE, "read the heterogeneous vGPU mode of", layout.pciDevice(pf));
        return sriov.locked(() -> sriov.vfTypes.heterogeneous(pf));
    }

    @Override
    public void setHeterogeneousMode(PciAddress pf, boolean on) {
        Path target = layout.pciDevice(pf);
        sriov.fault(SriovCall.SET_HETEROGENEOUS_MODE, "set the heterogeneous vGPU mode of", target);
        int errno = sriov.locked(() -> sriov.vfTypes.setHeterogeneous(pf, on));
        if (errno != 0) {
            throw KernelException.of("set heterogeneous vGPU mode " + (on ? "on" : "off"), pf.toString(), Errno.of(errno),
                    errno == Errno.EBUSY.number() ? "remove the GPU's vGPUs first" : null);
        }
    }

    @Override
    public String toString() {
        return "simulated NVIDIA VF files at " + layout.sys();
    }
}
