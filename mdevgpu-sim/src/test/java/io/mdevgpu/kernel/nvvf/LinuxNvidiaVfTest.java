package io.mdevgpu.kernel.nvvf;

import static org.junit.jupiter.api.Assertions.*;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.mdevgpu.DeviceBusyException;
import io.mdevgpu.Errno;
import io.mdevgpu.HostStateException;
import io.mdevgpu.InvalidArgumentException;
import io.mdevgpu.KernelException;
import io.mdevgpu.NoSuchDeviceException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.PciId;
import io.mdevgpu.PermissionDeniedException;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.nvvf.NvidiaVfPort.CreatableType;
import io.mdevgpu.kernel.pci.PciDevice;
import io.mdevgpu.kernel.sysfs.AttributeWriter;
import io.mdevgpu.kernel.testing.FakeHost;
import io.mdevgpu.kernel.testing.H100Fixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The port on a fake tree: the fixture H100 as PF, two of its VFs with the driver's {@code nvidia/} files. */
class LinuxNvidiaVfTest {
    static final PciAddress FREE_VF = PciAddress.parse("0000:00:06.4");
    static final PciAddress USED_VF = PciAddress.parse("0000:00:06.5");
    static final List<CreatableType> H200_TYPES =
            List.of(new CreatableType(1428, "NVIDIA H200X-141C"), new CreatableType(1414, "NVIDIA H200X-1-18C"));

    @TempDir
    Path root;
    FakeHost host;
    LinuxNvidiaVf port;

    @BeforeEach
    void fakeHost() {
        host = FakeHost.create(root);
        Path free = host.writer.pciDevice(vf(FREE_VF, 41));
        host.writer.nvidiaVf(FREE_VF, 0, H200_TYPES);
        host.writer.directory(free.resolve("vfio-dev/vfio3"));
        host.writer.pciDevice(vf(USED_VF, 42));
        host.writer.nvidiaVf(USED_VF, 1414, List.of(new CreatableType(1414, "NVIDIA H200X-1-18C")));
        port = new LinuxNvidiaVf(host.layout, AttributeWriter.LINUX);
    }

    static PciDevice vf(PciAddress address, int group) {
        return PciDevice.builder(address).id(PciId.of(0x10de, 0x2336, 0x10de, 0x16c1)).classCode(0x030200)
                .driver("nvidia").iommuGroup(group).numaNode(0).build();
    }

    // ---- reading ----

    @Test
    void onlyAVfWithTheDriversDirectoryIsVgpuCapable() {
        assertTrue(port.isVgpuCapable(FREE_VF));
        assertTrue(port.isVgpuCapable(USED_VF));
        assertFalse(port.isVgpuCapable(H100Fixture.ADDRESS), "the PF has no nvidia/ directory");
        assertFalse(port.isVgpuCapable(FakeHost.NIC));
        assertFalse(port.isVgpuCapable(PciAddress.parse("0000:00:06.6")), "no such function");
    }

    @Test
    void readsCreatableAndCurrentTypes() {
        assertEquals(H200_TYPES, port.creatableTypes(FREE_VF));
        assertEquals(List.of(new CreatableType(1414, "NVIDIA H200X-1-18C")), port.creatableTypes(USED_VF));
        assertEquals(0, port.currentType(FREE_VF));
        assertEquals(1414, port.currentType(USED_VF));
    }

    @Test
    void aVfWithoutTheFilesRaisesTheErrnoNamingThePathAndWhy() throws IOException {
        NoSuchDeviceException nic = assertThrows(NoSuchDeviceException.class, () -> port.creatableTypes(FakeHost.NIC));
        assertEquals(Errno.ENOENT, nic.errno());
        assertTrue(nic.getMessage().contains(host.layout.nvidiaVfCreatableTypes(FakeHost.NIC).toString()), nic.getMessage());
        assertTrue(nic.getMessage().contains("0000:03:00.0 has no nvidia/ directory"), nic.getMessage());
        NoSuchDeviceException pf = assertThrows(NoSuchDeviceException.class, () -> port.currentType(H100Fixture.ADDRESS));
        assertTrue(pf.getMessage().contains("has no nvidia/ directory"), pf.getMessage());

        PciAddress gone = PciAddress.parse("0000:00:06.6");
        NoSuchDeviceException vf = assertThrows(NoSuchDeviceException.class, () -> port.currentType(gone));
        assertTrue(vf.getMessage().contains("there is no PCI function 0000:00:06.6: VF 0000:00:06.6 is gone"), vf.getMessage());
        assertTrue(vf.getMessage().contains("enable the VFs again"), vf.getMessage());

        Files.delete(host.layout.nvidiaVfCreatableTypes(FREE_VF));
        NoSuchDeviceException file = assertThrows(NoSuchDeviceException.class, () -> port.creatableTypes(FREE_VF));
        assertTrue(file.getMessage().contains("lacks creatable_vgpu_types"), file.getMessage());
    }

