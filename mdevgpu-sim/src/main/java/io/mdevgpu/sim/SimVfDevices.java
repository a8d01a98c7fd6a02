package io.mdevgpu.sim;

import java.util.List;
import java.util.stream.IntStream;

import io.mdevgpu.PciAddress;
import io.mdevgpu.PciId;
import io.mdevgpu.kernel.pci.PciDevice;
import io.mdevgpu.kernel.pci.PciResource;
import io.mdevgpu.kernel.pci.SriovCapability;

/** A simulated GPU's virtual function as sysfs shows it. */
final class SimVfDevices {
    /** A VF's {@code resource} lines: its BARs lie in the GPU's VF BAR windows, which the simulation leaves out. */
    private static final List<PciResource> UNASSIGNED = IntStream.range(0, 13).mapToObj(i -> new PciResource(i, 0, 0, 0)).toList();

    private SimVfDevices() {
    }

    /** VF {@code vf} of {@code pf}: the GPU's class, subsystem and NUMA node, the capability's VF device id, bound to nvidia. */
    static PciDevice vf(PciDevice pf, SriovCapability cap, PciAddress vf, int group) {
        PciId id = PciId.of(pf.id().vendor(), cap.vfDevice(), pf.id().subsystemVendor(), pf.id().subsystemDevice());
        return PciDevice.builder(vf).id(id).revision(pf.revision()).classCode(pf.classCode()).driver("nvidia")
                .iommuGroup(group).numaNode(pf.numaNode()).config(header(id, pf.revision(), pf.classCode()))
                .resources(UNASSIGNED).build();
    }

    /**
     * A VF's type-0 header of 64 bytes: vendor and device read {@code 0xffff}, as the SR-IOV specification has it
     * and the real kernel showed (harness K23: the ids are in sysfs, filled from the PF's capability); revision,
     * class and subsystem as usual.
     */
    private static byte[] header(PciId id, int revision, int classCode) {
        byte[] c = new byte[64];
        put16(c, 0x00, 0xffff);
        put16(c, 0x02, 0xffff);
        c[0x08] = (byte) revision;
        c[0x09] = (byte) classCode;
        c[0x0a] = (byte) (classCode >>> 8);
        c[0x0b] = (byte) (classCode >>> 16);
        put16(c, 0x2c, id.subsystemVendor());
        put16(c, 0x2e, id.subsystemDevice());
        return c;
    }

    private static void put16(byte[] c, int at, int value) {
        c[at] = (byte) value;
        c[at + 1] = (byte) (value >>> 8);
    }
}
