package io.mdevgpu.kernel.vfio;

import java.lang.foreign.Arena;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a container, a group and a device have in common: one VFIO fd and the one {@link Arena} that holds its
 * preallocated arguments and errno capture; closing them in the kernel's order, every step even after a failure.
 */
abstract sealed class FdOwner implements AutoCloseable permits VfioContainer, VfioGroup, VfioDevice {
    private static final Logger LOG = LoggerFactory.getLogger(FdOwner.class);

    final Arena arena;
    final KernelFd fd;
    private boolean closed;

    FdOwner(Arena arena, KernelFd fd) {
        this.arena = arena;
        this.fd = fd;
    }

    final void requireOpen() {
        if (closed) throw new IllegalStateException(fd.target + " is closed");
    }

    /** False once closed. */
    public final boolean isOpen() {
        return !closed;
    }

    /** What goes before the fd closes, while it is still open: what this handle owns, its own last ioctls. */
    abstract void beforeClose(Closer closer);

    /** Leaves the owner's list. */
    abstract void afterClose();

    /** {@link #beforeClose}, then the fd, then the arena; idempotent; throws the first failure, others suppressed. */
    final void release() {
        if (closed) return;
        Closer closer = new Closer();
        beforeClose(closer);
        closed = true;
        closer.add(fd.close());
        closer.run(arena::close);
        afterClose();
        LOG.debug("closed {}", fd);
        closer.finish();
    }
}
