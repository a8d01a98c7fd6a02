package io.mdevgpu.kernel.vfio;

import java.lang.foreign.MemorySegment;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.kernel.abi.vfio.VfioIoctls;
import io.mdevgpu.kernel.sys.ErrnoCapture;

/**
 * One fd of a {@link VfioKernel} with its handle's preallocated {@link ErrnoCapture} and the name errors use:
 * the one place that issues an ioctl, logs it at TRACE and turns {@code -errno} into a typed exception.
 * Allocates nothing unless TRACE is on or the call fails.
 */
final class KernelFd {
    private static final Logger LOG = LoggerFactory.getLogger("io.mdevgpu.kernel.vfio.ioctl");

    final VfioKernel kernel;
    final ErrnoCapture errno;
    final int fd;
    /** {@code /dev/vfio/12}, {@code device 9a3b... in /dev/vfio/12}. */
    final String target;

    KernelFd(VfioKernel kernel, ErrnoCapture errno, int fd, String target) {
        this.kernel = kernel;
        this.errno = errno;
        this.fd = fd;
        this.target = target;
    }

    /** The ioctl's result, or {@code -errno}. */
    int ioctl(long request, MemorySegment arg) {
        int r = kernel.ioctl(errno, fd, request, arg);
        if (LOG.isTraceEnabled()) trace(request, "&" + Long.toHexString(arg.address()), r);
        return r;
    }

    int ioctl(long request, long value) {
        int r = kernel.ioctl(errno, fd, request, value);
        if (LOG.isTraceEnabled()) trace(request, Long.toString(value), r);
        return r;
    }

    int ioctlOrThrow(long request, MemorySegment arg, String fix) {
        int r = ioctl(request, arg);
        if (r < 0) throw failure(request, -r, fix);
        return r;
    }

    int ioctlOrThrow(long request, long value, String fix) {
        int r = ioctl(request, value);
        if (r < 0) throw failure(request, -r, fix);
        return r;
    }

    KernelException failure(long request, int errnoNumber, String fix) {
        return KernelException.of(VfioIoctls.name(request), target + " (ioctl 0x" + Integer.toHexString((int) request) + ")",
                Errno.of(errnoNumber), fix);
    }

    KernelException failure(String operation, int errnoNumber, String fix) {
        return KernelException.of(operation, target, Errno.of(errnoNumber), fix);
    }

    /** Closes the fd; returns the typed failure, or null. */
    KernelException close() {
        int r = kernel.close(errno, fd);
        if (LOG.isTraceEnabled()) LOG.trace("close({}) {} = {}", fd, target, r);
        return r < 0 && r != -Errno.EINTR.number() ? failure("close", -r, null) : null;
    }

    private void trace(long request, String arg, int r) {
        LOG.trace("ioctl({}, {}, {}) {} = {}", fd, VfioIoctls.name(request), arg, target,
                r < 0 ? Errno.of(-r).name() : Integer.toString(r));
    }

    @Override
    public String toString() {
        return target + " (fd " + fd + ")";
    }
}
