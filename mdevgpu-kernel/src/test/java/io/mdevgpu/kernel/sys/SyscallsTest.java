package io.mdevgpu.kernel.sys;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.mdevgpu.Errno;
import io.mdevgpu.InvalidArgumentException;
import io.mdevgpu.KernelException;
import io.mdevgpu.NoSuchDeviceException;
import io.mdevgpu.UnsupportedOperationKernelException;
import io.mdevgpu.kernel.testing.TestJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyscallsTest {
    private static final long FIONREAD = 0x541B;

    @Test
    void ioctlOnAPipeReportsQueuedBytes() {
        try (Arena arena = Arena.ofConfined()) {
            ErrnoCapture e = new ErrnoCapture(arena);
            MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
            assertEquals(0, Syscalls.pipe2(e, fds, Syscalls.O_CLOEXEC));
            int r = fds.getAtIndex(ValueLayout.JAVA_INT, 0), w = fds.getAtIndex(ValueLayout.JAVA_INT, 1);
            try {
                MemorySegment data = arena.allocateFrom("hello");
                assertEquals(5, Syscalls.write(e, w, data, 5));
                MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
                assertEquals(0, Syscalls.ioctl(e, r, FIONREAD, count));
                assertEquals(5, count.get(ValueLayout.JAVA_INT, 0));
                // a VFIO-shaped request on a pipe: the kernel says ENOTTY, and the typed error names the request
                KernelException k = assertThrows(UnsupportedOperationKernelException.class,
                        () -> Syscalls.ioctlOrThrow(e, r, 0x3B6AL, count, "VFIO_DEVICE_GET_INFO", "pipe"));
                assertEquals(Errno.ENOTTY, k.errno());
                assertTrue(k.getMessage().contains("ioctl 0x3b6a"), k.getMessage());
                assertTrue(k.getMessage().contains("ENOTTY (Inappropriate ioctl for device)"), k.getMessage());
            } finally {
                Syscalls.closeOrThrow(r, "pipe");
                Syscalls.closeOrThrow(w, "pipe");
            }
        }
    }

    @Test
    void memfdPreadPwriteAndMmapSeeTheSameBytes() {
        try (Arena arena = Arena.ofConfined()) {
            ErrnoCapture e = new ErrnoCapture(arena);
            int fd = Syscalls.memfdCreate(e, arena.allocateFrom("test"), Syscalls.MFD_CLOEXEC);
            assertTrue(fd >= 0, () -> "memfd_create: " + e.toErrno());
            try {
                assertEquals(0, Syscalls.ftruncate(e, fd, 1 << 16));
                MemorySegment buf = arena.allocate(8);
                buf.set(ValueLayout.JAVA_LONG, 0, 0x1122334455667788L);
                assertEquals(8, Syscalls.pwrite(e, fd, buf, 8, 4096));
                long addr = Syscalls.mmap(e, 1 << 16, Syscalls.PROT_READ | Syscalls.PROT_WRITE, Syscalls.MAP_SHARED, fd, 0);
                assertNotEquals(Syscalls.MAP_FAILED, addr, () -> "mmap: " + e.toErrno());
                MemorySegment map = MemorySegment.ofAddress(addr).reinterpret(1 << 16);
                assertEquals(0x1122334455667788L, map.get(ValueLayout.JAVA_LONG, 4096));
                map.set(ValueLayout.JAVA_INT, 0, 0xCAFE);
                MemorySegment back = arena.allocate(4);
                assertEquals(4, Syscalls.pread(e, fd, back, 4, 0));
                assertEquals(0xCAFE, back.get(ValueLayout.JAVA_INT, 0));
                assertEquals(0, Syscalls.munmap(e, addr, 1 << 16));
            } finally {
                Syscalls.closeOrThrow(fd, "memfd");
            }
        }
    }

    @Test
    void failuresBecomeTypedExceptionsNamingThePath() {
        NoSuchDeviceException e = assertThrows(NoSuchDeviceException.class,
                () -> Syscalls.openOrThrow("/dev/does-not-exist-mdevgpu", Syscalls.O_RDWR));
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().startsWith("open /dev/does-not-exist-mdevgpu: ENOENT"), e.getMessage());
        try (Arena arena = Arena.ofConfined()) {
            ErrnoCapture c = new ErrnoCapture(arena);
            assertEquals(-1, Syscalls.close(c, 1_000_000));
            assertEquals(Errno.EBADF.number(), c.errno());
            assertEquals(-1, Syscalls.mmap(c, 4096, Syscalls.PROT_READ, Syscalls.MAP_SHARED, 1_000_000, 0));
        }
    }

    @Test
    void writeAttributeIsOneWriteAndReportsErrno(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("create");
        Files.writeString(file, "");
        Syscalls.writeAttribute(file.toString(), "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001", "create mdev");
        assertEquals("83b8f4f2-509f-382f-3c1e-e6bfe0fa1001", Files.readString(file));
        assertThrows(KernelException.class,
                () -> Syscalls.writeAttribute(dir.toString(), "1", "remove mdev")); // EISDIR
        assertThrows(NoSuchDeviceException.class,
                () -> Syscalls.writeAttribute(dir.resolve("missing").toString(), "1", "remove mdev"));
    }

    @Test
    void eventfdCountsAndPollSeesIt() {
        try (Arena arena = Arena.ofConfined()) {
            ErrnoCapture e = new ErrnoCapture(arena);
            int fd = Syscalls.eventfd(e, 0, Syscalls.EFD_CLOEXEC | Syscalls.EFD_NONBLOCK);
            assertTrue(fd >= 0);
            try {
                MemorySegment pfd = arena.allocate(Syscalls.POLLFD);
                pfd.set(ValueLayout.JAVA_INT, 0, fd);
                pfd.set(ValueLayout.JAVA_SHORT, 4, Syscalls.POLLIN);
                assertEquals(0, Syscalls.poll(e, pfd, 1, 0));
                MemorySegment one = arena.allocate(8);
                one.set(ValueLayout.JAVA_LONG, 0, 3);
                assertEquals(8, Syscalls.write(e, fd, one, 8));
                assertEquals(1, Syscalls.poll(e, pfd, 1, 0));
                assertEquals(8, Syscalls.read(e, fd, one, 8));
                assertEquals(3, one.get(ValueLayout.JAVA_LONG, 0));
                assertEquals(-1, Syscalls.read(e, fd, one, 4)); // eventfd wants 8 bytes
                assertEquals(Errno.EINVAL.number(), e.errno());
            } finally {
                Syscalls.closeOrThrow(fd, "eventfd");
            }
        }
    }

    @Test
    void withoutNativeAccessDowncallsNameTheFlag() throws Exception {
        TestJvm.Result run = TestJvm.run(NoNativeAccessProbe.class, List.of("--illegal-native-access=deny"), 60);
        String out = run.output();
        assertEquals(0, run.exitCode(), out);
        assertTrue(out.contains("NativeAccessException: open /dev/null: native access is not enabled"), out);
        assertTrue(out.contains("--enable-native-access=ALL-UNNAMED"), out);
    }

    /** Run in a JVM that denies native access (--illegal-native-access=deny, no --enable-native-access). */
    public static final class NoNativeAccessProbe {
        public static void main(String[] args) {
            if (Syscalls.nativeAccessEnabled()) {
                System.out.println("native access unexpectedly enabled");
                System.exit(1);
            }
            try {
                Syscalls.openOrThrow("/dev/null", Syscalls.O_RDONLY);
                System.out.println("open succeeded without native access");
                System.exit(1);
            } catch (io.mdevgpu.NativeAccessException e) {
                System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }
}
