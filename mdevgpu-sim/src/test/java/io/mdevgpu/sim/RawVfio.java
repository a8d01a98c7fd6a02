package io.mdevgpu.sim;

import static io.mdevgpu.kernel.abi.vfio.VfioConstants.VFIO_TYPE1v2_IOMMU;
import static io.mdevgpu.kernel.abi.vfio.VfioIoctls.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import io.mdevgpu.kernel.abi.vfio.vfio_device_info;
import io.mdevgpu.kernel.abi.vfio.vfio_irq_info;
import io.mdevgpu.kernel.abi.vfio.vfio_irq_set;
import io.mdevgpu.kernel.sys.ErrnoCapture;
import io.mdevgpu.kernel.vfio.VfioKernel;

/**
 * A device fd of a {@link SimVfioKernel} driven with raw requests, as a process that does not use the library
 * would: to send what the port never sends (an IRQ query before {@code GET_INFO}, a disable of an index that is not
 * enabled, an unmask of MSI). Each request answers 0 or {@code -errno}, as the port's calls do.
 */
final class RawVfio implements AutoCloseable {
    private final SimVfioKernel kernel;
    private final Arena arena = Arena.ofConfined();
    private final ErrnoCapture errno = new ErrnoCapture(arena);
    private final int container;
    private final int group;
    private final int device;

    private RawVfio(SimVfioKernel kernel, int container, int group, int device) {
        this.kernel = kernel;
        this.container = container;
        this.group = group;
        this.device = device;
    }

    /** Opens container, group and device, asking nothing of the device (no {@code GET_INFO}). */
    static RawVfio open(SimVfioKernel kernel, int groupNumber, String name) {
        try (Arena a = Arena.ofConfined()) {
            ErrnoCapture e = new ErrnoCapture(a);
            int container = check(kernel.open(e, VfioKernel.CONTAINER), "open container");
            int group = check(kernel.open(e, Integer.toString(groupNumber)), "open group");
            MemorySegment fd = a.allocate(JAVA_INT);
            fd.set(JAVA_INT, 0, container);
            check(kernel.ioctl(e, group, VFIO_GROUP_SET_CONTAINER, fd), "SET_CONTAINER");
            check(kernel.ioctl(e, container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU), "SET_IOMMU");
            int device = check(kernel.ioctl(e, group, VFIO_GROUP_GET_DEVICE_FD, a.allocateFrom(name)), "GET_DEVICE_FD");
            return new RawVfio(kernel, container, group, device);
        }
    }

    /** Raw requests on {@code deviceFd}, a device fd the port opened (closing this closes nothing of it). */
    static RawVfio on(SimVfioKernel kernel, int deviceFd) {
        return new RawVfio(kernel, -1, -1, deviceFd);
    }

    /** The fd of the one open device of {@code kernel} (the port keeps its own): the fd that answers GET_INFO. */
    static int deviceFd(SimVfioKernel kernel) {
        try (Arena a = Arena.ofConfined()) {
            ErrnoCapture e = new ErrnoCapture(a);
            MemorySegment info = vfio_device_info.allocate(a);
            vfio_device_info.argsz(info, (int) vfio_device_info.sizeof());
            for (int fd = 3; fd < 1 << 16; fd++) {
                if (kernel.ioctl(e, fd, VFIO_DEVICE_GET_INFO, info) == 0) return fd;
            }
        }
        throw new AssertionError("no open device");
    }

    private static int check(int result, String what) {
        if (result < 0) throw new AssertionError(what + ": " + result);
        return result;
    }

    int deviceInfo() {
        MemorySegment info = vfio_device_info.allocate(arena);
        vfio_device_info.argsz(info, (int) vfio_device_info.sizeof());
        return kernel.ioctl(errno, device, VFIO_DEVICE_GET_INFO, info);
    }

    int irqInfo(int index) {
        MemorySegment info = vfio_irq_info.allocate(arena);
        vfio_irq_info.argsz(info, (int) vfio_irq_info.sizeof());
        vfio_irq_info.index(info, index);
        return kernel.ioctl(errno, device, VFIO_DEVICE_GET_IRQ_INFO, info);
    }

    /** {@code VFIO_DEVICE_SET_IRQS} with {@code flags} and no data ({@code DATA_NONE}). */
    int setIrqs(int flags, int index, int start, int count) {
        return setIrqs(flags, index, start, count, new byte[0]);
    }

    /** {@code VFIO_DEVICE_SET_IRQS} with {@code data} after the header ({@code DATA_BOOL}: one byte per vector). */
    int setIrqs(int flags, int index, int start, int count, byte... data) {
        MemorySegment set = arena.allocate(vfio_irq_set.sizeof() + data.length, 4);
        vfio_irq_set.argsz(set, (int) set.byteSize());
        vfio_irq_set.flags(set, flags);
        vfio_irq_set.index(set, index);
        vfio_irq_set.start(set, start);
        vfio_irq_set.count(set, count);
        for (int i = 0; i < data.length; i++) vfio_irq_set.data(set).set(JAVA_BYTE, i, data[i]);
        return kernel.ioctl(errno, device, VFIO_DEVICE_SET_IRQS, set);
    }

    @Override
    public void close() {
        if (container >= 0) { // opened here: the kernel's order, device, group, container
            kernel.close(errno, device);
            kernel.close(errno, group);
            kernel.close(errno, container);
        }
        arena.close();
    }
}
