package io.mdevgpu.realkernel;

import io.mdevgpu.kernel.vfio.VfioDevice;
import io.mdevgpu.kernel.vfio.VfioMapping;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static io.mdevgpu.realkernel.Library.BUS;
import static io.mdevgpu.realkernel.Library.available;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(GuestVm.class)
class MdevLeakTest {
    private static final int WARM_UP = 10, CYCLES = 100;
    /** Allowed growth of the mapping count, for the JVM's own work (heap, code cache); a leak per cycle exceeds it. */
    private static final long MAPPING_SLACK = 8;

    @Test
    @DisplayName("15. 100 cycles of create, open, map, read, close, remove with no growth in fds, mappings or native memory")
    void hundredCyclesLeakNoFdsMappingsOrNativeMemory() throws IOException {
        long available = available("mbochs", "mbochs-small");
        long checksum = 0;
        for (int i = 0; i < WARM_UP; i++) checksum += cycle(i);
        System.gc();
        Usage before = Usage.now();
        for (int i = 0; i < CYCLES; i++) checksum += cycle(i);
        System.gc();
        Usage after = Usage.now();
        System.out.println("  leak check over " + CYCLES + " cycles: before " + before + ", after " + after);

        assertEquals(before.fds(), after.fds(), "open fds");
        assertEquals(0, after.vfioMappings(), "vfio mappings in /proc/self/maps");
        assertTrue(after.mappings() - before.mappings() <= MAPPING_SLACK,
                "mappings in /proc/self/maps grew by " + (after.mappings() - before.mappings()));
        assertEquals(before.arenaBytes(), after.arenaBytes(), "native memory held by arenas");
        assertEquals(available, available("mbochs", "mbochs-small"), "every instance removed");
        assertEquals(0, BUS.instances().size());
        assertEquals(WARM_UP * (WARM_UP - 1) / 2 + CYCLES * (CYCLES - 1) / 2, checksum, "every cycle read back its own value");
    }

    /** One cycle; returns the value it wrote through the mapping and read back. */
    private static long cycle(int i) {
        UUID uuid = Library.create("mbochs", "mbochs-small");
        long value;
        try (VfioDevice device = Library.open(uuid)) {
            try (VfioMapping mapping = device.region(0).map(0, 64 * 1024)) {
                mapping.segment().set(JAVA_LONG, 8 * 1024, i);
                value = mapping.segment().get(JAVA_LONG, 8 * 1024);
            }
        }
        assertTrue(BUS.remove(uuid));
        return value;
    }

    /**
     * What the process holds: open fds, mappings (all, and those of VFIO devices), and native memory from
     * arenas (the JDK accounts every {@code Arena} allocation in the "direct" buffer pool, next to direct
     * buffers; malloc's own totals move by megabytes with the JIT and cannot show a small leak).
     */
    private record Usage(long fds, long mappings, long vfioMappings, long arenaBytes) {
        static Usage now() throws IOException {
            long arenaBytes = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                    .filter(pool -> pool.getName().equals("direct")).findFirst().orElseThrow().getMemoryUsed();
            try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
                List<String> maps = Files.readAllLines(Path.of("/proc/self/maps"));
                return new Usage(fds.count(), maps.size(), maps.stream().filter(l -> l.contains("vfio")).count(), arenaBytes);
            }
        }
    }
}
