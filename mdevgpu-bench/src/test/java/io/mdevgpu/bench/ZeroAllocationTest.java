package io.mdevgpu.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;

import com.sun.management.ThreadMXBean;
import io.mdevgpu.bench.nvrm.RmCodecBench;
import io.mdevgpu.bench.pci.ConfigSpaceBench;
import io.mdevgpu.bench.region.RegionReadBench;
import io.mdevgpu.bench.region.VfioDeviceBench;
import org.junit.jupiter.api.Test;

/**
 * The rows whose goal is 0 B/op allocate nothing on this thread once compiled: a guard that the JMH figures
 * measure the library, not a regression. (The decode and irqInfo rows return new values: JMH reports theirs.)
 */
class ZeroAllocationTest {
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    /**
     * The fewest bytes this thread allocated over 50,000 calls, best of up to 30 rounds: the interpreter and the
     * first compiles allocate; once the row is compiled it must not (below 1 KiB: not one object per call).
     */
    private static long allocated(LongSupplier row) {
        long sink = 0, least = Long.MAX_VALUE;
        for (int round = 0; round < 30 && least >= 1024; round++) {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 50_000; i++) sink += row.getAsLong();
            least = Math.min(least, THREADS.getCurrentThreadAllocatedBytes() - before);
        }
        if (sink == 42) System.out.print(""); // keeps sink alive
        return least;
    }

    private static void assertNone(LongSupplier row, String what) {
        long bytes = allocated(row);
        assertTrue(bytes < 1024, what + ": " + bytes + " bytes in 50,000 calls at best");
    }

    @Test
    void configSpaceRowsAllocateNothing() {
        ConfigSpaceBench bench = new ConfigSpaceBench();
        bench.open();
        assertNone(bench::read32_mdevgpu, "read32_mdevgpu");
        assertNone(() -> { bench.write32_mdevgpu(); return 0; }, "write32_mdevgpu");
        assertNone(bench::barSizing_mdevgpu, "barSizing_mdevgpu");
    }

    @Test
    void rmEncodeRowsAllocateNothing() {
        RmCodecBench bench = new RmCodecBench();
        bench.family = "R580";
        bench.open();
        try {
            assertNone(() -> { bench.encodeConfigInfo_mdevgpu(); return 0; }, "encodeConfigInfo_mdevgpu");
            assertNone(bench::allocEncode_mdevgpu, "allocEncode_mdevgpu");
        } finally {
            bench.close();
        }
    }

    @Test
    void vfioHandleRowsAllocateNothing() {
        VfioDeviceBench device = new VfioDeviceBench();
        device.open();
        try {
            assertNone(device::pread64_mdevgpu, "pread64_mdevgpu");
            assertNone(() -> { device.ioctlReset_mdevgpu(); return 0; }, "ioctlReset_mdevgpu");
        } finally {
            device.close();
        }
        RegionReadBench read = new RegionReadBench();
        read.bytes = 4096;
        read.open();
        try {
            assertNone(read::readLoop_read64, "readLoop_read64");
            assertNone(read::readLoop_mdevgpu, "readLoop_mdevgpu");
        } finally {
            read.close();
        }
    }
}
