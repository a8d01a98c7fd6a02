package io.mdevgpu.kernel.vfio;

import static io.mdevgpu.kernel.abi.vfio.VfioConstants.*;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;

import io.mdevgpu.AlreadyExistsException;
import io.mdevgpu.CapacityException;
import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.UnsupportedOperationKernelException;
import io.mdevgpu.ValidationException;
import io.mdevgpu.sim.Faults;
import io.mdevgpu.sim.Faults.Failure;
import io.mdevgpu.sim.Faults.Seam;
import io.mdevgpu.sim.SimVfioKernel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a plain PCI function needs of the port (issue 16): tracked DMA mappings, a reset refused where the device
 * has none, Bus Master through config space. On a {@link SimVfioKernel} of its own, whose call log shows what
 * reached the kernel.
 */
class VfioDmaResetBusMasterTest {
    static final String EDU = "0000:00:01.0";
    static final String NVME = "0000:00:02.0";
    private static final int RW = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;

    private SimVfioKernel kernel;
    private Faults faults;
    private VfioContainer container;
    private Arena arena;

    @BeforeEach
    void eduAndNvme() {
        kernel = new SimVfioKernel(Path.of("/fake/dev"));
        faults = kernel.faults();
        // edu: vfio-pci without the reset flag; the NVMe function has FLR
        kernel.group(1).device(EDU).flags(VFIO_DEVICE_FLAGS_PCI)
                .region(0, RW | VFIO_REGION_INFO_FLAG_MMAP, 1 << 20, 0).region(7, RW, 0x100, 0x100000);
        kernel.group(2).device(NVME).region(7, RW, 0x100, 0);
        container = new Vfio(kernel).openContainer();
        arena = Arena.ofConfined();
    }

    @AfterEach
    void close() {
        container.close();
        arena.close();
    }

    private List<String> dmaCalls() {
        return faults.log(Seam.VFIO).stream().filter(c -> c.contains("_DMA") || c.contains("UNSET_CONTAINER")).toList();
    }

    @Test
    void aDmaMappingIsTrackedClosingItUnmapsAndTheContainerUnmapsTheRestBeforeItsGroupsLeave() {
        container.openGroup(1).openDevice(EDU);
        VfioDmaMapping first = container.mapDma(arena.allocate(4096, 4096), 0x100000);
        VfioDmaMapping second = container.mapDma(arena.allocate(8192, 4096), 0x200000);
        assertEquals(List.of(first, second), container.dmaMappings());
        assertEquals("DMA 0x2000 bytes at IOVA 0x200000 <- 0x" + Long.toHexString(second.memory().address()) + " rw",
                second.toString());
        first.close();
        first.close();
        assertFalse(first.isOpen());
        assertEquals(List.of(second), container.dmaMappings());
        container.close();
        assertFalse(second.isOpen(), "unmapped with its container");
        assertEquals(List.of(
                "ioctl /fake/dev/vfio/vfio VFIO_IOMMU_MAP_DMA",
                "ioctl /fake/dev/vfio/vfio VFIO_IOMMU_MAP_DMA",
                "ioctl /fake/dev/vfio/vfio VFIO_IOMMU_UNMAP_DMA",
                "ioctl /fake/dev/vfio/vfio VFIO_IOMMU_UNMAP_DMA",
                "ioctl /fake/dev/vfio/1 VFIO_GROUP_UNSET_CONTAINER"), dmaCalls().stream().map(c -> c.replaceAll(" (0x|&|[0-9]).*", "")).toList());
    }

    @Test
    void anUnmapOfARangeClosesTheMappingsInsideIt() {
        container.openGroup(1);
        VfioDmaMapping a = container.mapDma(arena.allocate(4096, 4096), 0x100000);
        VfioDmaMapping b = container.mapDma(arena.allocate(4096, 4096), 0x101000);
        VfioDmaMapping c = container.mapDma(arena.allocate(4096, 4096), 0x300000);
        assertEquals(8192, container.unmapDma(0x100000, 8192));
        assertFalse(a.isOpen() || b.isOpen());
        assertEquals(List.of(c), container.dmaMappings());
    }

    @Test
    void badDmaInputIsRefusedBeforeTheKernelIsAsked() {
        container.openGroup(1);
        MemorySegment page = arena.allocate(8192, 4096);
        assertThrows(ValidationException.class, () -> container.mapDma(MemorySegment.ofArray(new byte[4096]), 0x100000));
        ValidationException unaligned = assertThrows(ValidationException.class, () -> container.mapDma(page.asSlice(16, 4096), 0));
        assertTrue(unaligned.getMessage().contains("page-aligned"), unaligned.getMessage());
        assertThrows(ValidationException.class, () -> container.mapDma(page.asSlice(0, 100), 0));
        assertThrows(ValidationException.class, () -> container.mapDma(page.asSlice(0, 0), 0));
        ValidationException iova = assertThrows(ValidationException.class, () -> container.mapDma(page, 0x100010));
        assertTrue(iova.getMessage().contains("0x100010"), iova.getMessage());
        assertThrows(ValidationException.class, () -> container.mapDma(page, -4096));
        assertEquals(List.of(), dmaCalls());
        assertEquals(List.of(), container.dmaMappings());
    }

