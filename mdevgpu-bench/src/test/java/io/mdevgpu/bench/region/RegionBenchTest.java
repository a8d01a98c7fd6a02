package io.mdevgpu.bench.region;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import io.mdevgpu.Errno;
import io.mdevgpu.bench.baseline.CBaseline;
import io.mdevgpu.kernel.testing.MemfdVfio;
import io.mdevgpu.kernel.vfio.VfioMapping;
import io.mdevgpu.kernel.vfio.VfioRegion;
import org.junit.jupiter.api.Test;

/** The VFIO rows against their C yardsticks: same device, same memory, same answer. */
class RegionBenchTest {
    private static final long MIB = 1 << 20;

    @Test
    void theDeviceHasAMappedAndAPreadOnlyRegionAndClosesEveryFd() {
        MemfdVfio vfio = Regions.device(MIB);
        VfioRegion mapped = vfio.device().region(Regions.MAPPED), pread = vfio.device().region(Regions.PREAD_ONLY);
        assertEquals(MIB, mapped.size());
        assertTrue(mapped.info().mappable());
        assertEquals(Regions.PREAD_BYTES, pread.size());
        assertTrue(!pread.info().mappable());
        assertEquals(MIB, pread.info().offset(), "right after the mapped region in the device fd");
        vfio.close();
        assertEquals(0, vfio.openFds());
    }

    @Test
    void readLoopsSumTheFillPatternAlike() {
        try (MemfdVfio vfio = Regions.device(MIB)) {
            VfioRegion region = vfio.device().region(Regions.MAPPED);
            VfioMapping mapping = Regions.mapFilled(region);
            for (long bytes : new long[] {8, 4096, MIB}) {
                long words = bytes / 8;
                long expected = words * (words - 1) / 2; // word i holds i
                assertEquals(expected, Regions.sumWords(mapping.segment(), bytes), "segment, " + bytes);
                assertEquals(expected, Regions.sumRead64(region, bytes), "read64, " + bytes);
                assertEquals(expected, CBaseline.readLoop(mapping.segment(), bytes), "c, " + bytes);
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
            assertEquals(bench.readLoop_mdevgpu(), bench.readLoop_read64());
            assertEquals(bench.readLoop_mdevgpu(), bench.readLoop_c());
        } finally {
            bench.close();
        }
    }

    @Test
    void regionCopiesMoveTheSameBytesAsMemcpyThroughTheMapping() {
        try (MemfdVfio vfio = Regions.device(MIB); Arena arena = Arena.ofConfined()) {
            VfioRegion region = vfio.device().region(Regions.MAPPED);
            VfioMapping mapping = Regions.mapFilled(region);
            MemorySegment viaRegion = arena.allocate(MIB), viaC = arena.allocate(MIB);
            region.read(0, viaRegion);
            CBaseline.memcpy(viaC, mapping.segment(), MIB);
            assertEquals(-1, viaRegion.mismatch(mapping.segment()));
            assertEquals(-1, viaC.mismatch(mapping.segment()));
            assertEquals(MIB / 8 - 1, viaRegion.getAtIndex(JAVA_LONG, MIB / 8 - 1));

            viaRegion.fill((byte) 0x5A);
            region.write(0, viaRegion);
            assertEquals(0x5A5A5A5A5A5A5A5AL, mapping.segment().get(JAVA_LONG, MIB - 8));
            viaC.fill((byte) 0x3C);
            CBaseline.memcpy(mapping.segment(), viaC, MIB);
            assertEquals(0x3C3C3C3C3C3C3C3CL, region.read64(MIB - 8), "region reads see C's writes");
        }
    }

    @Test
    void theCopyBenchmarkRowsRunOnTheirMapping() {
        RegionCopyBench bench = new RegionCopyBench();
        bench.bytes = MIB;
        bench.open();
        try {
            bench.copyOut_mdevgpu();
            bench.copyOut_c();
            bench.copyIn_mdevgpu();
            bench.copyIn_c();
        } finally {
            bench.close();
        }
    }

    @Test
    void mapAndUnmapWorkBothWaysAndCReportsErrno() {
        RegionMapBench bench = new RegionMapBench();
        bench.open();
        try (MemfdVfio vfio = Regions.device(MIB)) {
            assertNotEquals(0, bench.mapUnmap_mdevgpu());
            assertEquals(0, bench.mapUnmap_c());
            VfioRegion region = vfio.device().region(Regions.MAPPED);
            VfioMapping mapping = Regions.mapFilled(region);
            assertEquals(1, region.mappings().size());
            mapping.close();
            assertEquals(0, region.mappings().size(), "closing a mapping unmaps it from its region");
            assertEquals(-Errno.EBADF.number(), CBaseline.mapUnmap(-1, MIB));
        } finally {
            bench.close();
        }
    }

    @Test
    void preadRowsReadTheSameWordAndTheIoctlRowsAnswer() {
        VfioDeviceBench bench = new VfioDeviceBench();
        bench.open();
        try {
            assertEquals(1, bench.pread64_mdevgpu(), "word 1 of the pread-only region holds 1");
            assertEquals(1, bench.pread64_c());
            bench.offset = 4088;
            assertEquals(511, bench.pread64_mdevgpu());
            assertEquals(511, bench.pread64_c());
            bench.ioctlReset_mdevgpu();
            assertEquals(1, bench.ioctlIrqInfo_mdevgpu(), "one eventfd vector");
        } finally {
            bench.close();
        }
    }

    @Test
    void cBaselinesRefuseBuffersTooSmallAndReportErrno() {
        try (MemfdVfio vfio = Regions.device(MIB); Arena arena = Arena.ofConfined()) {
            VfioMapping mapping = vfio.device().region(Regions.MAPPED).map();
            MemorySegment small = arena.allocate(64);
            assertThrows(IndexOutOfBoundsException.class, () -> CBaseline.memcpy(small, mapping.segment(), MIB));
            assertThrows(IndexOutOfBoundsException.class, () -> CBaseline.readLoop(small, 128));
            assertThrows(IndexOutOfBoundsException.class, () -> CBaseline.preadOnce(vfio.fd(), small, 128, 0));
            assertEquals(-Errno.EBADF.number(), CBaseline.preadOnce(-1, small, 8, 0));
        }
    }
}
