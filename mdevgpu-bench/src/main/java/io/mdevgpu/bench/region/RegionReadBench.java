package io.mdevgpu.bench.region;

import io.mdevgpu.bench.NativeBench;
import io.mdevgpu.bench.baseline.CBaseline;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * An 8-byte read loop over the start of a 64 MiB memfd-backed mapping, summing the words: straight on the
 * region's segment ({@code _mdevgpu}) against a C loop over the same mapping ({@code _c}). {@code bytes} = 4 KiB
 * stays in L1 and times the loop itself; 64 MiB streams from memory.
 */
public class RegionReadBench extends NativeBench {
    /** Bytes read per operation (the converter turns this into GB/s). */
    @Param({"4096", "67108864"})
    public long bytes;

    private LibraryRegion region;

    @Setup(Level.Trial)
    public void open() {
        region = Regions.filled("mdevgpu-bench-read", Regions.REGION_BYTES);
    }

    @TearDown(Level.Trial)
    public void close() {
        region.close();
    }

    @Benchmark
    public long readLoop_mdevgpu() {
        return Regions.sumWords(region.segment(), bytes);
    }

    @Benchmark
    public long readLoop_c() {
        return CBaseline.readLoop(region.segment(), bytes);
    }
}
