package io.mdevgpu.bench.region;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import io.mdevgpu.bench.NativeBench;
import io.mdevgpu.bench.baseline.CBaseline;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Bulk copy of a whole 64 MiB memfd-backed mapping out to native memory and back in: the library's
 * {@link MemorySegment#copy} on the region's segment ({@code _mdevgpu}) against glibc {@code memcpy} on the same
 * mapping and the same buffer ({@code _c}). Every page of both is touched in setup, so no row pays page faults.
 */
public class RegionCopyBench extends NativeBench {
    /** Bytes copied per operation (the converter turns this into GB/s). */
    @Param("67108864")
    public long bytes;

    private LibraryRegion region;
    private Arena arena;
    private MemorySegment buffer;

    @Setup(Level.Trial)
    public void open() {
        region = Regions.filled("mdevgpu-bench-copy", bytes);
        arena = Arena.ofShared();
        buffer = arena.allocate(bytes, 4096); // zeroed, so touched
    }

    @TearDown(Level.Trial)
    public void close() {
        region.close();
        arena.close();
    }

    @Benchmark
    public void copyOut_mdevgpu() {
        MemorySegment.copy(region.segment(), 0, buffer, 0, bytes);
    }

    @Benchmark
    public void copyOut_c() {
        CBaseline.memcpy(buffer, region.segment(), bytes);
    }

    @Benchmark
    public void copyIn_mdevgpu() {
        MemorySegment.copy(buffer, 0, region.segment(), 0, bytes);
    }

    @Benchmark
    public void copyIn_c() {
        CBaseline.memcpy(region.segment(), buffer, bytes);
    }
}