    @Test
    void aMalformedCurrentTypeNamesTheFile() throws IOException {
        Path current = host.layout.nvidiaVfCurrentType(FREE_VF);
        for (String text : List.of("none\n", "-1\n", "4294967296\n")) {
            Files.writeString(current, text);
            HostStateException e = assertThrows(HostStateException.class, () -> port.currentType(FREE_VF), text);
            assertTrue(e.getMessage().contains(current.toString()), e.getMessage());
        }
    }

    @Test
    void garbageInCreatableTypesNamesTheFileAndLine() throws IOException {
        Path file = host.layout.nvidiaVfCreatableTypes(FREE_VF);
        Files.writeString(file, "ID    : vGPU Name\n1428  : NVIDIA H200X-141C\n<html>\n");
        HostStateException e = assertThrows(HostStateException.class, () -> port.creatableTypes(FREE_VF));
        assertTrue(e.getMessage().contains(file + ": line 3 \"<html>\""), e.getMessage());
    }

    // ---- writing ----

    @Test
    void setTypeWritesTheDecimalIdWithOneWrite() throws IOException {
        port.setType(FREE_VF, 1414);
        assertEquals("1414", Files.readString(host.layout.nvidiaVfCurrentType(FREE_VF)));
    }

    @Test
    void clearTypeWritesZero() throws IOException {
        Path current = host.layout.nvidiaVfCurrentType(USED_VF);
        Files.writeString(current, ""); // write(2) does not truncate a regular file; a sysfs attribute has no old bytes
        port.clearType(USED_VF);
        assertEquals("0", Files.readString(current));
    }

    @Test
    void aTypeIdThatIsNoTypeIsRefusedBeforeAnyWrite() {
        AttributeWriter kernel = mock(AttributeWriter.class);
        LinuxNvidiaVf checked = new LinuxNvidiaVf(host.layout, kernel);
        ValidationException e = assertThrows(ValidationException.class, () -> checked.setType(FREE_VF, 0));
        assertTrue(e.getMessage().contains("call clearType"), e.getMessage());
        assertThrows(ValidationException.class, () -> checked.setType(FREE_VF, -1414));
        assertThrows(NullPointerException.class, () -> checked.setType(null, 1414));
        verifyNoInteractions(kernel);
    }

