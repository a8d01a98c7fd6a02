package io.mdevgpu.realkernel;

import io.mdevgpu.UnsupportedOperationKernelException;
import io.mdevgpu.kernel.vfio.VfioContainer;
import io.mdevgpu.kernel.vfio.VfioDevice;
import io.mdevgpu.kernel.vfio.VfioDmaMapping;
import io.mdevgpu.kernel.vfio.VfioInterrupts;
import io.mdevgpu.kernel.vfio.VfioIrqInfo;
import io.mdevgpu.kernel.vfio.VfioMapping;
import io.mdevgpu.kernel.vfio.VfioRegion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

import static io.mdevgpu.realkernel.Library.VFIO;
import static io.mdevgpu.realkernel.PciFunctions.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** QEMU's edu device bound to vfio-pci, driven through the library's VFIO port behind a real (emulated) IOMMU. */
@ExtendWith(GuestVm.class)
class EduVfioTest {
    // vfio-pci's fixed indexes and PCI config offsets (linux/vfio.h, pci_regs.h), written out here
    private static final int BAR0 = 0, MSI = 1;
    private static final int COMMAND = 0x04, STATUS = 0x06, BAR0_REG = 0x10, CAP_PTR = 0x34;
    private static final int STATUS_CAP_LIST = 0x10, CAP_ID_MSI = 0x05, COMMAND_MASTER = 0x4;
    private static final long IOVA = 0x100000;
    private static final int WAIT_MS = 5000;

    @BeforeAll
    static void bindEduToVfioPci() {
        bind(EDU, "vfio-pci");
    }

    @Test
    @DisplayName("16.1 edu's config space through VFIO: ids, BAR0's size by the sizing protocol, a capability list with MSI")
    void configSpaceIdsBar0SizeAndCapabilities() {
        try (VfioContainer container = VFIO.openContainer()) {
            VfioDevice edu = openVfio(container, EDU);
            assertTrue(edu.info().isPci(), edu.info().toString());
            VfioRegion config = edu.config();
            assertEquals(EDU_VENDOR, Short.toUnsignedInt(config.read16(0)));
            assertEquals(EDU_DEVICE, Short.toUnsignedInt(config.read16(2)));
            assertEquals(EDU_CLASS, config.read32(8) >>> 8);
            int bar0 = config.read32(BAR0_REG);
            config.write32(BAR0_REG, 0xffffffff);
            int sized = config.read32(BAR0_REG);
            config.write32(BAR0_REG, bar0);
            assertEquals(bar0, config.read32(BAR0_REG), "BAR0 restored");
            assertEquals(0, sized & 0x1, "a memory BAR");
            assertEquals(EDU_BAR0_SIZE, (~(sized & ~0xfL) + 1) & 0xffffffffL, "BAR0 size from 0x" + Integer.toHexString(sized));
            assertEquals(EDU_BAR0_SIZE, edu.region(BAR0).size(), "the region VFIO reports is the BAR");
            assertTrue((config.read16(STATUS) & STATUS_CAP_LIST) != 0, "status says there is a capability list");
            List<Integer> ids = new ArrayList<>();
            for (int at = Byte.toUnsignedInt(config.read8(CAP_PTR)) & ~3; at != 0 && ids.size() < 48;
                 at = Byte.toUnsignedInt(config.read8(at + 1)) & ~3) {
                ids.add(Byte.toUnsignedInt(config.read8(at)));
            }
            assertTrue(ids.contains(CAP_ID_MSI), "capability ids " + ids);
        }
    }

    @Test
    @DisplayName("16.2 edu's BAR0 through mmap: the identification register and the liveness register's inverse, the factorial unit")
    void bar0MmapIdentificationLivenessAndFactorial() {
        try (VfioContainer container = VFIO.openContainer()) {
            VfioDevice edu = openVfio(container, EDU);
            try (VfioMapping bar0 = edu.region(BAR0).map()) {
                MemorySegment regs = bar0.segment();
                assertEquals(EDU_BAR0_SIZE, regs.byteSize());
                assertEquals(EDU_IDENTIFICATION, regs.get(JAVA_INT, EDU_ID));
                for (int value : new int[] {0x12345678, 0, 0xcafef00d}) {
                    regs.set(JAVA_INT, EDU_LIVENESS, value);
                    assertEquals(~value, regs.get(JAVA_INT, EDU_LIVENESS), "liveness of 0x" + Integer.toHexString(value));
                }
                regs.set(JAVA_INT, EDU_FACTORIAL, 5);
                await("the factorial", () -> regs.get(JAVA_INT, EDU_STATUS) & 1);
                assertEquals(120, regs.get(JAVA_INT, EDU_FACTORIAL));
            }
        }
    }

