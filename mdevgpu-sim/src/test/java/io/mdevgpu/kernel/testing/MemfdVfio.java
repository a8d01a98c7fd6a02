package io.mdevgpu.kernel.testing;

import java.nio.file.Path;

import io.mdevgpu.sim.Faults;
import io.mdevgpu.sim.SimVfioKernel;
import io.mdevgpu.kernel.vfio.Vfio;
import io.mdevgpu.kernel.vfio.VfioDevice;

/**
 * One open VFIO device whose regions are memfd memory, on the simulated kernel's {@link SimVfioKernel}: pread, pwrite
 * and mmap of its regions are real system calls on a memfd, so a mapping is real shared memory. Its faults do not record
 *, so the port's calls allocate nothing but their own.
 *
 * <p>For code outside this module that cannot see {@code io.mdevgpu.kernel.vfio}'s test classes: mdevgpu-bench runs
 * the VFIO region and device benchmarks on it .
 *
 * <pre>{@code
 * try (MemfdVfio vfio = MemfdVfio.device(12, uuid).region(0, RW | MMAP, 64 << 20, 0).open()) {
 *     VfioMapping bar = vfio.device().region(0).map();
 * }
 * }</pre>
 */
public final class MemfdVfio implements AutoCloseable {
    private final SimVfioKernel kernel;
    private final VfioDevice device;
    private final int fd;

    private MemfdVfio(SimVfioKernel kernel, VfioDevice device, int fd) {
        this.kernel = kernel;
        this.device = device;
        this.fd = fd;
    }

    /** Starts a device {@code name} in IOMMU group {@code group}. */
    public static Builder device(int group, String name) {
        return new Builder(group, name);
    }

    /** The device, opened through {@link Vfio} (container, group, device) on the fake kernel. */
    public VfioDevice device() {
        return device;
    }

    /** The device fd: the memfd holding the regions at their offsets, for a baseline that maps or reads it directly. */
    public int fd() {
        return fd;
    }

    /** Fds the fake kernel still has open (0 once closed). */
    public int openFds() {
        return kernel.openFds();
    }

    /** Closes the device, its mappings, its group and its container. */
    @Override
    public void close() {
        device.close();
    }

    @Override
    public String toString() {
        return "MemfdVfio[" + device + ", fd " + fd + "]";
    }

    public static final class Builder {
        private final SimVfioKernel kernel = new SimVfioKernel(Path.of("/dev"), new Faults().recording(false), new Object());
        private final SimVfioKernel.Device device;
        private final int group;
        private final String name;

        private Builder(int group, String name) {
            this.group = group;
            this.name = name;
            this.device = kernel.group(group).device(name);
        }

        /**
         * Region {@code index} of {@code size} bytes at device-fd {@code offset}, with {@code VFIO_REGION_INFO_FLAG_*}
         * {@code flags}.
         */
        public Builder region(int index, int flags, long size, long offset) {
            device.region(index, flags, size, offset);
            return this;
        }

        /** The next IRQ index, with {@code VFIO_IRQ_INFO_*} {@code flags} and {@code count} vectors. */
        public Builder irq(int flags, int count) {
            device.irq(flags, count);
            return this;
        }

        public MemfdVfio open() {
            VfioDevice opened = new Vfio(kernel).openDevice(group, name);
            return new MemfdVfio(kernel, opened, kernel.deviceFd(name));
        }
    }
}
