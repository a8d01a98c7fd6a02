package io.mdevgpu.kernel.vfio;

import java.lang.foreign.MemorySegment;
import java.util.List;

import io.mdevgpu.kernel.sys.ErrnoCapture;

/**
 * The system calls VFIO is made of, on the fds of one kernel: the real one ({@link LinuxVfioKernel}) or the
 * simulated one. Everything above this interface ({@link Vfio} and its handles: the open sequence, the
 * {@code argsz} re-query, capability chains, region access, mappings, interrupts, the close order) runs the
 * same way on both.
 *
 * <p>Each method returns what the system call returns when it succeeds (never negative) and {@code -errno}
 * when it fails, the kernel's own convention, so that a simulation needs no access to a C {@code errno}. The
 * {@link ErrnoCapture} is the calling handle's preallocated capture segment: the real kernel needs it to read
 * {@code errno} without allocating; a simulation may ignore it.
 *
 * <p>Arguments and replies are the bytes of {@code linux/vfio.h}'s structs ({@code io.mdevgpu.kernel.abi.vfio}):
 * a simulation decodes the request from {@code arg} and writes its reply into it, honouring {@code argsz} the
 * way the kernel does. Eventfds passed through {@code VFIO_DEVICE_SET_IRQS} are real eventfds in both worlds.
 */
public interface VfioKernel {
    /** The container node, {@code /dev/vfio/vfio}. */
    String CONTAINER = "vfio";

    /** Opens {@code /dev/vfio/<node>} read-write and close-on-exec: {@link #CONTAINER} or a group number. */
    int open(ErrnoCapture e, String node);

    /** The path of a node, for messages: {@code /dev/vfio/12}. */
    String path(String node);

    int close(ErrnoCapture e, int fd);

    /** {@code ioctl(fd, request, arg)} with a pointer argument; returns the ioctl's result (a device fd...). */
    int ioctl(ErrnoCapture e, int fd, long request, MemorySegment arg);

    /** {@code ioctl(fd, request, value)} with an integer argument ({@code VFIO_CHECK_EXTENSION}, {@code VFIO_SET_IOMMU}). */
    int ioctl(ErrnoCapture e, int fd, long request, long value);

    /** Reads {@code count} bytes at {@code offset} of a device fd into {@code buf}; returns the bytes read. */
    long pread(ErrnoCapture e, int fd, MemorySegment buf, long count, long offset);

    long pwrite(ErrnoCapture e, int fd, MemorySegment buf, long count, long offset);

    /**
     * Maps {@code length} bytes of a device fd at {@code offset}, shared, with {@code prot}
     * ({@link io.mdevgpu.kernel.sys.Syscalls#PROT_READ} | {@code PROT_WRITE}); returns the address. A simulation
     * maps its own memory (a memfd) here, so that mapped region access is real memory access in both worlds.
     */
    long mmap(ErrnoCapture e, int fd, long length, int prot, long offset);

    int munmap(ErrnoCapture e, long address, long length);

    /**
     * The devices of IOMMU group {@code group} ({@code /sys/kernel/iommu_groups/N/devices}) with their drivers,
     * to name them when a group is not viable; empty when the group is unknown.
     */
    List<IommuGroupMember> iommuGroupDevices(int group);
}
