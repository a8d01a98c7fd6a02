package io.mdevgpu.kernel.nvrm;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import io.mdevgpu.Errno;
import io.mdevgpu.kernel.sys.ErrnoCapture;
import io.mdevgpu.kernel.sys.Syscalls;

/**
 * The real NVIDIA driver: device nodes through {@link Syscalls} (which makes the downcalls), files through
 * {@code java.nio}. Thread-safe: each thread captures errno into its own segment, allocated on its first call, so
 * that concurrent RM clients of one host never read each other's errno and an ioctl allocates nothing. Without
 * native access every call fails with the flag to add.
 */
public final class LinuxRmTransport implements RmTransport {

    @Override
    public int open(String path) {
        Syscalls.requireNativeAccess("open " + path);
        ErrnoCapture errno = ErrnoCapture.ofThread();
        try (Arena call = Arena.ofConfined()) {
            int fd = Syscalls.open(errno, call.allocateFrom(path), Syscalls.O_RDWR | Syscalls.O_CLOEXEC, 0);
            return fd >= 0 ? fd : -errno.errno();
        }
    }

    @Override
    public int close(int fd) {
        ErrnoCapture errno = ErrnoCapture.ofThread();
        return Syscalls.close(errno, fd) == 0 ? 0 : -errno.errno();
    }

    @Override
    public int ioctl(int fd, int request, MemorySegment arg) {
        ErrnoCapture errno = ErrnoCapture.ofThread();
        int r = Syscalls.ioctl(errno, fd, request & 0xFFFF_FFFFL, arg);
        return r >= 0 ? r : -errno.errno();
    }

    @Override
    public Optional<String> readText(String path) {
        try {
            return Optional.of(Files.readString(Path.of(path)));
        } catch (AccessDeniedException e) {
            throw RmTransport.readRefused(path, Errno.EACCES, e);
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "LinuxRmTransport";
    }
}
