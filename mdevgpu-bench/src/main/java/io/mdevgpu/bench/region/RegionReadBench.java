package io.mdevgpu.bench.region;

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
 * An 8-byte read loop over the start of a 64 MiB VFIO region mapped with {@link VfioRegion#map()}, summing the
 * words: on the mapping's segment ({@code _mdevgpu}, zero-copy: what {@code VfioMapping.segment()} hands out), through
 * {@link VfioRegion#read64} for every word ({@code _read64}, which finds the live mapping each time), and a C loop
 * over the same mapping ({@code _c}). {@code bytes} = 4 KiB stays in L1 and times the loop itself; 64 MiB streams
 * from memory.
 */
public class RegionReadBench extends NativeBench {
    /** Bytes read per operation (the converter turns this into GB/s). */
    @Param({"4096", "67108864"})
    public long bytes;

    private MemfdVfio vfio;
    private VfioRegion region;
    private VfioMapping mapping;

    @Setup(Level.Trial)
    public void open() {
        vfio = Regions.device(Regions.REGION_BYTES);
        region = vfio.device().region(Regions.MAPPED);
        mapping = Regions.mapFilled(region);
    }

    @TearDown(Level.Trial)
    public void close() {
        vfio.close();
    }

    @Benchmark
    public long readLoop_mdevgpu() {
        return Regions.sumWords(mapping.segment(), bytes);
    }

    @Benchmark
    public long readLoop_read64() {
        return Regions.sumRead64(region, bytes);
    }

    @Benchmark
    public long readLoop_c() {
        return CBaseline.readLoop(mapping.segment(), bytes);
    }
}
