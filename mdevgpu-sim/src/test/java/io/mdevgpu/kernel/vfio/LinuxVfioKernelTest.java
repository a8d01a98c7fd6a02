package io.mdevgpu.kernel.vfio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.mdevgpu.Errno;
import io.mdevgpu.NoSuchDeviceException;
import io.mdevgpu.UnsupportedOperationKernelException;
import io.mdevgpu.kernel.abi.vfio.VfioIoctls;
import io.mdevgpu.kernel.sys.ErrnoCapture;
import io.mdevgpu.kernel.testing.TestJvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real kernel beneath the port, where it can be reached without VFIO: fake /dev and /sys trees. */
class LinuxVfioKernelTest {
    @TempDir
    Path root;

    @AfterEach
    void unlink() throws IOException {
        Files.deleteIfExists(root.resolve("dev/vfio/vfio")); // a link out of the temp dir, which JUnit warns about
    }

    private LinuxVfioKernel kernelWithContainerAt(Path target) throws IOException {
        Path dev = root.resolve("dev");
        Files.createDirectories(dev.resolve("vfio"));
        Files.createSymbolicLink(dev.resolve("vfio/vfio"), target);
        return new LinuxVfioKernel(dev, root.resolve("sys"));
    }

    @Test
    void aNodeThatIsNoVfioContainerFailsWithTheKernelsEnottyAndLeaksNothing() throws IOException {
        Vfio vfio = new Vfio(kernelWithContainerAt(Path.of("/dev/null")));
        String node = root.resolve("dev/vfio/vfio").toString();
        UnsupportedOperationKernelException e = assertThrows(UnsupportedOperationKernelException.class, vfio::openContainer);
        assertEquals(Errno.ENOTTY, e.errno());
        assertEquals("VFIO_GET_API_VERSION " + node + " (ioctl 0x3b64): ENOTTY (Inappropriate ioctl for device). is " + node
                + " a VFIO container node?", e.getMessage());
        for (int i = 0; i < 5; i++) assertThrows(UnsupportedOperationKernelException.class, vfio::openContainer);
        long before = VfioPortTest.openFds();
        for (int i = 0; i < 100; i++) assertThrows(UnsupportedOperationKernelException.class, vfio::openContainer);
        assertEquals(before, VfioPortTest.openFds());
    }

    @Test
    void aMissingNodeSaysWhichModuleToLoad() {
        Vfio vfio = new Vfio(new LinuxVfioKernel(root.resolve("dev"), root.resolve("sys")));
        NoSuchDeviceException e = assertThrows(NoSuchDeviceException.class, vfio::openContainer);
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("open VFIO container " + root.resolve("dev/vfio/vfio") + ": ENOENT (No such file or directory)."
                + " load VFIO: modprobe vfio vfio_iommu_type1 (and vfio_mdev for mdev devices)", e.getMessage());
    }

    @Test
    void systemCallsReturnMinusErrno() throws IOException {
        LinuxVfioKernel kernel = kernelWithContainerAt(Path.of("/dev/null"));
        assertEquals(root.resolve("dev/vfio/12").toString(), kernel.path("12"));
        try (Arena arena = Arena.ofConfined()) {
            ErrnoCapture e = new ErrnoCapture(arena);
            assertEquals(-Errno.ENOENT.number(), kernel.open(e, "12"));
            int fd = kernel.open(e, VfioKernel.CONTAINER);
            assertTrue(fd >= 0);
            try {
                assertEquals(-Errno.ENOTTY.number(), kernel.ioctl(e, fd, VfioIoctls.VFIO_GROUP_GET_STATUS, arena.allocate(8)));
                assertEquals(-Errno.ENOTTY.number(), kernel.ioctl(e, fd, VfioIoctls.VFIO_CHECK_EXTENSION, 3));
                assertEquals(-Errno.ENODEV.number(), kernel.mmap(e, fd, 4096, 3, 0));
                assertEquals(0, kernel.pread(e, fd, arena.allocate(4), 4, 0));
                assertEquals(4, kernel.pwrite(e, fd, arena.allocate(4), 4, 0));
                assertEquals(-Errno.EINVAL.number(), kernel.munmap(e, 1, 4096)); // not page-aligned
            } finally {
                assertEquals(0, kernel.close(e, fd));
            }
            assertEquals(-Errno.EBADF.number(), kernel.close(e, fd));
        }
    }

    @Test
    void iommuGroupMembersComeFromSysfsLinks() throws IOException {
        Path sys = root.resolve("sys");
        FakeSysfs.iommuGroup(sys, 34, "0000:65:00.1", "snd_hda_intel");
        FakeSysfs.iommuGroup(sys, 34, "0000:65:00.0", "vfio-pci");
        FakeSysfs.iommuGroup(sys, 35, "0000:66:00.0", null);
        LinuxVfioKernel kernel = new LinuxVfioKernel(root.resolve("dev"), sys);
        assertEquals(List.of(new IommuGroupMember("0000:65:00.0", Optional.of("vfio-pci")),
                new IommuGroupMember("0000:65:00.1", Optional.of("snd_hda_intel"))), kernel.iommuGroupDevices(34));
        assertEquals("[0000:66:00.0 (no driver)]", kernel.iommuGroupDevices(35).toString());
        assertEquals(List.of(), kernel.iommuGroupDevices(36));
    }

    @Test
    void withoutNativeAccessOpeningNamesTheFlag() throws Exception {
        TestJvm.Result run = TestJvm.run(NoNativeAccessProbe.class, List.of("--illegal-native-access=deny"), 60);
        String out = run.output();
        assertEquals(0, run.exitCode(), out);
        assertTrue(out.contains("NativeAccessException: open /dev/vfio/vfio: native access is not enabled"), out);
        assertTrue(out.contains("--enable-native-access=ALL-UNNAMED"), out);
    }

    /** Run in a JVM that denies native access (--illegal-native-access=deny, no --enable-native-access). */
    public static final class NoNativeAccessProbe {
        public static void main(String[] args) {
            try {
                Vfio.linux().openContainer().close();
                System.out.println("opened without native access");
                System.exit(1);
            } catch (io.mdevgpu.NativeAccessException e) {
                System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }
}
