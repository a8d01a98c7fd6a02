package io.mdevgpu.core.host;

import static io.mdevgpu.core.host.SimHosts.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import io.mdevgpu.MappedRegion;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.Region;
import io.mdevgpu.VfioDevice;
import io.mdevgpu.kernel.testing.TestJvm;
import org.junit.jupiter.api.Test;

/**
 * A thousand create, open, map, read, close, remove cycles on the simulated host, measuring the process itself:
 * open fds ({@code /proc/self/fd}), mappings ({@code /proc/self/maps} lines) and native memory the JDK accounts for
 * (the {@code direct} buffer pool, which counts every {@code Arena} allocation and direct buffer). All three must
 * be flat: what one cycle takes, the cycle gives back; and the same cycles in a JVM of their own under Native
 * Memory Tracking ({@link NativeMemorySoak}), whose report must stay flat too. About 5 s each in CI.
 */
class SoakTest {
    static final int CYCLES = 1000;
    static final int WARM_UP = 50;
    /** The JIT and the GC map and unmap code heap and card table pages of their own; a leak grows with the cycles. */
    static final int MAPS_SLACK = 16;

    record Sample(int cycle, long fds, long maps, long directBytes) {
    }

    static long lines(Path p) {
        try {
            return Files.readAllLines(p).size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long fds() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Bytes in the JDK's {@code direct} buffer pool. Reflective: the tests compile inside the core's module, which does
     * not read {@code java.management}; they run on the class path, which does.
     */
    static long direct() {
        try {
            Class<?> bean = Class.forName("java.lang.management.BufferPoolMXBean");
            List<?> pools = (List<?>) Class.forName("java.lang.management.ManagementFactory")
                    .getMethod("getPlatformMXBeans", Class.class).invoke(null, bean);
            long used = 0;
            for (Object pool : pools) {
                if ("direct".equals(bean.getMethod("getName").invoke(pool))) {
                    used += (long) bean.getMethod("getMemoryUsed").invoke(pool);
                }
            }
            return used;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("the direct buffer pool cannot be read", e);
        }
    }

    static Sample measure(int cycle) {
        return new Sample(cycle, fds(), lines(Path.of("/proc/self/maps")), direct());
    }

    static void cycle(EngineHost host, int i) {
        MdevInstance vgpu = host.gpu("0000:65:00.0").create("nvidia-531", new UUID(0x50A6L, i));
        try (VfioDevice dev = vgpu.open()) {
            Region bar1 = dev.region(1);
            try (MappedRegion m = bar1.map()) {
                m.segment().set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 64, i);
                assertEquals(i, (int) bar1.read(64, 4));
            }
            assertEquals(0x10de, dev.region(7).read(0, 2));
        }
        vgpu.remove();
    }

    @Test
    void aThousandCyclesLeaveFdsMappingsAndNativeMemoryFlat() {
        try (EngineHost host = open("default")) {
            host.plan(sample("open-vampere")).apply();
            for (int i = 0; i < WARM_UP; i++) cycle(host, i);
            System.gc();
            List<Sample> samples = new ArrayList<>();
            samples.add(measure(0));
            for (int i = 1; i <= CYCLES; i++) {
                cycle(host, WARM_UP + i);
                if (i % 250 == 0) {
                    assertTrue(sim(host).leaks().isClean(), "cycle " + i + ": " + sim(host).leaks());
                    samples.add(measure(i));
                }
            }
            Sample first = samples.getFirst(), last = samples.getLast();
            System.out.println("soak: " + CYCLES + " cycles, " + samples);
            for (Sample s : samples) {
                assertEquals(first.fds(), s.fds(), "open fds at cycle " + s.cycle() + ": " + samples);
                assertEquals(first.directBytes(), s.directBytes(), "native bytes at cycle " + s.cycle() + ": " + samples);
                assertTrue(s.maps() <= first.maps() + MAPS_SLACK, "mappings at cycle " + s.cycle() + ": " + samples);
            }
            assertEquals(List.of(), host.instances());
            assertTrue(last.cycle() == CYCLES);
        }
    }

    /**
     * What NMT's {@code Other} may move between samples without a leak. Its total and its malloc sum are printed, not
     * asserted: the heap, the JIT's code and compiler arenas and the GC move them by megabytes either way; the
     * library's mappings are not NMT's (mmap of a device fd) but {@code /proc/self/maps}', checked above.
     */
    static final long NMT_OTHER_SLACK_KB = 8;

    @Test
    void aThousandCyclesLeaveNativeMemoryFlatAsNmtCountsIt() throws Exception {
        TestJvm.Result run = TestJvm.run(NativeMemorySoak.class, List.of("-XX:NativeMemoryTracking=summary",
                "--enable-native-access=ALL-UNNAMED", "-Xshare:off", "-Dmdevgpu.repo=" + System.getProperty("mdevgpu.repo", ".."),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"), 300);
        String out = run.output();
        assertEquals(0, run.exitCode(), out);
        List<long[]> samples = out.lines().filter(l -> l.startsWith("nmt ")).map(l -> java.util.Arrays.stream(l.substring(4)
                .split(" ")).mapToLong(Long::parseLong).toArray()).toList();
        assertEquals(CYCLES / 250 + 1, samples.size(), out);
        System.out.println("soak under NMT (cycle, total committed KB, Other committed KB, malloc KB): "
                + samples.stream().map(java.util.Arrays::toString).toList());
        long[] first = samples.getFirst();
        for (long[] s : samples) {
            // Other is where Unsafe, and so every Arena, allocates: it may hold what a cycle has in flight when sampled
            // (one page), never more: a leak of 140 bytes a cycle (the simulator's, found here) adds 35 KB a sample
            assertTrue(s[2] <= first[2] + NMT_OTHER_SLACK_KB, "NMT Other (native memory of arenas) at cycle " + s[0] + ": " + out);
        }
    }
}
