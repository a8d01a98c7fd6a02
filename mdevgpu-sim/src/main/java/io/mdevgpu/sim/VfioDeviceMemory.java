package io.mdevgpu.sim;

import static io.mdevgpu.kernel.abi.vfio.VfioConstants.VFIO_REGION_INFO_FLAG_MMAP;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.mdevgpu.kernel.sys.ErrnoCapture;
import io.mdevgpu.kernel.sys.Syscalls;
import io.mdevgpu.kernel.vfio.VfioRegionInfo;
import io.mdevgpu.sim.SimVfioKernel.Device;
import io.mdevgpu.sim.SimVfioKernel.Region;

/**
 * What backs a simulated VFIO device's regions: the device's memfd (made at its first open, grown with its regions,
 * released with its last fd), the config-space emulator's split of an access into a CPU's aligned accesses, the
 * checks vfio-pci makes on an mmap, and the mappings made and not unmapped. Guarded by the simulated kernel's lock.
 */
final class VfioDeviceMemory {
    private static final long PAGE = 4096;

    private final VfioFds fds;
    private final Supplier<ErrnoCapture> errno;
    /** Mappings made through mmap and not unmapped: address to length. */
    final Map<Long, Long> mappings = new HashMap<>();

    VfioDeviceMemory(VfioFds fds, Supplier<ErrnoCapture> errno) {
        this.fds = fds;
        this.errno = errno;
    }

    /** Config-space access split into naturally aligned 4-, 2- and 1-byte accesses, as a guest's CPU makes them. */
    static long emulate(ConfigSpaceEmulator space, MemorySegment buf, long count, long at, boolean write) {
        long end = Math.min(at + count, space.size());
        if (at >= end) return 0;
        MemorySegment b = buf.byteSize() >= end - at ? buf : Syscalls.resize(buf, end - at, "config space access");
        long done = 0;
        while (at + done < end) {
            int offset = (int) (at + done);
            long left = end - offset;
            int width = offset % 4 == 0 && left >= 4 ? 4 : offset % 2 == 0 && left >= 2 ? 2 : 1;
            if (write) {
                int value = width == 4 ? b.get(JAVA_INT_UNALIGNED, done)
                        : width == 2 ? b.get(JAVA_SHORT_UNALIGNED, done) & 0xFFFF : b.get(JAVA_BYTE, done) & 0xFF;
                space.write(offset, width, value);
            } else {
                int value = space.read(offset, width);
                if (width == 4) b.set(JAVA_INT_UNALIGNED, done, value);
                else if (width == 2) b.set(JAVA_SHORT_UNALIGNED, done, (short) value);
                else b.set(JAVA_BYTE, done, (byte) value);
            }
            done += width;
        }
        return done;
    }

    /** What vfio-pci's mmap checks: a page-aligned range within one mmap area of one region that allows mapping. */
    static boolean mappable(Device d, long offset, long length) {
        if (offset % PAGE != 0 || length <= 0) return false;
        Region r = d.regionAt(offset);
        if (r == null || r.emulator != null || (r.flags & VFIO_REGION_INFO_FLAG_MMAP) == 0) return false;
        long at = offset - r.offset;
        if (at + length > (r.size + PAGE - 1) / PAGE * PAGE) return false;
        if (r.sparse == null) return true;
        for (VfioRegionInfo.Area area : r.sparse) if (area.contains(at, length)) return true;
        return false;
    }

    /** A fresh fd of the device's memory: its memfd, opened again through /proc, so each fd is its own. */
    int openMemory(Device d) {
        if (d.memfd < 0) {
            d.memfd = fds.standIn("mdevgpu-sim-vfio-" + d.name);
            d.memfdSize = 0;
            growMemory(d);
        }
        return fds.openPath("/proc/self/fd/" + d.memfd);
    }

    void growMemory(Device d) {
        long size = d.memorySize();
        if (d.memfd < 0 || size <= d.memfdSize) return;
        if (Syscalls.ftruncate(errno.get(), d.memfd, size) < 0) {
            throw new IllegalStateException("ftruncate the memory of device " + d.name + " to " + size + ": " + errno.get().toErrno());
        }
        d.memfdSize = size;
    }

    void releaseMemory(Device d) {
        if (d.memfd >= 0) {
            Syscalls.close(errno.get(), d.memfd);
            d.memfd = -1;
            d.memfdSize = 0;
        }
    }
}
