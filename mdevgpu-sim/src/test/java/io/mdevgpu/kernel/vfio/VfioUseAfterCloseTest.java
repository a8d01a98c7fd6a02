package io.mdevgpu.kernel.vfio;

import static io.mdevgpu.kernel.abi.vfio.VfioConstants.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.sim.SimVfioKernel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Every handle of the port used after its close (or its owner's) throws the library's typed error: a
 * {@link KernelException} with {@code EBADF} whose message names the operation, the handle and the fix; never the
 * {@code IllegalStateException} of a closed arena or of a check.
 */
class VfioUseAfterCloseTest {
    private static final String UUID = VfioPortTest.UUID_A;
    private static final int RW = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
    private static final String CONTAINER = "/fake/dev/vfio/vfio";
    private static final String GROUP = "/fake/dev/vfio/7";
    private static final String DEVICE = "device " + UUID + " in " + GROUP;
    private static final String DEVICE_FIX = "the device was closed; open it again";

    private SimVfioKernel kernel;
    private VfioContainer container;
    private VfioGroup group;
    private VfioDevice device;

    @BeforeEach
    void open() {
        kernel = new SimVfioKernel(Path.of("/fake/dev"));
        kernel.group(7).device(UUID)
                .region(0, RW | VFIO_REGION_INFO_FLAG_MMAP, 1 << 20, 0) // a BAR with mmap support
                .region(1, RW, 0x1000, 0x100000)                     // a BAR without: pread/pwrite
                .region(7, RW, 0x100, 0x101000)
                .irq(VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED, 1)
                .irq(VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE, 2);
        container = new Vfio(kernel).openContainer();
        group = container.openGroup(7);
        device = group.openDevice(UUID);
    }

    @AfterEach
    void close() {
        container.close();
        assertEquals(0, kernel.openFds());
    }

    /** The typed error, with its parts; returns it for more checks. */
    private static KernelException assertClosed(Executable call, String operation, String target, String fix) {
        KernelException e = assertThrows(KernelException.class, call, operation);
        assertEquals(Errno.EBADF, e.errno(), e::getMessage);
        assertEquals(operation, e.operation());
        assertEquals(target, e.target());
        assertEquals(Optional.of(fix), e.fix());
        assertEquals(operation + " " + target + ": " + Errno.EBADF + ". " + fix, e.getMessage());
        return e;
    }

    @Test
    void regionReadsAndWritesOfAClosedDevice() {
        VfioRegion pread = device.region(1);
        VfioRegion mapped = device.region(0);
        VfioMapping mapping = mapped.map();
        mapped.write32(0x10, 0x12345678);
        assertEquals(0x12345678, mapped.read32(0x10));
        device.close();
        assertFalse(mapping.isOpen(), "the device's close unmaps");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(16);
            for (VfioRegion r : new VfioRegion[] {pread, mapped}) {
                String name = "region BAR" + r.index();
                Map<String, Executable> reads = new LinkedHashMap<>();
                reads.put("read8", () -> r.read8(0));
                reads.put("read16", () -> r.read16(0));
                reads.put("read32", () -> r.read32(0));
                reads.put("read64", () -> r.read64(0));
                reads.put("read bulk", () -> r.read(0, buffer));
                reads.forEach((what, call) -> assertClosed(call, "read " + name, DEVICE, DEVICE_FIX));
                Map<String, Executable> writes = new LinkedHashMap<>();
                writes.put("write8", () -> r.write8(0, (byte) 1));
                writes.put("write16", () -> r.write16(0, (short) 1));
                writes.put("write32", () -> r.write32(0, 1));
                writes.put("write64", () -> r.write64(0, 1));
                writes.put("write bulk", () -> r.write(0, buffer));
                writes.forEach((what, call) -> assertClosed(call, "write " + name, DEVICE, DEVICE_FIX));
            }
        }
        assertClosed(mapped::map, "map region BAR0", DEVICE, DEVICE_FIX);
        mapping.close(); // idempotent, also after the device's close
    }

    @Test
    void aMappingsSegmentAfterTheCloseIsTheJdksOwnRefusal() {
        VfioMapping mapping = device.region(0).map();
        MemorySegment segment = mapping.segment();
        segment.set(JAVA_INT, 0, 7);
        device.close();
        // documented on VfioMapping.segment(): the closed shared arena refuses, nothing reaches unmapped memory
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> segment.get(JAVA_INT, 0));
        assertEquals("Already closed", e.getMessage());
    }

    @Test
    void deviceOperationsOfAClosedDevice() {
        device.close();
        assertFalse(device.isOpen());
        assertClosed(() -> device.region(1), "get region 1", DEVICE, DEVICE_FIX);
        assertClosed(device::config, "get region 7", DEVICE, DEVICE_FIX);
        assertClosed(device::regions, "get region 0", DEVICE, DEVICE_FIX);
        assertClosed(() -> device.irqInfo(VFIO_PCI_MSI_IRQ_INDEX), "get IRQ info", DEVICE, DEVICE_FIX);
        assertClosed(() -> device.enableInterrupts(VFIO_PCI_MSI_IRQ_INDEX, 1), "enable interrupts", DEVICE, DEVICE_FIX);
        assertClosed(device::reset, "reset", DEVICE, DEVICE_FIX);
        device.close(); // idempotent
    }

    @Test
    void interruptsClosedOnTheirOwn() {
        VfioInterrupts msi = device.enableInterrupts(VFIO_PCI_MSI_IRQ_INDEX, 2);
        VfioInterrupts intx;
        msi.close();
        assertFalse(msi.isOpen());
        String target = "vector 1 of MSI of " + DEVICE;
        String fix = "these interrupts were closed; enable them again";
        assertClosed(() -> msi.take(1), "read eventfd", target, fix);
        assertClosed(() -> msi.await(1, 0), "poll eventfd", target, fix);
        assertClosed(() -> msi.trigger(1), "trigger", target, fix);
        assertClosed(() -> msi.eventfd(1), "eventfd", target, fix);
        assertThrows(IndexOutOfBoundsException.class, () -> msi.take(2), "the index is checked first");
        intx = device.enableInterrupts(VFIO_PCI_INTX_IRQ_INDEX, 1);
        intx.close();
        assertClosed(() -> intx.unmask(0), "unmask", "vector 0 of INTx of " + DEVICE, fix);
        msi.close(); // idempotent
    }

    @Test
    void interruptsOfAClosedDevice() {
        VfioInterrupts msi = device.enableInterrupts(VFIO_PCI_MSI_IRQ_INDEX, 2);
        device.close();
        assertFalse(msi.isOpen(), "closed with the device");
        String target = "vector 0 of MSI of " + DEVICE;
        String fix = "the device was closed; open it again and enable its interrupts";
        assertClosed(() -> msi.take(0), "read eventfd", target, fix);
        assertClosed(() -> msi.await(0, 0), "poll eventfd", target, fix);
        assertClosed(() -> msi.trigger(0), "trigger", target, fix);
        msi.close(); // after the device's close: nothing left to do
    }

    @Test
    void aCloseFromAnotherThreadEndsAnAwaitInFlight() throws Exception {
        VfioInterrupts msi = device.enableInterrupts(VFIO_PCI_MSI_IRQ_INDEX, 1);
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> msi.await(0, 60_000));
        // let the waiter reach poll: the close must end it either way, this only makes the wake path likely
        Thread.sleep(200);
        long start = System.nanoTime();
        msi.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis < 10_000, "the close waited for the poll's timeout: " + millis + " ms");
        KernelException typed = assertInstanceOf(KernelException.class, e.getCause());
        assertEquals(Errno.EBADF, typed.errno());
        assertEquals("poll eventfd", typed.operation());
    }

    @Test
    void groupOperationsOfAClosedGroup() {
        group.close();
        assertFalse(device.isOpen(), "closed with its group");
        assertClosed(() -> group.openDevice(UUID), "open device " + UUID, GROUP, "the group was closed; open it again");
        assertClosed(() -> device.region(0), "get region 0", DEVICE, DEVICE_FIX);
    }

    @Test
    void containerOperationsOfAClosedContainer() {
        container.close();
        assertFalse(group.isOpen() || device.isOpen(), "closed with their container");
        String fix = "the container was closed; open it again";
        assertClosed(() -> container.openGroup(7), "open group 7", CONTAINER, fix);
        assertClosed(container::iommuInfo, "get IOMMU info", CONTAINER, fix);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(4096, 4096);
            assertClosed(() -> container.mapDma(memory, 0), "map DMA", CONTAINER, fix);
        }
        assertClosed(() -> container.unmapDma(0, 4096), "unmap DMA", CONTAINER, fix);
        assertClosed(() -> group.openDevice(UUID), "open device " + UUID, GROUP, "the group was closed; open it again");
    }
}
