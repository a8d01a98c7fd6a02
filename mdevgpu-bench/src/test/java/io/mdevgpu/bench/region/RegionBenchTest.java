package io.mdevgpu.bench.region;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import io.mdevgpu.Errno;
import io.mdevgpu.ValidationException;
import io.mdevgpu.bench.baseline.CBaseline;
import org.junit.jupiter.api.Test;

/** The region rows against their C yardsticks: same mapping, same answer; and the stand-in's bad inputs. */
class RegionBenchTest {
    private static final long MIB = 1 << 20;

    @Test
    void readLoopsSumTheFillPatternAlike() {
        try (LibraryRegion region = Regions.filled("test-read", MIB)) {
            for (long bytes : new long[] {8, 4096, MIB}) {
                long words = bytes / 8;
                long expected = words * (words - 1) / 2; // word i holds i
                assertEquals(expected, Regions.sumWords(region.segment(), bytes), "java, " + bytes);
                assertEquals(expected, CBaseline.readLoop(region.segment(), bytes), "c, " + bytes);
            }
        }
    }

    @Test
    void theReadBenchmarkRowsAgree() {
        RegionReadBench bench = new RegionReadBench();
        bench.bytes = 4096;
        bench.open();
        try {
            assertEquals(511L * 512 / 2, bench.readLoop_mdevgpu());
            assertEquals(bench.readLoop_mdevgpu(), bench.readLoop_c());
        } finally {
            bench.close();
        }
    }

    @Test
    void copiesOutAndInMoveTheSameBytesAsMemcpy() {
        try (LibraryRegion region = Regions.filled("test-copy", MIB); Arena arena = Arena.ofConfined()) {
            MemorySegment viaJava = arena.allocate(MIB), viaC = arena.allocate(MIB);
            MemorySegment.copy(region.segment(), 0, viaJava, 0, MIB);
            CBaseline.memcpy(viaC, region.segment(), MIB);
            assertEquals(-1, viaJava.mismatch(region.segment()));
            assertEquals(-1, viaC.mismatch(region.segment()));

            viaC.fill((byte) 0x5A);
            CBaseline.memcpy(region.segment(), viaC, MIB);
            assertEquals(0x5A5A5A5A5A5A5A5AL, region.segment().get(JAVA_LONG, MIB - 8));
        }
    }

    @Test
    void mapAndUnmapWorkBothWaysAndCReportsErrno() {
        try (LibraryRegion region = Regions.filled("test-map", MIB)) {
            MemorySegment again = region.map();
            assertEquals(MIB - 8, again.getAtIndex(JAVA_LONG, MIB / 8 - 1) * 8); // same file, same words
            region.unmap(again);
            assertEquals(0, CBaseline.mapUnmap(region.fd(), MIB));
            assertEquals(-Errno.EBADF.number(), CBaseline.mapUnmap(-1, MIB));
        }
    }

    @Test
    void badSizesAreRefusedWithTypedErrors() {
        ValidationException zero = assertThrows(ValidationException.class, () -> LibraryRegion.memfd("bad", 0));
        assertEquals("region size", zero.property());
        assertThrows(ValidationException.class, () -> LibraryRegion.memfd("bad", 12));
        assertThrows(ValidationException.class, () -> LibraryRegion.memfd("bad", -8));
        try (LibraryRegion region = LibraryRegion.memfd("test-bad", MIB); Arena arena = Arena.ofConfined()) {
            MemorySegment small = arena.allocate(64);
            ValidationException wrong = assertThrows(ValidationException.class, () -> region.unmap(small));
            assertTrue(wrong.getMessage().contains("mapping size"), wrong.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> CBaseline.memcpy(small, region.segment(), MIB));
            assertThrows(IndexOutOfBoundsException.class, () -> CBaseline.readLoop(small, 128));
        }
    }
}
