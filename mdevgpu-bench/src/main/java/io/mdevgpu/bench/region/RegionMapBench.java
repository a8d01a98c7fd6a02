package io.mdevgpu.bench.region;

import java.lang.foreign.Arena;

import io.mdevgpu.bench.NativeBench;
import io.mdevgpu.bench.baseline.CBaseline;
import io.mdevgpu.kernel.testing.MemfdVfio;
import io.mdevgpu.kernel.vfio.VfioMapping;
import io.mdevgpu.kernel.vfio.VfioRegion;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Map and unmap a whole 64 MiB VFIO region: the library's {@link VfioRegion#map()} and {@link VfioMapping#close()}
 * ({@code mmap} through the port, the mapping's own shared arena whose cleanup is {@code munmap}) against one C
 * function doing {@code mmap} + {@code munmap} of the same device fd ({@code _c}). No page is touched, so this is
 * the cost of setting up and tearing down the mapping. {@code _sharedArena} opens and closes an empty shared
 * {@link Arena}, nothing else: the share of the library's row that its mapping's arena costs (closing a shared arena
 * is a handshake with every thread of the JVM). {@code _confinedArena} maps into a confined arena of the caller's
 * ({@link VfioRegion#map(long, long, Arena)}), the way issue 15 asks to bring map + unmap near C.
 */
public class RegionMapBench extends NativeBench {
    private MemfdVfio vfio;
    private VfioRegion region;

    @Setup(Level.Trial)
    public void open() {
        vfio = Regions.device(Regions.REGION_BYTES);
        region = vfio.device().region(Regions.MAPPED);
    }

    @TearDown(Level.Trial)
    public void close() {
        vfio.close();
    }

    @Benchmark
    public long mapUnmap_mdevgpu() {
        VfioMapping mapping = region.map();
        mapping.close();
        return mapping.address();
    }

    /** The same mapping in the caller's confined arena ({@link VfioRegion#map(long, long, Arena)}): no handshake. */
    @Benchmark
    public long mapUnmap_confinedArena() {
        try (Arena arena = Arena.ofConfined()) {
            return region.map(0, region.size(), arena).address();
        }
    }

    @Benchmark
    public void mapUnmap_sharedArena() {
        Arena.ofShared().close();
    }

    @Benchmark
    public int mapUnmap_c() {
        return CBaseline.mapUnmap(vfio.fd(), region.size());
    }
}
