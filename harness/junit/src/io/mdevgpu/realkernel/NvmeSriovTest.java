package io.mdevgpu.realkernel;

import io.mdevgpu.DeviceBusyException;
import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.NoSuchDeviceException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.pci.PciDevice;
import io.mdevgpu.kernel.pci.SriovState;
import io.mdevgpu.kernel.vfio.VfioContainer;
import io.mdevgpu.kernel.vfio.VfioDevice;
import io.mdevgpu.kernel.vfio.VfioRegion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static io.mdevgpu.realkernel.Library.PCI;
import static io.mdevgpu.realkernel.Library.VFIO;
import static io.mdevgpu.realkernel.PciFunctions.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** QEMU's NVMe controller as an SR-IOV PF through the library's SR-IOV port, and its function-level reset via VFIO. */
@ExtendWith(GuestVm.class)
class NvmeSriovTest {
    private static final PciAddress VF0 = PciAddress.parse("0000:00:02.1"), VF1 = PciAddress.parse("0000:00:02.2");
    private static final int NVME_VS = 0x08, NVME_CC = 0x14;

    /** The PF on its own driver (nvme, which enables VFs) with no VF, before and after each test. */
    @BeforeEach
    @AfterEach
    void pfOnNvmeWithoutVfs() {
        if (driverOf(NVME).orElse("").equals("nvme")) SRIOV.disable(NVME);
        bind(NVME, "");
        assertEquals(Optional.of("nvme"), driverOf(NVME), "the PF is back on nvme");
        SRIOV.disable(NVME);
    }

    @Test
    @DisplayName("16.7 SR-IOV state of the NVMe PF: TotalVFs 2, none enabled; edu has no SR-IOV")
    void stateOfThePf() {
        SriovState state = SRIOV.state(NVME).orElseThrow();
        assertEquals(new SriovState(NVME, 2, 0, 1, 1, NVME_DEVICE), state, state.toString());
        assertEquals(Optional.empty(), SRIOV.state(EDU));
        assertEquals(List.of(), SRIOV.virtualFunctions(NVME));
    }

    @Test
    @DisplayName("16.8 enable two VFs, discover them (virtfn, physfn, ids, config space, own IOMMU groups), refuse another count, disable")
    void enableDiscoverRefuseAnotherCountDisable() {
        SRIOV.enable(NVME, 2);
        assertEquals(2, SRIOV.state(NVME).orElseThrow().numVfs());
        List<PciAddress> vfs = SRIOV.virtualFunctions(NVME);
        assertEquals(List.of(VF0, VF1), vfs);
        Set<Integer> groups = new HashSet<>(Set.of(iommuGroup(NVME)));
        for (PciAddress vf : vfs) {
            assertEquals(Optional.of(NVME), SRIOV.physicalFunction(vf));
            PciDevice d = PCI.device(vf);
            assertEquals(NVME_VENDOR, d.id().vendor(), d.toString());
            assertEquals(NVME_DEVICE, d.id().device(), d.toString());
            assertEquals(NVME_CLASS, d.classCode(), d.toString());
            byte[] config = d.config();
            System.out.println("  " + vf + " config[0..16) " + HexFormat.of().formatHex(config, 0, 16) + ", driver "
                    + d.driver().orElse("none"));
            assertEquals(NVME_CLASS, (config[11] & 0xff) << 16 | (config[10] & 0xff) << 8 | config[9] & 0xff, "class in config space");
            assertTrue(groups.add(d.iommuGroup().orElseThrow()), "each VF in its own IOMMU group: " + groups);
        }
        assertEquals(Optional.empty(), SRIOV.physicalFunction(NVME));
        SRIOV.enable(NVME, 2);   // the same count again: the kernel's no-op
        DeviceBusyException busy = assertThrows(DeviceBusyException.class, () -> SRIOV.enable(NVME, 1));
        assertEquals(Errno.EBUSY, busy.errno());
        assertTrue(busy.getMessage().contains(NVME.toString()) && busy.getMessage().contains("enable 1"), busy.getMessage());
        assertEquals(List.of(VF0, VF1), SRIOV.virtualFunctions(NVME), "still the two");
        SRIOV.disable(NVME);
        assertEquals(0, SRIOV.state(NVME).orElseThrow().numVfs());
        assertEquals(List.of(), SRIOV.virtualFunctions(NVME));
        for (PciAddress vf : vfs) assertThrows(NoSuchDeviceException.class, () -> PCI.device(vf), vf + " is gone");
    }

    @Test
    @DisplayName("16.9 bad SR-IOV input: more than TotalVFs is the kernel's ERANGE, no SR-IOV is its ENOENT, typed; nothing changes")
    void badInputIsTheKernelsErrnoTyped() {
        KernelException range = assertThrows(KernelException.class, () -> SRIOV.enable(NVME, 3));
        assertEquals(Errno.ERANGE, range.errno(), range.getMessage());
        assertTrue(range.getMessage().contains(NVME.toString()), range.getMessage());
        NoSuchDeviceException none = assertThrows(NoSuchDeviceException.class, () -> SRIOV.enable(EDU, 1));
        assertEquals(Errno.ENOENT, none.errno(), none.getMessage());
        assertThrows(ValidationException.class, () -> SRIOV.enable(NVME, 0));
        assertThrows(NoSuchDeviceException.class, () -> SRIOV.enable(PciAddress.parse("0000:00:09.0"), 1));
        assertEquals(0, SRIOV.state(NVME).orElseThrow().numVfs());
        assertEquals(List.of(), SRIOV.virtualFunctions(NVME));
    }

    @Test
    @DisplayName("16.10 the NVMe PF on vfio-pci advertises reset and VFIO_DEVICE_RESET resets it (FLR)")
    void theNvmeFunctionResets() {
        try (VfioContainer container = VFIO.openContainer()) {
            VfioDevice nvme = openVfio(container, NVME);
            assertTrue(nvme.info().canReset(), nvme.info().toString());
            VfioRegion bar0 = nvme.region(0);
            int version = bar0.read32(NVME_VS);
            assertTrue(version >= 0x00010000, "NVMe version register 0x" + Integer.toHexString(version));
            bar0.write32(NVME_CC, 0x00460000);   // queue entry sizes, controller not enabled
            int before = bar0.read32(NVME_CC);
            nvme.reset();
            int after = bar0.read32(NVME_CC);
            System.out.println("  NVMe CC before reset 0x" + Integer.toHexString(before) + ", after 0x" + Integer.toHexString(after));
            assertEquals(0x00460000, before);
            assertEquals(0, after, "the function-level reset cleared the controller configuration");
            assertEquals(version, bar0.read32(NVME_VS), "the function answers after its reset");
        }
        assertNotEquals("nvme", driverOf(NVME).orElse(""));
    }
}
