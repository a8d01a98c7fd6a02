package io.mdevgpu.bench.region;

import static io.mdevgpu.kernel.abi.vfio.VfioConstants.VFIO_IRQ_INFO_EVENTFD;
import static io.mdevgpu.kernel.abi.vfio.VfioConstants.VFIO_REGION_INFO_FLAG_MMAP;
import static io.mdevgpu.kernel.abi.vfio.VfioConstants.VFIO_REGION_INFO_FLAG_READ;
import static io.mdevgpu.kernel.abi.vfio.VfioConstants.VFIO_REGION_INFO_FLAG_WRITE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;

import io.mdevgpu.kernel.testing.MemfdVfio;
import io.mdevgpu.kernel.vfio.VfioMapping;
import io.mdevgpu.kernel.vfio.VfioRegion;

/**
 * What the VFIO benchmarks and their tests share: the memfd-backed device, the fill pattern and the Java read
 * loops.
 *
 * <p>The device is opened through the library's VFIO port ({@code Vfio}: container, group, device) on a memfd-backed
 * {@code VfioKernel}, the kernel tests' fake ({@link MemfdVfio}), as there is no {@code /dev/vfio} here: region
 * info, {@code mmap}, {@code pread} and {@code pwrite} are the library's own code down to real system calls on the
 * memfd; only the container, group and device ioctls are answered in Java.
 */
public final class Regions {
    /** The size of the benchmarks' mapped region, as issue 6 asks: 64 MiB. */
    public static final long REGION_BYTES = 64L << 20;
    /** Region 0: a BAR with mmap support, at device-fd offset 0. */
    public static final int MAPPED = 0;
    /** Region 1: 4 KiB without mmap support, right after region 0: read with pread, as mtty's regions are. */
    public static final int PREAD_ONLY = 1;
    static final long PREAD_BYTES = 4096;
    /** The device's name in its IOMMU group: an mdev UUID. */
    static final String DEVICE = "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001";
    static final int GROUP = 12;
    private static final int RW = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;

    private Regions() {
    }

    /**
     * A device whose region {@link #MAPPED} has {@code bytes} bytes (a multiple of the page size) and region
     * {@link #PREAD_ONLY} 4 KiB, with one eventfd IRQ; word {@code i} of region {@link #PREAD_ONLY} holds {@code i},
     * written with pwrite through the port.
     */
    public static MemfdVfio device(long bytes) {
        MemfdVfio vfio = MemfdVfio.device(GROUP, DEVICE)
                .region(MAPPED, RW | VFIO_REGION_INFO_FLAG_MMAP, bytes, 0)
                .region(PREAD_ONLY, RW, PREAD_BYTES, bytes)
                .irq(VFIO_IRQ_INFO_EVENTFD, 1)
                .open();
        try {
            VfioRegion pread = vfio.device().region(PREAD_ONLY);
            for (long i = 0; i < PREAD_BYTES / 8; i++) {
                pread.write64(i * 8, i);
            }
            return vfio;
        } catch (RuntimeException e) {
            vfio.close();
            throw e;
        }
    }

    /** Maps the whole of {@code region} through {@link VfioRegion#map()} and {@link #fill}s it. */
    public static VfioMapping mapFilled(VfioRegion region) {
        VfioMapping mapping = region.map();
        fill(mapping.segment());
        return mapping;
    }

    /** Writes {@code i} into word {@code i} of {@code segment}, which touches every page: no faults while timing. */
    public static void fill(MemorySegment segment) {
        for (long i = 0, words = segment.byteSize() / 8; i < words; i++) {
            segment.setAtIndex(JAVA_LONG, i, i);
        }
    }

    /** The library-side 8-byte read loop on a mapping's segment: the sum of the first {@code bytes / 8} words. */
    public static long sumWords(MemorySegment segment, long bytes) {
        long sum = 0, end = bytes & ~7L;
        for (long offset = 0; offset < end; offset += 8) {
            sum += segment.get(JAVA_LONG, offset);
        }
        return sum;
    }

    /** The same loop through {@link VfioRegion#read64}, which finds the live mapping for every access. */
    public static long sumRead64(VfioRegion region, long bytes) {
        long sum = 0, end = bytes & ~7L;
        for (long offset = 0; offset < end; offset += 8) {
            sum += region.read64(offset);
        }
        return sum;
    }
}
