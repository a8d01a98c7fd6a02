package io.mdevgpu.kernel.nvrm;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

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

    /** The text of a small file such as {@code /proc/driver/nvidia/version}; empty where it cannot be read. */
    Optional<String> readText(String path);
}