    @Test
    void einvalSaysWhichTypesTheVfOffers() {
        LinuxNvidiaVf refusing = refusing(Errno.EINVAL);
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> refusing.setType(FREE_VF, 1500));
        assertEquals("create vGPU", e.operation());
        assertTrue(e.getMessage().contains("type 1500 on VF 0000:00:06.4 (" + host.layout.nvidiaVfCurrentType(FREE_VF) + ")"),
                e.getMessage());
        assertTrue(e.getMessage().contains("EINVAL"), e.getMessage());
        assertTrue(e.getMessage().contains("creatable there: 1428 (NVIDIA H200X-141C), 1414 (NVIDIA H200X-1-18C)"),
                e.getMessage());
    }

    @Test
    void einvalWithAnUnreadableListStillNamesTheType() throws IOException {
        Files.delete(host.layout.nvidiaVfCreatableTypes(FREE_VF));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> refusing(Errno.EINVAL).setType(FREE_VF, 1500));
        assertTrue(e.getMessage().contains("type 1500 is not creatable on VF 0000:00:06.4 now; creatable there: unknown"),
                e.getMessage());
    }

    @Test
    void ebusyOnCreateSaysTheVfHoldsATypeAlready() {
        DeviceBusyException e = assertThrows(DeviceBusyException.class, () -> refusing(Errno.EBUSY).setType(USED_VF, 1414));
        assertEquals(Errno.EBUSY, e.errno());
        assertTrue(e.getMessage().contains("VF 0000:00:06.5 already holds a vGPU of type 1414: delete it first"),
                e.getMessage());
    }

    @Test
    void ebusyOnAFreeVfSaysItIsInUseNamingItsVfioNode() {
        DeviceBusyException e = assertThrows(DeviceBusyException.class, () -> refusing(Errno.EBUSY).setType(FREE_VF, 1414));
        assertTrue(e.getMessage().contains("the VF is in use: its VFIO device (" + host.layout.vfioDeviceNode("vfio3")
                + ") is open"), e.getMessage());
    }

    @Test
    void ebusyOnDeleteSaysTheDeviceIsOpenAndNothingChanged() {
        DeviceBusyException e = assertThrows(DeviceBusyException.class, () -> refusing(Errno.EBUSY).clearType(FREE_VF));
        assertEquals("delete vGPU", e.operation());
        assertTrue(e.getMessage().contains("VF 0000:00:06.4 (" + host.layout.nvidiaVfCurrentType(FREE_VF) + ")"), e.getMessage());
        assertTrue(e.getMessage().contains("(" + host.layout.vfioDeviceNode("vfio3") + ") is open"), e.getMessage());
        assertTrue(e.getMessage().contains("nothing was changed"), e.getMessage());
    }

    @Test
    void enodevSaysToEnableTheVfsAgain() {
        for (Errno errno : List.of(Errno.ENODEV, Errno.ENOENT)) {
            NoSuchDeviceException create = assertThrows(NoSuchDeviceException.class, () -> refusing(errno).setType(FREE_VF, 1414));
            assertTrue(create.getMessage().contains("VF 0000:00:06.4 is gone"), create.getMessage());
            assertTrue(create.getMessage().contains("enable the VFs again"), create.getMessage());
            NoSuchDeviceException delete = assertThrows(NoSuchDeviceException.class, () -> refusing(errno).clearType(USED_VF));
            assertTrue(delete.getMessage().contains("took its vGPU with it"), delete.getMessage());
        }
    }

    @Test
    void permissionErrorsSayToRunAsRoot() {
        PermissionDeniedException e = assertThrows(PermissionDeniedException.class,
                () -> refusing(Errno.EACCES).setType(FREE_VF, 1414));
        assertTrue(e.getMessage().contains("needs root"), e.getMessage());
        assertThrows(PermissionDeniedException.class, () -> refusing(Errno.EPERM).clearType(FREE_VF));
    }

    @Test
    void otherErrnosKeepTheirTypeAndTarget() {
        KernelException e = assertThrows(KernelException.class, () -> refusing(Errno.EIO).setType(FREE_VF, 1414));
        assertEquals(Errno.EIO, e.errno());
        assertTrue(e.getMessage().contains("type 1414 on VF 0000:00:06.4"), e.getMessage());
    }

    @Test
    void aRefusalWithoutErrnoPassesUnchanged() {
        AttributeWriter kernel = mock(AttributeWriter.class);
        KernelException noErrno = new io.mdevgpu.DeviceInUseException("create vGPU", "x", "held");
        doThrow(noErrno).when(kernel).write(any(), anyString(), anyString());
        LinuxNvidiaVf held = new LinuxNvidiaVf(host.layout, kernel);
        assertSame(noErrno, assertThrows(KernelException.class, () -> held.setType(FREE_VF, 1414)));
        assertSame(noErrno, assertThrows(KernelException.class, () -> held.clearType(FREE_VF)));
        verify(kernel).write(host.layout.nvidiaVfCurrentType(FREE_VF), "1414", "create vGPU");
        verify(kernel).write(host.layout.nvidiaVfCurrentType(FREE_VF), "0", "delete vGPU");
    }

    @Test
    void printsWhereItReads() {
        assertEquals("LinuxNvidiaVf[" + root.resolve("sys") + "]", port.toString());
    }

    private LinuxNvidiaVf refusing(Errno errno) {
        AttributeWriter kernel = (attribute, text, operation) -> {
            throw KernelException.of(operation, attribute.toString(), errno, null);
        };
        return new LinuxNvidiaVf(host.layout, kernel);
    }
}
