package io.mdevgpu.kernel.sim;

import static io.mdevgpu.kernel.abi.vfio.VfioConstants.*;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mdevgpu.Errno;
import io.mdevgpu.MdevType;
import io.mdevgpu.Size;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.abi.vfio.VfioIoctls;
import io.mdevgpu.kernel.pci.PciDevice;
import io.mdevgpu.kernel.sys.ErrnoCapture;
import io.mdevgpu.kernel.vfio.Vfio;
import io.mdevgpu.kernel.vfio.VfioDevice;
import io.mdevgpu.kernel.vfio.VfioKernel;
import io.mdevgpu.kernel.vfio.VfioRegion;

/** What the simulated VFIO adds to the port's own tests: emulated config regions, memory lifetime, close. */
class SimVfioKernelTest {
    private static final String NAME = "b1b2c3d4-0000-4000-8000-000000000001";
    private static final int RW = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;

    /** Records each access the way a guest's CPU would make it. */
    private static final class RecordingSpace implements ConfigSpaceEmulator {
        final List<String> accesses = new ArrayList<>();
        final byte[] bytes = new byte[256];

        @Override
        public int size() {
            return bytes.length;
        }

        @Override
        public int read(int offset, int width) {
            accesses.add("r" + width + "@" + offset);
            int v = 0;
            for (int i = width - 1; i >= 0; i--) v = v << 8 | bytes[offset + i] & 0xFF;
            return v;
        }

        @Override
        public void write(int offset, int width, int value) {
            accesses.add("w" + width + "@" + offset);
            for (int i = 0; i < width; i++) bytes[offset + i] = (byte) (value >>> 8 * i);
        }
    }

    @Test
    void configAccessIsSplitIntoAlignedGuestAccessesAndEndsWithTheSpace() {
        SimVfioKernel kernel = new SimVfioKernel(Path.of("/sim/dev"));
        RecordingSpace space = new RecordingSpace();
        kernel.group(3).device(NAME).emulatedRegion(VFIO_PCI_CONFIG_REGION_INDEX, RW, 0x7000, space);
        try (VfioDevice dev = new Vfio(kernel).openDevice(3, NAME); Arena arena = Arena.ofConfined()) {
            VfioRegion config = dev.config();
            assertEquals(256, config.size());
            MemorySegment buf = arena.allocate(7);
            for (int i = 0; i < 7; i++) buf.set(ValueLayout.JAVA_BYTE, i, (byte) (0x10 + i));
            config.write(1, buf);
            assertEquals(List.of("w1@1", "w2@2", "w4@4"), space.accesses);
            space.accesses.clear();
            assertEquals(0x16151413, config.read32(4));
            assertEquals((short) 0x1211, config.read16(2));
            assertEquals(List.of("r4@4", "r2@2"), space.accesses);
            ErrnoCapture e = new ErrnoCapture(arena);
            MemorySegment tail = arena.allocate(16);
            int fd = deviceFd(kernel);
            assertEquals(8, kernel.pread(e, fd, tail, 16, 0x7000 + 248), "a read stops at the end of the space");
            assertEquals(-Errno.EINVAL.number(), kernel.pread(e, fd, tail, 4, 0x7000 + 256), "beyond the space");
            assertEquals(-Errno.EINVAL.number(), kernel.pread(e, fd, tail, 4, 0x1000), "no region at 0x1000");
            assertThrows(ValidationException.class, () -> config.map(0, 4096), "the port refuses before the kernel");
            assertEquals(-Errno.EINVAL.number(), kernel.mmap(e, fd, 4096, io.mdevgpu.kernel.sys.Syscalls.PROT_READ, 0x7000),
                    "and the kernel refuses an emulated region too");
        }
        assertEquals(0, kernel.openFds());
        kernel.close();
    }

    /** The fd of the one open device (the port keeps its own; the test asks the kernel by trying them). */
    private static int deviceFd(SimVfioKernel kernel) {
        try (Arena a = Arena.ofConfined()) {
            ErrnoCapture e = new ErrnoCapture(a);
            MemorySegment info = a.allocate(32);
            info.set(ValueLayout.JAVA_INT, 0, 24);
            for (int fd = 3; fd < 1 << 16; fd++) {
                if (kernel.ioctl(e, fd, VfioIoctls.VFIO_DEVICE_GET_INFO, info) == 0) return fd;
            }
        }
        throw new AssertionError("no open device");
    }

