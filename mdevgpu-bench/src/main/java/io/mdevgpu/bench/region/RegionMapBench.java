package io.mdevgpu.bench.region;

import java.lang.foreign.MemorySegment;

import io.mdevgpu.bench.NativeBench;
import io.mdevgpu.bench.baseline.CBaseline;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Map and unmap a whole 64 MiB memfd-backed region: the library's path ({@code mmap} through the syscall layer,
 * the address seen as a segment, {@code munmap}) against one C function doing {@code mmap} + {@code munmap}. No
 * page is touched, so this is the cost of setting up and tearing down the mapping.
 */
public class RegionMapBench extends NativeBench {
    private LibraryRegion region;

    @Setup(Level.Trial)
    public void open() {
        region = Regions.filled("mdevgpu-bench-map", Regions.REGION_BYTES);
    }

    @TearDown(Level.Trial)
    public void close() {
        region.close();
    }

    @Benchmark
    public long mapUnmap_mdevgpu() {
        MemorySegment mapping = region.map();
        region.unmap(mapping);
        return mapping.address();
    }

    @Benchmark
    public int mapUnmap_c() {
        return CBaseline.mapUnmap(region.fd(), region.byteSize());
    }
}