    @Test
    @DisplayName("16.3 DMA through the IOMMU: edu's engine copies from a mapped native buffer and back into it; unmapped, it reaches nothing")
    void dmaIntoAndOutOfAMappedBufferThenUnmapped() {
        try (VfioContainer container = VFIO.openContainer(); Arena arena = Arena.ofConfined()) {
            VfioDevice edu = openVfio(container, EDU);
            edu.busMaster(true);
            assertTrue(edu.busMaster());
            assertTrue((edu.config().read16(COMMAND) & COMMAND_MASTER) != 0, "the command register has Bus Master");
            MemorySegment buffer = arena.allocate(4096, 4096);
            byte[] pattern = new byte[64];
            new Random(16).nextBytes(pattern);
            MemorySegment.copy(pattern, 0, buffer, JAVA_BYTE, 0, pattern.length);
            long avail = container.iommuInfo().dmaAvailable().orElse(-1);
            try (VfioMapping bar0 = edu.region(BAR0).map()) {
                MemorySegment regs = bar0.segment();
                VfioDmaMapping dma = container.mapDma(buffer, IOVA);
                assertEquals(List.of(dma), container.dmaMappings());
                if (avail >= 0) assertEquals(avail - 1, container.iommuInfo().dmaAvailable().orElseThrow(), "one mapping taken");
                dmaCopy(regs, IOVA, EDU_DMA_BUFFER, pattern.length, 0);                    // RAM -> edu
                dmaCopy(regs, EDU_DMA_BUFFER, IOVA + 2048, pattern.length, EDU_DMA_TO_RAM); // edu -> RAM
                assertArrayEquals(pattern, buffer.asSlice(2048, pattern.length).toArray(JAVA_BYTE), "copied out and back in");
                dma.close();
                assertFalse(dma.isOpen());
                assertEquals(List.of(), container.dmaMappings());
                if (avail >= 0) assertEquals(avail, container.iommuInfo().dmaAvailable().orElseThrow(), "no DMA mapping left");
                // the IOVA translates to nothing now: the engine's write faults in the IOMMU and the buffer stays
                dmaCopy(regs, EDU_DMA_BUFFER, IOVA + 1024, pattern.length, EDU_DMA_TO_RAM);
                assertArrayEquals(new byte[pattern.length], buffer.asSlice(1024, pattern.length).toArray(JAVA_BYTE),
                        "an unmapped IOVA reached the buffer");
            }
        }
    }

    /** edu's engine is asynchronous: start it, then poll the command register's start bit until it clears. */
    private static void dmaCopy(MemorySegment regs, long src, long dst, long count, int direction) {
        regs.set(JAVA_LONG, EDU_DMA_SRC, src);
        regs.set(JAVA_LONG, EDU_DMA_DST, dst);
        regs.set(JAVA_LONG, EDU_DMA_COUNT, count);
        regs.set(JAVA_LONG, EDU_DMA_CMD, EDU_DMA_START | direction);
        await("the DMA engine", () -> regs.get(JAVA_LONG, EDU_DMA_CMD) & EDU_DMA_START);
    }

    private static void await(String what, LongSupplier busy) {
        long deadline = System.nanoTime() + WAIT_MS * 1_000_000L;
        while (busy.getAsLong() != 0) {
            if (System.nanoTime() > deadline) throw new AssertionError(what + " did not finish within " + WAIT_MS + " ms");
            Thread.onSpinWait();
        }
    }

