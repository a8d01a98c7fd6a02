package io.mdevgpu.sim;

import static io.mdevgpu.kernel.abi.vfio.VfioConstants.*;
import static io.mdevgpu.kernel.abi.vfio.VfioIoctls.*;

import java.lang.foreign.MemorySegment;

import io.mdevgpu.Errno;
import io.mdevgpu.kernel.abi.vfio.VfioIoctls;
import io.mdevgpu.kernel.sys.ErrnoCapture;
import io.mdevgpu.kernel.sys.Syscalls;
import io.mdevgpu.kernel.vfio.VfioKernel;
import io.mdevgpu.sim.Faults.Failure;
import io.mdevgpu.sim.SimVfioKernel.Device;
import io.mdevgpu.sim.SimVfioKernel.Group;
import io.mdevgpu.sim.SimVfioKernel.Region;
import io.mdevgpu.sim.VfioFds.Kind;
import io.mdevgpu.sim.VfioFds.Node;

/**
 * The simulated VFIO's system calls on its nodes, as {@link SimVfioKernel} serves them: open and close of the
 * container, groups and devices (a group open once on the whole host, a device's last close releasing its
 * interrupts and memory), the ioctl dispatch to the container, group and device, and region data through
 * {@code pread}, {@code pwrite} and {@code mmap}. Each passes the {@link Faults} first as a {@link VfioCall}.
 */
final class VfioNodeCalls {
    private final SimVfioKernel k;

    VfioNodeCalls(SimVfioKernel kernel) {
        this.k = kernel;
    }

    int open(ErrnoCapture e, String node) {
        String path = k.path(node);
        Failure f = k.faults.enter(VfioCall.OPEN, k.faults.wantsText() ? "open " + path : null);
        if (f != null) return -f.errnoOrEio();
        synchronized (k.lock) {
            if (k.closed) return -Errno.ENODEV.number();
            if (node.equals(VfioKernel.CONTAINER)) {
                int fd = k.fds.standIn("mdevgpu-sim-vfio-container");
                k.fds.put(fd, new Node(Kind.CONTAINER, path, null, null));
                return fd;
            }
            int number;
            try {
                number = Integer.parseInt(node);
            } catch (NumberFormatException notAGroup) {
                return -Errno.ENOENT.number();
            }
            k.store.enter(); // another process may have made or removed the instance of this group, or opened it
            try {
                Group g = k.groups.get(number);
                if (g == null) return -Errno.ENOENT.number();
                for (Node n : k.fds.open.values()) if (n.kind() == Kind.GROUP && n.group() == g) return -Errno.EBUSY.number();
                // a group is open once on the whole host: held in another live process (the group itself, or a
                // device of it, whose holder keeps the group as the library and QEMU do), it is busy here too
                for (String device : g.devices.keySet()) if (k.holders.heldElsewhere(device, false)) return -Errno.EBUSY.number();
                int fd = k.fds.standIn("mdevgpu-sim-vfio-group-" + node);
                k.fds.put(fd, new Node(Kind.GROUP, path, g, null));
                k.store.changed(); // the group is busy for every other process from now
                return fd;
            } finally {
                k.store.exit();
            }
        }
    }

    int close(ErrnoCapture e, int fd) {
        Node known;
        synchronized (k.lock) {
            known = k.fds.node(fd);
        }
        Failure f = k.faults.enter(VfioCall.CLOSE, k.faults.wantsText() ? "close " + (known == null ? "fd " + fd : known.target()) : null);
        synchronized (k.lock) {
            Node n = k.fds.remove(fd);
            if (n == null) return -Errno.EBADF.number();
            switch (n.kind()) {
                case GROUP -> {
                    k.containers.unset(fd);
                    k.store.saveNow(); // free again for other processes
                }
                case CONTAINER -> k.containers.closeContainer(fd);
                case DEVICE -> {
                    if (--n.device().openFds == 0) { // the release disables every interrupt and drops the memory
                        n.device().disableInterrupts();
                        k.memory.releaseMemory(n.device());
                        k.store.saveNow(); // other processes' removes wait for this close
                        k.lock.notifyAll(); // a remove waiting for this device to close (SimMdevCore) goes on
                    }
                }
            }
            Syscalls.close(k.errno(), fd); // Linux releases the fd even when close reports an error
            return f == null ? 0 : -f.errnoOrEio();
        }
    }

    int ioctl(ErrnoCapture e, int fd, long request, MemorySegment arg) {
        synchronized (k.lock) {
            Node n = k.fds.node(fd);
            if (n == null) return -Errno.EBADF.number();
            Failure f = k.faults.enter(VfioCall.ofIoctl(request), k.faults.wantsText() ? "ioctl " + n.target() + " " + VfioIoctls.name(request) : null);
            if (f != null) return -f.errnoOrEio();
            return switch (n.kind()) {
                case CONTAINER -> k.containers.container(fd, (int) request, arg, 0);
                case GROUP -> group(fd, n, (int) request, arg);
                case DEVICE -> device(n.device(), (int) request, arg);
            };
        }
    }

