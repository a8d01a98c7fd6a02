package io.mdevgpu.bench.ioctl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mdevgpu.Errno;
import io.mdevgpu.kernel.sys.Ioctl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The rows of a group must do the same work and see the same answer, or their ratio means nothing. */
class IoctlBenchTest {
    private final IoctlBench bench = new IoctlBench();
    private final int enotty = Errno.ENOTTY.number();

    @BeforeEach
    void open() {
        bench.open();
    }

    @AfterEach
    void close() {
        bench.close();
    }

    @Test
    void fionreadRowsAllSucceed() {
        // FIONREAD returns 0 and stores the count in the argument; the loops sum the returns
        assertEquals(0, bench.fionreadCall_mdevgpu());
        assertEquals(0, bench.fionreadCall_c());
        assertEquals(0, bench.fionreadCall_jna());
        assertEquals(0, bench.fionreadLoop_mdevgpu());
        assertEquals(0, bench.fionreadLoop_c());
        assertEquals(0, bench.fionreadLoop_jna());
        assertEquals(0, bench.fionreadLoop_critical());
    }

    @Test
    void fionreadReportsTheQueuedBytesThroughEveryPath() {
        for (Runnable call : new Runnable[] {bench::fionreadCall_mdevgpu, bench::fionreadCall_c, bench::fionreadCall_jna}) {
            bench.count.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, -1);
            call.run();
            assertEquals(IoctlBench.QUEUED, bench.count.get(java.lang.foreign.ValueLayout.JAVA_INT, 0));
        }
    }

    @Test
    void theVfioShapedRequestFailsWithEnottyOnEveryPath() {
        assertEquals(-enotty, bench.enottyCall_mdevgpu());
        assertEquals(-enotty, bench.enottyCall_c());
        assertEquals(-enotty, bench.enottyCall_jna());
        assertEquals(-(long) enotty * IoctlBench.LOOP, bench.enottyLoop_mdevgpu());
        assertEquals(-(long) enotty * IoctlBench.LOOP, bench.enottyLoop_c());
        assertEquals(-(long) enotty * IoctlBench.LOOP, bench.enottyLoop_jna());
    }

    @Test
    void theVfioShapedRequestIsWhatTheBriefSays() {
        int request = (int) IoctlBench.VFIO_SHAPED;
        assertEquals(Ioctl.READ | Ioctl.WRITE, Ioctl.direction(request));
        assertEquals(';', Ioctl.type(request));
        assertEquals(108, Ioctl.nr(request));
        assertEquals(32, Ioctl.size(request));
        assertEquals(0xC0203B6CL, IoctlBench.VFIO_SHAPED); // _IOWR(';', 108, 32) by hand: 3<<30 | 32<<16 | 0x3B<<8 | 0x6C
    }
}
