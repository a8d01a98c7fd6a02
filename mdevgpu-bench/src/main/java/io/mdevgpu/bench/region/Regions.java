package io.mdevgpu.bench.region;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;

/** What the region benchmarks and their tests share: the fill pattern and the Java read loop. */
public final class Regions {
    /** The size of the benchmarks' region, as issue 6 asks: 64 MiB. */
    public static final long REGION_BYTES = 64L << 20;

    private Regions() {
    }

    /** A new memfd region whose word {@code i} holds {@code i}, every page touched (no faults while timing). */
    public static LibraryRegion filled(String name, long bytes) {
        LibraryRegion region = LibraryRegion.memfd(name, bytes);
        MemorySegment s = region.segment();
        for (long i = 0, words = bytes / 8; i < words; i++) {
            s.setAtIndex(JAVA_LONG, i, i);
        }
        return region;
    }

    /** The library-side 8-byte read loop: the sum of the first {@code bytes / 8} words, read in order. */
    public static long sumWords(MemorySegment segment, long bytes) {
        long sum = 0, end = bytes & ~7L;
        for (long offset = 0; offset < end; offset += 8) {
            sum += segment.get(JAVA_LONG, offset);
        }
        return sum;
    }
}
