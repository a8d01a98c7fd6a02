package io.mdevgpu.sim;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.mdevgpu.Errno;
import io.mdevgpu.kernel.nvrm.RmTransport;
import io.mdevgpu.sim.Faults.Failure;

/**
 * The simulated NVIDIA driver's device nodes and files: opening {@code nvidiactl} and each GPU's
 * {@code nvidia<minor>} (one can be made missing), what an fd's release frees, and the version file and the other
 * {@code /proc} files it serves. Guarded by the simulated kernel's lock.
 */
final class NvidiaNodes {
    private static final int EBADF = 9, ENOENT = 2;
    private final SimNvidiaDriver d;
    final Map<String, String> files = new HashMap<>(); // path -> text, besides the version file
    final Set<Integer> missingNodes = new HashSet<>();
    String procText;
    private int nextFd = 100;

    NvidiaNodes(SimNvidiaDriver driver) {
        this.d = driver;
    }

    int open(String path) {
        Failure f = d.faults.enter(RmCall.OPEN, d.faults.wantsText() ? "OPEN " + path : null);
        if (f != null) return -f.errnoOrEio();
        synchronized (d.lock) {
            boolean known = path.equals(d.ctlPath) || d.gpus.stream().anyMatch(g -> !missingNodes.contains(g.minor())
                    && path.equals(d.devDirectory + "/nvidia" + g.minor()));
            if (!known) return -ENOENT;
            int fd = nextFd++;
            d.fds.put(fd, path);
            return fd;
        }
    }

    int close(int fd) {
        String path;
        synchronized (d.lock) {
            path = d.fds.get(fd);
        }
        Failure f = d.faults.enter(RmCall.CLOSE, d.faults.wantsText() ? "CLOSE " + (path == null ? "fd " + fd : path) : null);
        synchronized (d.lock) {
            if (!d.fds.containsKey(fd)) return -EBADF;
            release(fd); // Linux releases the fd even when close reports an error
            return f == null ? 0 : -f.errnoOrEio();
        }
    }

    /** What the driver does when an fd's last reference goes: its clients are freed, its GPUs detached. */
    void release(int fd) {
        d.fds.remove(fd);
        d.objects.clients.values().removeIf(c -> c.fd == fd);
        d.attachedBy.remove(fd);
    }

    Optional<String> readText(String path) {
        Failure f = d.faults.enter(RmCall.READ, d.faults.wantsText() ? "READ " + path : null);
        synchronized (d.lock) {
            if (f != null && (Errno.EACCES.equals(f.errno()) || Errno.EPERM.equals(f.errno()))) {
                throw RmTransport.readRefused(path, f.errno(), null);
            }
            if (f != null) return Optional.empty();
            return Optional.ofNullable(path.equals(d.procVersionPath) ? procText : files.get(path));
        }
    }
}
