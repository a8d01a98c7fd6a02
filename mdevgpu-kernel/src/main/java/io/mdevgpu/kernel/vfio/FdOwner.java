package io.mdevgpu.kernel.vfio;

import java.lang.foreign.Arena;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;

/**
 * What a container, a group and a device have in common: one VFIO fd and the one {@link Arena} that holds its
 * preallocated arguments and errno capture; closing them in the kernel's order, every step even after a failure.
 *
 * <p>Each use of the fd or the arena is inside the handle's {@link AccessGate}: a close from another thread waits
 * for the uses inside, and a use after it (or during it) fails with {@link #closed}, a {@link KernelException} with
 * {@code EBADF}.
 */
abstract sealed class FdOwner implements AutoCloseable permits VfioContainer, VfioGroup, VfioDevice {
    private static final Logger LOG = LoggerFactory.getLogger(FdOwner.class);

    final Arena arena;
    final KernelFd fd;
    private final AccessGate gate = new AccessGate();

    FdOwner(Arena arena, KernelFd fd) {
        this.arena = arena;
        this.fd = fd;
    }

    /** {@code "device"}, {@code "group"}, {@code "container"}: for the use-after-close error's fix. */
    abstract String kind();

    /** Enters the gate for {@code operation} (a constant: the name is only used when refused); {@link #exit} after. */
    final void enter(String operation) {
        if (!gate.enter()) throw closed(operation);
    }

    /** Enters the gate, or false when the handle is closing or closed (then throw {@link #closed}, no exit). */
    final boolean tryEnter() {
        return gate.enter();
    }

    final void exit() {
        gate.exit();
    }

    /**
     * Runs the close of something this handle owns (a mapping, interrupts) inside the gate, as it uses this fd;
     * while this handle is closing or closed it does nothing: this handle's own close closes what it owns.
     */
    final void closeOwned(Runnable close) {
        if (!gate.enter()) return;
        try {
            close.run();
        } finally {
            gate.exit();
        }
    }

    /** The use-after-close error: {@code EBADF}, naming {@code operation}, this handle and the fix. */
    final KernelException closed(String operation) {
        return closed(operation, null);
    }

    final KernelException closed(String operation, Throwable cause) {
        return KernelException.of(operation, fd.target, Errno.EBADF, "the " + kind() + " was closed; open it again", cause);
    }

    /** False once its close has begun. */
    public final boolean isOpen() {
        return !gate.isShut();
    }

    /** What goes before the fd closes, while it is still open: what this handle owns, its own last ioctls. */
    abstract void beforeClose(Closer closer);

    /** Leaves the owner's list. */
    abstract void afterClose();

    /** {@link #shut}, then {@link #releaseShut}: idempotent (a second caller returns at once, even mid-close). */
    final void release() {
        if (shut()) releaseShut();
    }

    /** Refuses every later use; true for the one call that shut this handle (it must then {@link #releaseShut}). */
    final boolean shut() {
        return gate.shut();
    }

    /**
     * After {@link #shut}: waits for the uses inside, then {@link #beforeClose}, the fd, the arena; throws the first
     * failure, others suppressed.
     */
    final void releaseShut() {
        gate.awaitIdle();
        Closer closer = new Closer();
        beforeClose(closer);
        closer.add(fd.close());
        closer.run(arena::close);
        afterClose();
        LOG.debug("closed {}", fd);
        closer.finish();
    }
}