    @Test
    @DisplayName("16.4 MSI through an eventfd: edu's raised interrupt fires it")
    void msiEventfdFiresOnEdusRaise() {
        try (VfioContainer container = VFIO.openContainer()) {
            VfioDevice edu = openVfio(container, EDU);
            edu.busMaster(true);
            VfioIrqInfo msi = edu.irqInfo(MSI);
            assertEquals(1, msi.count(), msi.toString());
            assertTrue(msi.eventfd(), msi.toString());
            try (VfioMapping bar0 = edu.region(BAR0).map(); VfioInterrupts irq = edu.enableInterrupts(MSI, 1)) {
                MemorySegment regs = bar0.segment();
                assertEquals(0, irq.take(0), "nothing before the raise");
                regs.set(JAVA_INT, EDU_IRQ_RAISE, 0x5);
                assertTrue(irq.await(0, WAIT_MS), "the MSI eventfd fired");
                assertEquals(1, irq.take(0));
                assertEquals(0x5, regs.get(JAVA_INT, EDU_IRQ_STATUS));
                regs.set(JAVA_INT, EDU_IRQ_ACK, 0x5);
                assertEquals(0, regs.get(JAVA_INT, EDU_IRQ_STATUS));
            }
        }
    }

    @Test
    @DisplayName("16.5 edu has no reset: the library refuses it, typed, naming the device")
    void aResetOfEduIsRefusedTyped() {
        try (VfioContainer container = VFIO.openContainer()) {
            VfioDevice edu = openVfio(container, EDU);
            assertFalse(edu.info().canReset(), edu.info().toString());
            UnsupportedOperationKernelException e = assertThrows(UnsupportedOperationKernelException.class, edu::reset);
            assertTrue(e.getMessage().contains(EDU + " has no reset"), e.getMessage());
            assertNull(e.errno(), e.getMessage());
            assertEquals(EDU_IDENTIFICATION, edu.region(BAR0).read32(EDU_ID), "the device still answers");
        }
    }

    @Test
    @DisplayName("16.6 closing the container leaves no fd, eventfd, mapping or DMA mapping (/proc/self/fd, fdinfo, maps)")
    void closingEverythingLeavesNothing() throws IOException {
        List<String> fdsBefore = fds();
        VfioContainer container = VFIO.openContainer();
        try (Arena arena = Arena.ofConfined()) {
            VfioDevice edu = openVfio(container, EDU);
            edu.busMaster(true);
            VfioMapping bar0 = edu.region(BAR0).map();
            VfioInterrupts irq = edu.enableInterrupts(MSI, 1);
            VfioDmaMapping dma = container.mapDma(arena.allocate(8192, 4096), IOVA);
            List<String> open = fds();
            assertTrue(open.contains("/dev/vfio/vfio") && open.contains("/dev/vfio/" + iommuGroup(EDU))
                    && open.contains("anon_inode:[vfio-device]") && open.contains("anon_inode:[eventfd]"), open.toString());
            assertTrue(fdinfo().stream().anyMatch(l -> l.startsWith("eventfd-count:")), "an eventfd in fdinfo");
            assertTrue(mapsOf("vfio") > 0, "BAR0 is mapped");
            container.close();   // devices (interrupts, mappings), the DMA mapping, the group, the container
            assertFalse(bar0.isOpen() || irq.isOpen() || dma.isOpen() || edu.isOpen(), "closed with the container");
        }
        assertEquals(fdsBefore, fds(), "the same fds as before");
        assertTrue(fdinfo().stream().noneMatch(l -> l.startsWith("eventfd-count:")), "no eventfd in fdinfo");
        assertEquals(0, mapsOf("vfio"), "no vfio mapping in /proc/self/maps");
        try (VfioContainer again = VFIO.openContainer(); Arena arena = Arena.ofConfined()) {
            openVfio(again, EDU);
            long avail = again.iommuInfo().dmaAvailable().orElse(-1);
            // the same IOVA maps again: nothing of the closed container's mapping is left
            try (VfioDmaMapping dma = again.mapDma(arena.allocate(8192, 4096), IOVA)) {
                assertTrue(dma.isOpen());
            }
            if (avail >= 0) assertEquals(avail, again.iommuInfo().dmaAvailable().orElseThrow());
        }
    }

    /** The targets of this process's fds, sorted. */
    private static List<String> fds() throws IOException {
        List<String> targets = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    targets.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException gone) {
                    // the directory stream's own fd, closed by now
                }
            }
        }
        targets.sort(null);
        return targets;
    }

    private static List<String> fdinfo() throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> infos = Files.list(Path.of("/proc/self/fdinfo"))) {
            for (Path info : infos.toList()) {
                try {
                    lines.addAll(Files.readAllLines(info));
                } catch (IOException gone) {
                    // the directory stream's own fd
                }
            }
        }
        return lines;
    }

    private static long mapsOf(String name) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains(name)).count();
    }
}