    int ioctl(ErrnoCapture e, int fd, long request, long value) {
        synchronized (k.lock) {
            Node n = k.fds.node(fd);
            if (n == null) return -Errno.EBADF.number();
            Failure f = k.faults.enter(VfioCall.ofIoctl(request),
                    k.faults.wantsText() ? "ioctl " + n.target() + " " + VfioIoctls.name(request) + " " + value : null);
            if (f != null) return -f.errnoOrEio();
            return switch (n.kind()) {
                case CONTAINER -> k.containers.container(fd, (int) request, null, value);
                case GROUP -> request == VFIO_GROUP_UNSET_CONTAINER ? k.containers.unset(fd) : -Errno.ENOTTY.number();
                case DEVICE -> {
                    if (request != VFIO_DEVICE_RESET) yield -Errno.ENOTTY.number();
                    n.device().resets++;
                    yield 0;
                }
            };
        }
    }

    private int group(int fd, Node n, int request, MemorySegment arg) {
        if (request == VFIO_GROUP_GET_STATUS) return k.containers.status(fd, n.group(), arg);
        if (request == VFIO_GROUP_SET_CONTAINER) return k.containers.setContainer(k.fds, fd, n.group(), arg);
        if (request == VFIO_GROUP_GET_DEVICE_FD) {
            String name = arg.getString(0);
            if (!k.containers.usable(fd)) return -Errno.EINVAL.number();
            k.store.enter(); // the instance may be gone in another process; its first open is the host's to know
            try {
                Device d = n.group().devices.get(name);
                if (d == null) return -Errno.ENODEV.number();
                int dfd = d.backing != null ? k.fds.openPath(d.backing) : k.memory.openMemory(d);
                if (dfd < 0) return dfd;
                k.fds.put(dfd, new Node(Kind.DEVICE, "device " + name, n.group(), d));
                if (d.openFds++ == 0) k.store.changed();
                return dfd;
            } finally {
                k.store.exit();
            }
        }
        return -Errno.ENOTTY.number();
    }

    private int device(Device d, int request, MemorySegment arg) {
        if (request == VFIO_DEVICE_GET_INFO) return VfioDeviceLayout.info(d, arg);
        if (request == VFIO_DEVICE_GET_REGION_INFO) return VfioDeviceLayout.regionInfo(d, arg);
        if (request == VFIO_DEVICE_GET_IRQ_INFO) return VfioIrqRules.irqInfo(d, arg);
        if (request == VFIO_DEVICE_SET_IRQS) return k.interrupts.setIrqs(d, arg);
        return -Errno.ENOTTY.number();
    }

    long pread(ErrnoCapture e, int fd, MemorySegment buf, long count, long offset) {
        return transfer(e, fd, buf, count, offset, false);
    }

    long pwrite(ErrnoCapture e, int fd, MemorySegment buf, long count, long offset) {
        return transfer(e, fd, buf, count, offset, true);
    }

    private long transfer(ErrnoCapture e, int fd, MemorySegment buf, long count, long offset, boolean write) {
        synchronized (k.lock) {
            Node n = k.fds.node(fd);
            if (n == null || n.kind() != Kind.DEVICE) return -Errno.EBADF.number();
            Failure f = k.faults.enter(write ? VfioCall.WRITE : VfioCall.READ, k.faults.wantsText() ? (write ? "pwrite " : "pread ") + n.target() : null);
            if (f != null) return -f.errnoOrEio();
            Device d = n.device();
            if (d.backing == null) {
                Region r = d.regionAt(offset);
                if (r == null || count < 0) return -Errno.EINVAL.number();
                if (r.emulator != null) return VfioDeviceMemory.emulate(r.emulator, buf, count, offset - r.offset, write);
            }
            long done = write ? Syscalls.pwrite(e, fd, buf, count, offset) : Syscalls.pread(e, fd, buf, count, offset);
            return done < 0 ? -e.errno() : done;
        }
    }

    long mmap(ErrnoCapture e, int fd, long length, int prot, long offset) {
        synchronized (k.lock) {
            Node n = k.fds.node(fd);
            Failure f = k.faults.enter(VfioCall.MMAP, k.faults.wantsText()
                    ? "mmap " + (n == null ? "fd " + fd : n.target()) + " 0x" + Long.toHexString(offset) : null);
            if (f != null) return -f.errnoOrEio();
            if (n == null || n.kind() != Kind.DEVICE) return -Errno.EBADF.number();
            if (n.device().backing == null && !VfioDeviceMemory.mappable(n.device(), offset, length)) return -Errno.EINVAL.number();
            long address = Syscalls.mmap(e, length, prot, Syscalls.MAP_SHARED, fd, offset);
            if (address == Syscalls.MAP_FAILED) return -e.errno();
            k.memory.mappings.put(address, length);
            return address;
        }
    }

    int munmap(ErrnoCapture e, long address, long length) {
        synchronized (k.lock) {
            Failure f = k.faults.enter(VfioCall.MUNMAP, k.faults.wantsText() ? "munmap 0x" + Long.toHexString(length) : null);
            if (f != null) return -f.errnoOrEio(); // the mapping stays, as after a failed munmap
            if (Syscalls.munmap(e, address, length) < 0) return -e.errno();
            k.memory.mappings.remove(address);
            return 0;
        }
    }
}
