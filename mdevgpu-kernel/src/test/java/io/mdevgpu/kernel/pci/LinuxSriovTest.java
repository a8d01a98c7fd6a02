package io.mdevgpu.kernel.pci;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.mdevgpu.DeviceBusyException;
import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.NoSuchDeviceException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.sysfs.AttributeWriter;
import io.mdevgpu.kernel.sysfs.SysfsLayout;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LinuxSriov} on a fake sysfs tree laid out as the kernel does, with a writer that records or fails. */
class LinuxSriovTest {
    static final PciAddress PF = PciAddress.parse("0000:00:02.0");
    static final PciAddress EDU = PciAddress.parse("0000:00:01.0");

    @TempDir
    Path root;
    private SysfsLayout layout;
    private final List<String> writes = new ArrayList<>();
    private Errno answer;
    private LinuxSriov sriov;

    @BeforeEach
    void nvmePfWithTwoVfsOfTwelve() throws IOException {
        layout = SysfsLayout.under(root);
        Path pf = device(PF);
        Files.writeString(pf.resolve("sriov_totalvfs"), "12\n");
        Files.writeString(pf.resolve("sriov_numvfs"), "2\n");
        Files.writeString(pf.resolve("sriov_offset"), "1\n");
        Files.writeString(pf.resolve("sriov_stride"), "1\n");
        Files.writeString(pf.resolve("sriov_vf_device"), "10\n");
        device(EDU);
        // virtfn10 sorts before virtfn2 by name: the port orders by index
        for (int i : new int[] {0, 2, 10}) {
            PciAddress vf = PciAddress.of(0, 0, 3 + i / 8, i % 8);
            Path vfDir = device(vf);
            Files.createSymbolicLink(pf.resolve("virtfn" + i), Path.of("..").resolve(vf.toString()));
            Files.createSymbolicLink(vfDir.resolve("physfn"), Path.of("..").resolve(PF.toString()));
        }
        AttributeWriter writer = (attribute, text, operation) -> {
            writes.add(root.relativize(attribute) + " <- " + text + " (" + operation + ")");
            if (answer != null) throw KernelException.of(operation, attribute.toString(), answer, null);
        };
        sriov = new LinuxSriov(layout, writer);
    }

    private Path device(PciAddress address) throws IOException {
        Path dir = Files.createDirectories(layout.pciDeviceDirectory(address));
        Files.createDirectories(layout.pciDevices());
        Files.createSymbolicLink(layout.pciDevice(address), Path.of("../../../devices/pci0000:00").resolve(address.toString()));
        return dir;
    }

    @Test
    void stateReadsEveryAttributeAndAFunctionWithoutSriovHasNone() {
        SriovState state = sriov.state(PF).orElseThrow();
        assertEquals(new SriovState(PF, 12, 2, 1, 1, 0x10), state);
        assertEquals("SR-IOV 0000:00:02.0: 2/12 VFs enabled, offset 1, stride 1, VF device 0010", state.toString());
        assertEquals(Optional.empty(), sriov.state(EDU));
    }

    @Test
    void aMissingFunctionIsNoSuchDeviceNamingIt() {
        PciAddress absent = PciAddress.parse("0000:00:09.0");
        NoSuchDeviceException e = assertThrows(NoSuchDeviceException.class, () -> sriov.state(absent));
        assertTrue(e.getMessage().contains("0000:00:09.0"), e.getMessage());
        assertThrows(NoSuchDeviceException.class, () -> sriov.enable(absent, 1));
        assertThrows(NoSuchDeviceException.class, () -> sriov.virtualFunctions(absent));
        assertEquals(List.of(), writes);
    }

    @Test
    void virtualFunctionsAreInIndexOrderAndEachNamesItsPf() {
        List<PciAddress> vfs = sriov.virtualFunctions(PF);
        assertEquals(List.of(PciAddress.parse("0000:00:03.0"), PciAddress.parse("0000:00:03.2"),
                PciAddress.parse("0000:00:04.2")), vfs);
        for (PciAddress vf : vfs) assertEquals(Optional.of(PF), sriov.physicalFunction(vf));
        assertEquals(Optional.empty(), sriov.physicalFunction(PF));
        assertEquals(List.of(), sriov.virtualFunctions(EDU));
    }

    @Test
    void enableAndDisableWriteSriovNumvfsOnce() {
        sriov.enable(PF, 2);
        sriov.disable(PF);
        String file = root.relativize(layout.pciDevice(PF).resolve("sriov_numvfs")).toString();
        assertEquals(List.of(file + " <- 2 (enable 2 SR-IOV VFs)", file + " <- 0 (disable SR-IOV VFs)"), writes);
    }

    @Test
    void aCountBelowOneIsRefusedBeforeAnyWrite() {
        ValidationException zero = assertThrows(ValidationException.class, () -> sriov.enable(PF, 0));
        assertTrue(zero.getMessage().contains("disable"), zero.getMessage());
        assertThrows(ValidationException.class, () -> sriov.enable(PF, -1));
        assertEquals(List.of(), writes);
    }

    @Test
    void theKernelsErrnoIsTypedAndNamesThePfTheCountAndTheFix() {
        answer = Errno.EBUSY;
        DeviceBusyException busy = assertThrows(DeviceBusyException.class, () -> sriov.enable(PF, 3));
        assertTrue(busy.getMessage().startsWith("enable 3 SR-IOV VFs on 0000:00:02.0"), busy.getMessage());
        assertTrue(busy.getMessage().contains("disable(0000:00:02.0) first"), busy.getMessage());
        answer = Errno.ERANGE;
        KernelException range = assertThrows(KernelException.class, () -> sriov.enable(PF, 13));
        assertEquals(Errno.ERANGE, range.errno());
        assertTrue(range.getMessage().contains("13 is more than the PF's sriov_totalvfs (12)"), range.getMessage());
        answer = Errno.ENOENT;
        NoSuchDeviceException noDriver = assertThrows(NoSuchDeviceException.class, () -> sriov.enable(EDU, 1));
        assertTrue(noDriver.getMessage().contains("0000:00:01.0"), noDriver.getMessage());
        assertTrue(noDriver.getMessage().contains("no SR-IOV capability"), noDriver.getMessage());
    }
}
