package io.mdevgpu.kernel.nvrm;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;

/**
 * The system calls the RM client makes, as a port: the real driver's device nodes ({@link LinuxRmTransport}) or a
 * simulated NVIDIA driver that decodes the same bytes. Calls report failure as a negated errno rather than an
 * exception, so that the client builds its error (naming the escape, the GPU and the fix) only when one happens
 * and a successful call allocates nothing. One transport serves every RM client of a host, from any thread: an
 * implementation is thread-safe, and a call's result is that call's own errno.
 */
public interface RmTransport {
    /** Opens the device node at {@code path} read-write and close-on-exec; returns the fd, or {@code -errno}. */
    int open(String path);

    /** Closes {@code fd}; returns 0, or {@code -errno}. */
    int close(int fd);

    /**
     * {@code ioctl(fd, request, arg)} with {@code arg} the argument struct (its address is what the driver sees);
     * returns the call's non-negative result, or {@code -errno}.
     */
    int ioctl(int fd, int request, MemorySegment arg);

    /**
     * The text of a small file such as {@code /proc/driver/nvidia/version}; empty where there is no such file or it
     * cannot be read for another reason than permission.
     *
     * @throws io.mdevgpu.PermissionDeniedException the file is there but this process may not read it: not the same
     *                                              as no driver loaded, and the error says so
     */
    Optional<String> readText(String path);

    /** What {@link #readText} throws for a file whose permissions refuse it ({@code EACCES}, {@code EPERM}). */
    static KernelException readRefused(String path, Errno errno, Throwable cause) {
        return KernelException.of("read NVIDIA driver file", path, errno, "run as root, or grant this user read access to "
                + path + " and read-write access to the NVIDIA device nodes (/dev/nvidiactl, /dev/nvidiaN)", cause);
    }
}
