package io.mdevgpu.sim;

import java.lang.foreign.Arena;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.mdevgpu.kernel.sys.ErrnoCapture;
import io.mdevgpu.kernel.sys.Syscalls;

/**
 * The simulated VFIO's fd table: which real fd stands for which container, group or device node, and how those
 * stand-in fds are made (a memfd per node, or a fresh open of a path). Guarded by the simulated kernel's lock.
 */
final class VfioFds {
    enum Kind { CONTAINER, GROUP, DEVICE }

    record Node(Kind kind, String target, SimVfioKernel.Group group, SimVfioKernel.Device device) {
    }

    /** Every open fd of the VFIO, by number. */
    final Map<Integer, Node> open = new HashMap<>();
    private final Node[] byFd = new Node[1 << 16];
    private final Supplier<ErrnoCapture> errno;

    VfioFds(Supplier<ErrnoCapture> errno) {
        this.errno = errno;
    }

    Node node(int fd) {
        return fd >= 0 && fd < byFd.length ? byFd[fd] : null;
    }

    void put(int fd, Node n) {
        if (fd >= byFd.length) {
            Syscalls.close(errno.get(), fd);
            throw new IllegalStateException("fd " + fd + " is beyond the simulated kernel's table of " + byFd.length);
        }
        open.put(fd, n);
        byFd[fd] = n;
    }

    /** Forgets {@code fd}; null when it was not open. */
    Node remove(int fd) {
        Node n = open.remove(fd);
        if (n != null) byFd[fd] = null;
        return n;
    }

    // the names go in an arena of the call: in the kernel's own arena they would pile up for as long as it lives
    // (an NMT soak showed its "Other" memory growing by ~140 bytes a create-open-close-remove cycle)

    int standIn(String name) {
        try (Arena call = Arena.ofConfined()) {
            int fd = Syscalls.memfdCreate(errno.get(), call.allocateFrom(name), Syscalls.MFD_CLOEXEC);
            if (fd < 0) throw new IllegalStateException("memfd_create " + name + ": " + errno.get().toErrno());
            return fd;
        }
    }

    int openPath(String path) {
        try (Arena call = Arena.ofConfined()) {
            int fd = Syscalls.open(errno.get(), call.allocateFrom(path), Syscalls.O_RDWR | Syscalls.O_CLOEXEC, 0);
            return fd < 0 ? -errno.get().errno() : fd;
        }
    }
}
