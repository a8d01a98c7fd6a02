package io.mdevgpu.kernel.vfio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.sys.ErrnoCapture;
import io.mdevgpu.kernel.sys.Syscalls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a {@link VfioRegion}'s mappings: checks a range against the region's mmap support and areas, maps it inside
 * the device's gate, and hands a mapping to the region (which keeps the live ones for its accesses) or to the
 * caller's arena.
 */
final class VfioRegionMapper {
    private static final Logger LOG = LoggerFactory.getLogger(VfioRegion.class);
    private final VfioRegion region;
    private final VfioDevice device;
    private final VfioRegionInfo info;

    VfioRegionMapper(VfioRegion region, VfioDevice device, VfioRegionInfo info) {
        this.region = region;
        this.device = device;
        this.info = info;
    }

    /** {@link VfioRegion#mapAreas()}. */
    List<VfioMapping> mapAreas() {
        requireMappable();
        List<VfioMapping> out = new ArrayList<>();
        try {
            for (VfioRegionInfo.Area a : info.mmapAreas()) out.add(map(a.offset(), a.size()));
        } catch (RuntimeException e) {
            for (VfioMapping m : out) {
                try {
                    m.close();
                } catch (RuntimeException c) {
                    e.addSuppressed(c);
                }
            }
            throw e;
        }
        return out;
    }

    /** {@link VfioRegion#map(long, long)}: the mapping goes to the region. */
    VfioMapping map(long offset, long length) {
        checkMappable(offset, length);
        region.enter("map");
        try {
            VfioMapping mapping = new VfioMapping(region, offset, length, mmap(offset, length));
            region.published(mapping);
            return mapping;
        } finally {
            device.exit();
        }
    }

    /** {@link VfioRegion#map(long, long, Arena)}: the mapping is the arena's. */
    MemorySegment map(long offset, long length, Arena arena) {
        checkMappable(offset, length);
        region.enter("map");
        try {
            long address = mmap(offset, length);
            KernelFd fd = device.fd;
            VfioKernel kernel = fd.kernel;
            return Syscalls.segmentOf(address, length, arena, unused -> {
                // the closing thread's capture: the device's may be closed by then, and the arena's own memory is
                int r = kernel.munmap(ErrnoCapture.ofThread(), address, length);
                if (r < 0) LOG.warn("munmap of {} at 0x{} failed: {}", region.what(), Long.toHexString(address), Errno.of(-r));
            });
        } finally {
            device.exit();
        }
    }

    private void checkMappable(long offset, long length) {
        requireMappable();
        if (length <= 0 || !withinOneArea(offset, length)) {
            throw new ValidationException("mapping of " + region.what(), "0x" + Long.toHexString(offset) + "+0x" + Long.toHexString(length),
                    "a non-empty range within one mmap area " + info.mmapAreas());
        }
    }

    /** The mmap of a checked range, inside the device's gate; its address. */
    private long mmap(long offset, long length) {
        int prot = (info.readable() ? Syscalls.PROT_READ : 0) | (info.writable() ? Syscalls.PROT_WRITE : 0);
        KernelFd fd = device.fd;
        long address = fd.kernel.mmap(fd.errno, fd.fd, length, prot, info.offset() + offset);
        if (address < 0) {
            throw KernelException.of("mmap", region.what() + " at 0x" + Long.toHexString(offset) + "+0x" + Long.toHexString(length),
                    Errno.of((int) -address), address == -Errno.EINVAL.number()
                            ? "the driver refuses to map this range; read and write it through the region instead" : null);
        }
        return address;
    }

    /** Whether the range lies within one mmap area; no stream or lambda: mapping is a measured path. */
    private boolean withinOneArea(long offset, long length) {
        List<VfioRegionInfo.Area> areas = info.mmapAreas();
        for (int i = 0; i < areas.size(); i++) {
            if (areas.get(i).contains(offset, length)) return true;
        }
        return false;
    }

    private void requireMappable() {
        if (!info.mappable()) {
            throw new ValidationException("mapping of " + region.what(), info.toString(),
                    "a region with mmap support; read and write this one through the region (pread/pwrite)");
        }
    }
}
