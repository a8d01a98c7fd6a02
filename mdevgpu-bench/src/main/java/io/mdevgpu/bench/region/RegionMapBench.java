package io.mdevgpu.bench.region;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import io.mdevgpu.bench.baseline.CBaseline;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Map and unmap a whole 64 MiB memfd-backed region: the library's path ({@code mmap} through the syscall layer,
 * the address seen as a segment, {@code munmap}) against one C function doing {@code mmap} + {@code munmap}. No
 * page is touched, so this is the cost of setting up and tearing down the mapping.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class RegionMapBench {
    static final long REGION_BYTES = 64L << 20;

    private LibraryRegion region;

    @Setup(Level.Trial)
    public void open() {
        region = Regions.filled("mdevgpu-bench-map", REGION_BYTES);
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
