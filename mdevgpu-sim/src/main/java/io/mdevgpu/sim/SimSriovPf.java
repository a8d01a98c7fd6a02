package io.mdevgpu.sim;

import java.util.TreeMap;

import io.mdevgpu.MdevType;
import io.mdevgpu.PciAddress;
import io.mdevgpu.kernel.pci.SriovCapability;
import io.mdevgpu.kernel.pci.VfRouting;

/** One simulated GPU with an SR-IOV capability: its VFs enabled, its heterogeneous mode, the type each VF holds. */
final class SimSriovPf {
    final SimulatedGpu gpu;
    final SriovCapability cap;
    final boolean vendorVfio;
    int numVfs;
    boolean heterogeneous;
    /** VF index -> the type it holds. */
    final TreeMap<Integer, MdevType> types = new TreeMap<>();

    SimSriovPf(SimulatedGpu gpu, SriovCapability cap, boolean vendorVfio) {
        this.gpu = gpu;
        this.cap = cap;
        this.vendorVfio = vendorVfio;
    }

    PciAddress address() {
        return gpu.device().address();
    }

    PciAddress vf(int index) {
        return VfRouting.address(address(), cap.offset(), cap.stride(), index);
    }

    int group(int index) {
        return SimSriov.VF_GROUP_BASE + VfRouting.routingId(vf(index));
    }
}