    @Test
    void theKernelsDmaErrnosAreTypedNameTheRangeAndTrackNothing() {
        container.openGroup(1);
        MemorySegment page = arena.allocate(4096, 4096);
        VfioDmaMapping held = container.mapDma(page, 0x100000);
        faults.failNext(Seam.VFIO, "ioctl /fake/dev/vfio/vfio VFIO_IOMMU_MAP_DMA", Failure.errno(Errno.EEXIST));
        AlreadyExistsException overlap = assertThrows(AlreadyExistsException.class, () -> container.mapDma(page, 0x100000));
        assertTrue(overlap.getMessage().contains("map DMA of 0x1000 bytes at IOVA 0x100000"), overlap.getMessage());
        assertTrue(overlap.getMessage().contains("overlaps a mapping"), overlap.getMessage());
        faults.failNext(Seam.VFIO, "ioctl /fake/dev/vfio/vfio VFIO_IOMMU_MAP_DMA", Failure.errno(Errno.ENOSPC));
        assertThrows(CapacityException.class, () -> container.mapDma(page, 0x200000));
        assertEquals(List.of(held), container.dmaMappings());
    }

    /** The simulated type1 answers as the real one did in the harness (K22), with no fault injected. */
    @Test
    void theSimulatedType1RefusesOverlapsAndCutsAndCountsWhatItUnmaps() {
        container.openGroup(1);
        MemorySegment pages = arena.allocate(3 * 4096, 4096);
        VfioDmaMapping held = container.mapDma(pages.asSlice(0, 8192), 0x100000);
        AlreadyExistsException overlap = assertThrows(AlreadyExistsException.class,
                () -> container.mapDma(pages.asSlice(8192, 4096), 0x101000));
        assertTrue(overlap.getMessage().contains("overlaps a mapping"), overlap.getMessage());
        VfioDmaMapping next = container.mapDma(pages.asSlice(8192, 4096), 0x102000); // right after it: no overlap
        KernelException cut = assertThrows(KernelException.class, () -> container.unmapDma(0x101000, 4096));
        assertEquals(Errno.EINVAL, cut.errno(), "type1 v2 unmaps whole mappings only");
        assertEquals(List.of(held, next), container.dmaMappings(), "a refused unmap leaves both");
        assertEquals(3 * 4096, container.unmapDma(0x100000, 0x100000), "the kernel reports the bytes it unmapped");
        assertFalse(held.isOpen() || next.isOpen());
        container.mapDma(pages.asSlice(0, 4096), 0x100000); // the same IOVA maps again
    }

    @Test
    void aResetOfADeviceWithoutTheResetFlagIsRefusedTypedNamingItAndTheKernelIsNotAsked() {
        VfioDevice edu = container.openGroup(1).openDevice(EDU);
        UnsupportedOperationKernelException e = assertThrows(UnsupportedOperationKernelException.class, edu::reset);
        assertTrue(e.getMessage().contains("device " + EDU + " has no reset"), e.getMessage());
        assertNull(e.errno(), "refused by the library, not the kernel");
        assertEquals(List.of(), faults.log(Seam.VFIO, "ioctl device " + EDU + " VFIO_DEVICE_RESET"));
        VfioDevice nvme = container.openGroup(2).openDevice(NVME);
        nvme.reset();
        assertEquals(1, kernel.group(2).device(NVME).resets());
    }

    @Test
    void busMasterIsBitTwoOfTheCommandRegisterAndTheOtherBitsStay() {
        VfioDevice edu = container.openGroup(1).openDevice(EDU);
        edu.config().write16(4, (short) 0x0403);
        assertFalse(edu.busMaster());
        edu.busMaster(true);
        assertEquals(0x0407, edu.config().read16(4));
        assertTrue(edu.busMaster());
        edu.busMaster(true);
        assertEquals(0x0407, edu.config().read16(4));
        edu.busMaster(false);
        assertEquals(0x0403, edu.config().read16(4));
    }

    @Test
    void busMasterOfANonPciDeviceIsRefused() {
        kernel.group(3).device("platform0").flags(0).region(0, RW, 0x100, 0);
        VfioDevice platform = container.openGroup(3).openDevice("platform0");
        UnsupportedOperationKernelException e = assertThrows(UnsupportedOperationKernelException.class, () -> platform.busMaster(true));
        assertTrue(e.getMessage().contains("no PCI function"), e.getMessage());
    }
}
