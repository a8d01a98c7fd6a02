package io.mdevgpu.kernel.nvrm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mdevgpu.NoSuchDeviceException;
import io.mdevgpu.PermissionDeniedException;
import io.mdevgpu.kernel.abi.nvrm.NVOS54_PARAMETERS;
import io.mdevgpu.kernel.abi.nvrm.NvEscape;

/** The real transport on files every Linux has: errors come back as negated errnos. */
class LinuxRmTransportTest {
    private final LinuxRmTransport linux = new LinuxRmTransport();

    @Test
    void anIoctlOnAFileThatIsNoDriverFailsWithEnotty() {
        int fd = linux.open("/dev/null");
        assertTrue(fd >= 0, "fd " + fd);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment arg = arena.allocate(NVOS54_PARAMETERS.LAYOUT);
            assertEquals(-25, linux.ioctl(fd, NvEscape.RM_CONTROL, arg));
        }
        assertEquals(0, linux.close(fd));
        assertEquals(-9, linux.close(fd));
        assertEquals(-2, linux.open("/nonexistent/nvidiactl"));
    }

    /** Two threads failing on one transport at once: each reads its own errno, never the other's. */
    @Test
    void concurrentFailuresEachReportTheirOwnErrno() throws Exception {
        int fd = linux.open("/dev/null");
        assertTrue(fd >= 0, "fd " + fd);
        int rounds = 200_000;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment arg = arena.allocate(NVOS54_PARAMETERS.LAYOUT);
            Future<String> ioctls = pool.submit(() -> firstWrong(start, rounds, -25, () -> linux.ioctl(fd, NvEscape.RM_CONTROL, arg)));
            Future<String> closes = pool.submit(() -> firstWrong(start, rounds, -9, () -> linux.close(-1)));
            start.countDown();
            assertEquals("", ioctls.get(2, TimeUnit.MINUTES), "ENOTTY of the ioctl");
            assertEquals("", closes.get(2, TimeUnit.MINUTES), "EBADF of the close");
        } finally {
            pool.shutdownNow();
            linux.close(fd);
        }
    }

    private static String firstWrong(CountDownLatch start, int rounds, int expected, IntSupplier call) throws InterruptedException {
        start.await();
        for (int i = 0; i < rounds; i++) {
            int r = call.getAsInt();
            if (r != expected) return "round " + i + " returned " + r;
        }
        return "";
    }

    @Test
    void readsSmallFiles(@TempDir Path dir) throws IOException {
        Path version = dir.resolve("version");
        Files.writeString(version, "NVRM version: NVIDIA UNIX x86_64 Kernel Module  580.65.06  Release\n");
        assertEquals(Optional.of(Files.readString(version)), linux.readText(version.toString()));
        assertEquals(Optional.empty(), linux.readText(dir.resolve("absent").toString()));
    }

    /** A file the kernel refuses even to root (a write-only sysfs attribute) is a permission error, not "no file". */
    @Test
    void aFileThatMayNotBeReadIsAPermissionError() {
        Path writeOnly = Path.of("/sys/bus/pci/rescan");
        assumeTrue(Files.exists(writeOnly), "needs sysfs");
        PermissionDeniedException e = assertThrows(PermissionDeniedException.class, () -> linux.readText(writeOnly.toString()));
        assertTrue(e.getMessage().contains(writeOnly + ": EACCES") && e.getMessage().contains("run as root")
                && e.getMessage().contains("/dev/nvidiactl"), e.getMessage());
    }

    @Test
    void aHostWithoutTheDriverGetsATypedError(@TempDir Path dir) {
        NoSuchDeviceException e = assertThrows(NoSuchDeviceException.class,
                () -> RmClient.newBuilder(linux).devDirectory(dir.toString()).open());
        assertTrue(e.getMessage().contains(dir + "/nvidiactl"), e.getMessage());
    }
}
