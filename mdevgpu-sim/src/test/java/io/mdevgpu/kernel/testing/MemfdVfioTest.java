package io.mdevgpu.kernel.testing;

import java.nio.file.Path;
import static io.mdevgpu.kernel.abi.vfio.VfioConstants.VFIO_IRQ_INFO_EVENTFD;
import static io.mdevgpu.kernel.abi.vfio.VfioConstants.VFIO_REGION_INFO_FLAG_MMAP;
import static io.mdevgpu.kernel.abi.vfio.VfioConstants.VFIO_REGION_INFO_FLAG_READ;
import static io.mdevgpu.kernel.abi.vfio.VfioConstants.VFIO_REGION_INFO_FLAG_WRITE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import io.mdevgpu.NoSuchDeviceException;
import io.mdevgpu.kernel.sys.ErrnoCapture;
import io.mdevgpu.kernel.sys.Syscalls;
import io.mdevgpu.sim.SimVfioKernel;
import io.mdevgpu.kernel.vfio.Vfio;
import io.mdevgpu.kernel.vfio.VfioMapping;
import io.mdevgpu.kernel.vfio.VfioRegion;
import org.junit.jupiter.api.Test;

/** The door other modules use to the fake: a real memfd behind the device, the same memory every way. */
class MemfdVfioTest {
    private static final int RW = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;

    @Test
    void mappingPreadAndTheDeviceFdSeeTheSameMemory() {
        MemfdVfio vfio = MemfdVfio.device(3, "dev").region(0, RW | VFIO_REGION_INFO_FLAG_MMAP, 0x10000, 0)
                .region(1, RW, 0x1000, 0x10000).irq(VFIO_IRQ_INFO_EVENTFD, 2).open();
        try (Arena arena = Arena.ofConfined()) {
            VfioRegion bar = vfio.device().region(0), small = vfio.device().region(1);
            assertTrue(bar.info().mappable());
            assertEquals(2, vfio.device().irqInfo(0).count());
            try (VfioMapping m = bar.map()) {
                m.segment().set(JAVA_LONG, 0x100, 0x1234_5678_9abc_def0L);
            }
            small.write64(8, 42);
            // the device fd is the memfd: pread it directly at the regions' offsets
            MemorySegment word = arena.allocate(JAVA_LONG);
            ErrnoCapture errno = new ErrnoCapture(arena);
            assertEquals(8, Syscalls.pread(errno, vfio.fd(), word, 8, 0x100));
            assertEquals(0x1234_5678_9abc_def0L, word.get(JAVA_LONG, 0));
            assertEquals(8, Syscalls.pread(errno, vfio.fd(), word, 8, 0x10008));
            assertEquals(42, word.get(JAVA_LONG, 0));
        } finally {
            vfio.close();
        }
        assertEquals(0, vfio.openFds(), "device, group and container closed");
    }

    @Test
    void anUnknownDeviceIsRefused() {
        assertThrows(NoSuchDeviceException.class, () -> new Vfio(new SimVfioKernel(Path.of("/dev"))).openDevice(3, "absent"));
        SimVfioKernel kernel = new SimVfioKernel(Path.of("/dev"));
        kernel.group(3).device("dev");
        assertThrows(IllegalStateException.class, () -> kernel.deviceFd("dev"), "not open yet");
    }
}
