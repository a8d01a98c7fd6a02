package io.mdevgpu.sim;

import static io.mdevgpu.kernel.abi.vfio.VfioConstants.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import io.mdevgpu.Errno;
import io.mdevgpu.kernel.abi.vfio.vfio_device_info;
import io.mdevgpu.kernel.abi.vfio.vfio_info_cap_header;
import io.mdevgpu.kernel.abi.vfio.vfio_region_info;
import io.mdevgpu.kernel.abi.vfio.vfio_region_info_cap_sparse_mmap;
import io.mdevgpu.kernel.abi.vfio.vfio_region_info_cap_type;
import io.mdevgpu.kernel.abi.vfio.vfio_region_sparse_mmap_area;
import io.mdevgpu.kernel.sys.Syscalls;
import io.mdevgpu.sim.SimVfioKernel.Device;
import io.mdevgpu.sim.SimVfioKernel.Region;

/**
 * The simulated VFIO's answers about a device's layout: {@code GET_INFO} and {@code GET_REGION_INFO}, with
 * {@code argsz} and the capability chain (sparse mmap areas, region type) answered the kernel's way.
 */
final class VfioDeviceLayout {
    private VfioDeviceLayout() {
    }

    /** VFIO_DEVICE_GET_INFO: from now on the driver answers the device's IRQ requests (K11). */
    static int info(Device d, MemorySegment arg) {
        d.infoAsked = true;
        vfio_device_info.flags(arg, d.flags);
        vfio_device_info.num_regions(arg, d.reportedRegions());
        vfio_device_info.num_irqs(arg, d.irqs.size());
        return 0;
    }

    static int regionInfo(Device d, MemorySegment arg) {
        long argsz = Integer.toUnsignedLong(vfio_region_info.argsz(arg));
        if (argsz < vfio_region_info.sizeof()) return -Errno.EINVAL.number();
        int index = vfio_region_info.index(arg);
        Region r = null;
        for (Region x : d.regions) if (x.index == index) r = x;
        if (r == null && index >= 0 && index < d.reportedRegions()) r = new Region(index, 0, 0, 0, null); // unimplemented: size 0
        if (r == null) return -Errno.EINVAL.number();
        MemorySegment reply = arg.byteSize() >= argsz ? arg : Syscalls.resize(arg, argsz, "ioctl");
        vfio_region_info.flags(reply, r.flags);
        vfio_region_info.size(reply, r.size);
        vfio_region_info.offset(reply, r.offset);
        vfio_region_info.cap_offset(reply, 0);
        // the capability chain, built the way vfio_info_cap_add does: appended, 8-byte aligned, linked forward
        long base = vfio_region_info.sizeof();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment caps = a.allocate(4096, 8);
            long end = 0;
            long lastHeader = -1;
            if (r.sparse != null) {
                MemorySegment s = caps.asSlice(end);
                vfio_info_cap_header.id(vfio_region_info_cap_sparse_mmap.header(s), (short) VFIO_REGION_INFO_CAP_SPARSE_MMAP);
                vfio_info_cap_header.version(vfio_region_info_cap_sparse_mmap.header(s), (short) 1);
                vfio_region_info_cap_sparse_mmap.nr_areas(s, r.sparse.size());
                for (int i = 0; i < r.sparse.size(); i++) {
                    MemorySegment area = vfio_region_sparse_mmap_area.asSlice(vfio_region_info_cap_sparse_mmap.areas(s), i);
                    vfio_region_sparse_mmap_area.offset(area, r.sparse.get(i).offset());
                    vfio_region_sparse_mmap_area.size(area, r.sparse.get(i).size());
                }
                lastHeader = end;
                end += vfio_region_info_cap_sparse_mmap.sizeof() + r.sparse.size() * vfio_region_sparse_mmap_area.sizeof();
            }
            if (r.type != null) {
                if (lastHeader >= 0) vfio_info_cap_header.next(caps.asSlice(lastHeader), (int) (base + end));
                MemorySegment t = caps.asSlice(end);
                vfio_info_cap_header.id(vfio_region_info_cap_type.header(t), (short) VFIO_REGION_INFO_CAP_TYPE);
                vfio_info_cap_header.version(vfio_region_info_cap_type.header(t), (short) 1);
                vfio_region_info_cap_type.type(t, r.type.type());
                vfio_region_info_cap_type.subtype(t, r.type.subtype());
                end += vfio_region_info_cap_type.sizeof();
            }
            if (end > 0) {
                vfio_region_info.flags(reply, r.flags | VFIO_REGION_INFO_FLAG_CAPS);
                if (argsz < base + end) {
                    vfio_region_info.argsz(reply, (int) (base + end)); // "ask again with this much"
                } else {
                    MemorySegment.copy(caps, 0, reply, base, end);
                    vfio_region_info.cap_offset(reply, (int) base);
                }
            }
        }
        if (r.argszReply != null) vfio_region_info.argsz(reply, (int) r.argszReply.applyAsLong(argsz));
        return 0;
    }
}
