package io.mdevgpu.sim;

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
import io.mdevgpu.InvalidArgumentException;
import io.mdevgpu.MdevType;
import io.mdevgpu.Size;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.pci.PciDevice;
import io.mdevgpu.kernel.sys.ErrnoCapture;
import io.mdevgpu.kernel.vfio.Vfio;
import io.mdevgpu.kernel.vfio.VfioDevice;
import io.mdevgpu.kernel.vfio.VfioInterrupts;
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
            int fd = RawVfio.deviceFd(kernel);
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

    // ---- interrupts as the real kernel answers them (harness/README.md) ----

    private static final int INTX = VFIO_PCI_INTX_IRQ_INDEX, MSI = VFIO_PCI_MSI_IRQ_INDEX;
    private static final int EINVAL = -Errno.EINVAL.number(), ENOTTY = -Errno.ENOTTY.number();

    /** INTx as mtty and vfio-pci report it (K12), and MSI with two vectors. */
    private static SimVfioKernel intxAndMsi() {
        SimVfioKernel kernel = new SimVfioKernel(Path.of("/sim/dev"));
        kernel.group(6).device(NAME).region(0, RW, 4096, 0)
                .irq(VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED, 1)
                .irq(VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE, 2);
        return kernel;
    }

    @Test
    void k11IrqRequestsAreEinvalUntilGetInfoWasAskedAndTheAnswerOutlivesTheFd() {
        SimVfioKernel kernel = intxAndMsi();
        try (RawVfio raw = RawVfio.open(kernel, 6, NAME)) {
            assertEquals(EINVAL, raw.irqInfo(INTX));
            assertEquals(EINVAL, raw.setIrqs(VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, INTX, 0, 1));
            assertEquals(0, raw.deviceInfo());
            assertEquals(0, raw.irqInfo(INTX));
            assertEquals(0, raw.irqInfo(MSI));
            assertEquals(EINVAL, raw.irqInfo(2), "an index the device does not report");
        }
        try (RawVfio again = RawVfio.open(kernel, 6, NAME)) {
            assertEquals(0, again.irqInfo(INTX), "the driver still knows the count it reported");
        }
        kernel.close();
    }

    @Test
    void k14k15TheDisableIsCountZeroAndALoopbackIsDataNoneWithACountOrDataBool() {
        SimVfioKernel kernel = intxAndMsi();
        try (VfioDevice dev = new Vfio(kernel).openDevice(6, NAME); RawVfio raw = RawVfio.on(kernel, RawVfio.deviceFd(kernel))) {
            int disable = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER;
            assertEquals(EINVAL, raw.setIrqs(disable, MSI, 0, 0), "K14: nothing to disable");
            try (VfioInterrupts msi = dev.enableInterrupts(MSI, 2)) {
                assertEquals(0, raw.setIrqs(VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, MSI, 1, 1));
                assertEquals(List.of(0L, 1L), List.of(msi.take(0), msi.take(1)), "K14: DATA_NONE with a count signals");
                assertEquals(0, raw.setIrqs(VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER, MSI, 0, 2, (byte) 1, (byte) 0));
                assertEquals(List.of(1L, 0L), List.of(msi.take(0), msi.take(1)), "K15: each true byte signals");
                assertEquals(EINVAL, raw.setIrqs(VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER, MSI, 0, 2, (byte) 1),
                        "fewer bytes than the count");
                assertEquals(EINVAL, raw.setIrqs(VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, MSI, 1, 2),
                        "beyond the vectors");
                assertEquals(EINVAL, raw.setIrqs(VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_DATA_BOOL
                        | VFIO_IRQ_SET_ACTION_TRIGGER, MSI, 0, 1, (byte) 1), "two data types");
            }
            assertEquals(List.of("MSI DATA_NONE|ACTION_TRIGGER start 0 count 0"), kernel.irqSets().subList(
                    kernel.irqSets().size() - 1, kernel.irqSets().size()), "the port's close sends the disable");
            assertTrue(kernel.group(6).device(NAME).eventfds(MSI).isEmpty());
            assertEquals(EINVAL, raw.setIrqs(VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, MSI, 0, 1),
                    "no loopback on a disabled index");
        }
        kernel.close();
    }

    @Test
    void k16AnAutomaskedIntxSignalsOnceUntilUnmaskedAndMsiIsNotMaskable() {
        SimVfioKernel kernel = intxAndMsi();
        SimVfioKernel.Device device = kernel.group(6).device(NAME);
        try (VfioDevice dev = new Vfio(kernel).openDevice(6, NAME); RawVfio raw = RawVfio.on(kernel, RawVfio.deviceFd(kernel))) {
            int unmask = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK;
            assertEquals(EINVAL, raw.setIrqs(unmask, INTX, 0, 1), "nothing enabled to unmask");
            try (VfioInterrupts intx = dev.enableInterrupts(INTX, 1)) {
                device.fire(INTX, 0);
                device.fire(INTX, 0);
                assertEquals(1, intx.take(0), "the device's second interrupt is held back");
                assertTrue(device.isMasked(INTX));
                intx.trigger(0);
                assertEquals(0, intx.take(0), "and so is the loopback");
                assertEquals(0, raw.setIrqs(VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_UNMASK, INTX, 0, 1, (byte) 0));
                assertTrue(device.isMasked(INTX), "a false bool unmasks nothing");
                intx.unmask(0);
                assertFalse(device.isMasked(INTX));
                device.fire(INTX, 0);
                assertEquals(1, intx.take(0));
                assertEquals(0, raw.setIrqs(unmask, INTX, 0, 1));
                assertEquals(0, raw.setIrqs(VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK, INTX, 0, 1));
                device.fire(INTX, 0);
                assertEquals(0, intx.take(0), "masked by the user");
                assertEquals(ENOTTY, raw.setIrqs(VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_UNMASK, INTX, 0, 1,
                        new byte[4]), "no unmask eventfd");
            }
            assertFalse(device.isMasked(INTX), "the disable drops the mask");
            try (VfioInterrupts msi = dev.enableInterrupts(MSI, 1)) {
                assertEquals(ENOTTY, raw.setIrqs(unmask, MSI, 0, 1));
                device.fire(MSI, 0);
                device.fire(MSI, 0);
                assertEquals(2, msi.take(0), "MSI is not automasked");
            }
        }
        kernel.close();
    }

    @Test
    void k17IntxAndMsiExcludeEachOtherAndMsiIsWiredAgainAfterItsDisable() {
        SimVfioKernel kernel = intxAndMsi();
        SimVfioKernel.Device device = kernel.group(6).device(NAME);
        try (VfioDevice dev = new Vfio(kernel).openDevice(6, NAME)) {
            try (VfioInterrupts msi = dev.enableInterrupts(MSI, 1)) {
                InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> dev.enableInterrupts(INTX, 1));
                assertEquals(Errno.EINVAL, e.errno());
                assertTrue(device.eventfds(INTX).isEmpty());
                device.fire(MSI, 0);
                assertEquals(1, msi.take(0));
            }
            for (int round = 0; round < 2; round++) {
                try (VfioInterrupts msi = dev.enableInterrupts(MSI, 1)) {
                    device.fire(MSI, 0);
                    assertEquals(1, msi.take(0), "round " + round);
                }
            }
            try (VfioInterrupts intx = dev.enableInterrupts(INTX, 1)) {
                assertThrows(InvalidArgumentException.class, () -> dev.enableInterrupts(MSI, 1));
                device.fire(INTX, 0);
                assertEquals(1, intx.take(0));
            }
        }
        assertEquals(0, kernel.boundEventfds());
        kernel.close();
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
