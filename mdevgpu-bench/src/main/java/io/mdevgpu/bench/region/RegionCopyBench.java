package io.mdevgpu.bench.region;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import io.mdevgpu.bench.NativeBench;
import io.mdevgpu.bench.baseline.CBaseline;
import io.mdevgpu.kernel.testing.MemfdVfio;
import io.mdevgpu.kernel.vfio.VfioMapping;
import io.mdevgpu.kernel.vfio.VfioRegion;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Bulk copy of a whole 64 MiB VFIO region, mapped with {@link VfioRegion#map()}, out to native memory and back in:
 * the library's {@link VfioRegion#read(long, MemorySegment)} and {@link VfioRegion#write(long, MemorySegment)},
 * which go to the live mapping ({@code _mdevgpu}), against glibc {@code memcpy} on the same mapping and the same
 * buffer ({@code _c}). Every page of both is touched in setup, so no row pays page faults.
 */
public class RegionCopyBench extends NativeBench {
    /** Bytes copied per operation (the converter turns this into GB/s). */
    @Param("67108864")
    public long bytes;

    private MemfdVfio vfio;
    private VfioRegion region;
    private VfioMapping mapping;
    private Arena arena;
    private MemorySegment buffer;

    @Setup(Level.Trial)
    public void open() {
        vfio = Regions.device(bytes);
        region = vfio.device().region(Regions.MAPPED);
        mapping = Regions.mapFilled(region);
        arena = Arena.ofShared();
        buffer = arena.allocate(bytes, 4096); // zeroed, so touched
    }

    @TearDown(Level.Trial)
    public void close() {
        vfio.close(); // unmaps the mapping
        arena.close();
    }

    @Benchmark
    public void copyOut_mdevgpu() {
        region.read(0, buffer);
    }

    @Benchmark
    public void copyOut_c() {
        CBaseline.memcpy(buffer, mapping.segment(), bytes);
    }

    @Benchmark
    public void copyIn_mdevgpu() {
        region.write(0, buffer);
    }

    @Benchmark
    public void copyIn_c() {
        CBaseline.memcpy(mapping.segment(), buffer, bytes);
    }
}
