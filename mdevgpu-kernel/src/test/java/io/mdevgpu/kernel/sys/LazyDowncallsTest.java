package io.mdevgpu.kernel.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import io.mdevgpu.kernel.testing.TestJvm;
import org.junit.jupiter.api.Test;

/**
 * Each downcall handle is linked at its own first call, not with the others: in a JVM of its own, one {@code close}
 * initialises the holder of {@code close} and of no other call (linking all sixteen cost a cold process on a GPU host
 * about 100 ms; each spins the JDK's method handles for its shape).
 */
class LazyDowncallsTest {
    private static final List<String> HOLDERS = List.of("Open", "Close", "Read", "Write", "Pread", "Pwrite", "IoctlPtr",
            "IoctlLong", "Mmap", "Munmap", "Eventfd", "MemfdCreate", "Ftruncate", "Fsync", "Poll", "Pipe2");

    /** Closes fd -1 (EBADF: nothing to close) through the raw call, and prints its result. */
    public static final class CloseOnce {
        public static void main(String[] args) {
            try (var arena = java.lang.foreign.Arena.ofConfined()) {
                System.out.println("close(-1): " + Syscalls.close(new ErrnoCapture(arena), -1));
            }
        }
    }

    @Test
    void oneCallLinksOneHandle() {
        TestJvm.Result run = TestJvm.run(CloseOnce.class, List.of("-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED", "-Xlog:class+init=info"), 60);
        String out = run.output();
        assertEquals(0, run.exitCode(), out);
        assertTrue(out.contains("close(-1): -1"), out);
        for (String holder : HOLDERS) {
            boolean initialised = out.contains("'io/mdevgpu/kernel/sys/Syscalls$Downcalls$" + holder + "'");
            if (holder.equals("Close")) assertTrue(initialised, "the holder of close is initialised\n" + out);
            else assertFalse(initialised, holder + "'s handle is linked too");
        }
    }
}