    @Test
    void aDevicesMemoryLivesWhileItIsOpenAndGroupsGoOnlyWhenClosed() {
        SimVfioKernel kernel = new SimVfioKernel(Path.of("/sim/dev"));
        kernel.group(4).device(NAME).region(0, RW | VFIO_REGION_INFO_FLAG_MMAP, 1 << 20, 0);
        try (VfioDevice a = new Vfio(kernel).openDevice(4, NAME)) {
            a.region(0).write32(16, 0xABCD);
            assertEquals(1, kernel.memfds());
            assertTrue(kernel.isDeviceOpen(NAME));
            assertThrows(IllegalStateException.class, () -> kernel.removeGroup(4));
        }
        assertEquals(0, kernel.memfds(), "released with the last fd");
        assertFalse(kernel.isDeviceOpen(NAME));
        try (VfioDevice b = new Vfio(kernel).openDevice(4, NAME)) {
            assertEquals(0, b.region(0).read32(16), "a fresh open starts from fresh memory");
        }
        kernel.removeGroup(4);
        assertTrue(kernel.findGroup(4).isEmpty());
        kernel.removeGroup(4); // nothing left to remove
    }

    @Test
    void closeReleasesWhatCallersLeftOpen() {
        SimVfioKernel kernel = new SimVfioKernel(Path.of("/sim/dev"));
        kernel.group(5).device(NAME).region(0, RW, 4096, 0).irq(VFIO_IRQ_INFO_EVENTFD, 1);
        VfioDevice dev = new Vfio(kernel).openDevice(5, NAME);
        dev.enableInterrupts(VFIO_PCI_INTX_IRQ_INDEX, 1);
        assertEquals(List.of(3, 1, 1), List.of(kernel.openFds(), kernel.boundEventfds(), kernel.memfds()));
        kernel.close();
        assertEquals(List.of(0, 0, 0), List.of(kernel.openFds(), kernel.boundEventfds(), kernel.memfds()));
        try (Arena a = Arena.ofConfined()) {
            assertEquals(-Errno.ENODEV.number(), kernel.open(new ErrnoCapture(a), VfioKernel.CONTAINER));
        }
        assertTrue(kernel.toString().startsWith("SimVfioKernel[/sim/dev/vfio/vfio, 1 groups, 0 open fds"), kernel.toString());
    }

    @Test
    void aPlainConfigSpaceHoldsTheGuestIdsReadOnly() {
        PciDevice physical = SimHosts.gpu(SimHosts.A100_0, SimHosts.A100_ID, 12, Size.gib(64));
        MdevType noIds = SimHosts.type(900, "plain", 1, 1024).toBuilder().guestPciId(null).build();
        PlainConfigSpace space = new PlainConfigSpace(physical, noIds);
        assertEquals(SimHosts.A100_ID.device(), space.read(2, 2), "no guest id: the physical GPU's");
        assertEquals(SimHosts.A100_ID.subsystemDevice(), space.read(0x2E, 2));
        space.write(0, 4, 0xFFFFFFFF);
        assertEquals(SimHosts.A100_ID.vendor() | SimHosts.A100_ID.device() << 16, space.read(0, 4));
        space.write(0x40, 4, 0x12345678);
        assertEquals(0x5678, space.read(0x40, 2));
        assertEquals(0x56, space.read(0x41, 1), "little-endian");
        for (int[] bad : new int[][] {{1, 2}, {0, 3}, {254, 4}, {-1, 1}, {256, 1}}) {
            assertThrows(ValidationException.class, () -> space.read(bad[0], bad[1]), bad[0] + "/" + bad[1]);
        }
        assertEquals("PlainConfigSpace[10de:20f1]", space.toString());
        ConfigSpaceEmulator fromFactory = GuestConfigFactory.PLAIN_FOR_TESTS.create(physical, SimHosts.ampere().getFirst());
        assertEquals(SimHosts.GUEST_ID.device(), fromFactory.read(2, 2));
    }
}
