package io.mdevgpu.kernel.nvrm;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import io.mdevgpu.kernel.sys.ErrnoCapture;
import io.mdevgpu.kernel.sys.Syscalls;

/**
 * The real NVIDIA driver: device nodes through {@link Syscalls} (which makes the downcalls), files through
 * {@code java.nio}. One errno capture per transport, so an ioctl allocates nothing; use a transport from one thread
 * at a time. Without native access every call fails with the flag to add.
 */
public final class LinuxRmTransport implements RmTransport {
    private final ErrnoCapture errno = new ErrnoCapture(Arena.ofAuto());

    @Override
    public int open(String path) {
        Syscalls.requireNativeAccess("open " + path);
        try (Arena call = Arena.ofConfined()) {
            int fd = Syscalls.open(errno, call.allocateFrom(path), Syscalls.O_RDWR | Syscalls.O_CLOEXEC, 0);
            return fd >= 0 ? fd : -errno.errno();
        }
    }

    @Override
    public int close(int fd) {
        return Syscalls.close(errno, fd) == 0 ? 0 : -errno.errno();
    }

    @Override
    public int ioctl(int fd, int request, MemorySegment arg) {
        int r = Syscalls.ioctl(errno, fd, request & 0xFFFF_FFFFL, arg);
        return r >= 0 ? r : -errno.errno();
    }

    @Override
    public Optional<String> readText(String path) {
        try {
            return Optional.of(Files.readString(Path.of(path)));
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "LinuxRmTransport";
    }
}
