package io.mdevgpu.kernel.vfio;

import static io.mdevgpu.kernel.abi.vfio.VfioConstants.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import io.mdevgpu.Errno;
import io.mdevgpu.InvalidArgumentException;
import io.mdevgpu.KernelException;
import io.mdevgpu.NoSuchDeviceException;
import io.mdevgpu.ValidationException;
import io.mdevgpu.sim.Faults.Failure;
import io.mdevgpu.sim.Faults.Seam;
import io.mdevgpu.sim.SimVfioKernel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Region access on memfd-backed devices: pread/pwrite, the mmap path a simulated kernel uses, unmapping on
 * close, and errors the real kernel gives for a fd that is not a VFIO device.
 */
class VfioRegionTest {
    private static final String UUID = VfioPortTest.UUID_A;
    private static final int RW = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;

    private SimVfioKernel kernel;
    private SimVfioKernel.Device fake;
    private VfioDevice device;

    @BeforeEach
    void open() {
        kernel = new SimVfioKernel(Path.of("/fake/dev"));
        fake = kernel.group(7).device(UUID)
                .region(0, RW | VFIO_REGION_INFO_FLAG_MMAP, 4 << 20, 0)       // a framebuffer BAR
                .region(1, RW, 8, 0x400000)                                   // mtty-like, no mmap
                .region(2, RW | VFIO_REGION_INFO_FLAG_MMAP, 0x10000, 0x410000) // sparse: MSI-X table hole
                .region(3, RW, 3 * 4096 + 5, 0x430000)                        // no mmap, larger than a bounce
                .region(7, RW, 0xff, 0x420000)                                // config, size 0xff as the samples say
                .irq(VFIO_IRQ_INFO_EVENTFD, 1);
        fake.region(2).sparse(List.of(new VfioRegionInfo.Area(0, 0x4000), new VfioRegionInfo.Area(0x8000, 0x8000)));
        device = new Vfio(kernel).openDevice(7, UUID);
    }

    @AfterEach
    void close() {
        device.close();
        assertEquals(0, kernel.openFds());
    }

    private static List<String> mapsOf(String name) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains(name)).toList();
    }

    @Test
    void preadAndPwriteEveryWidth() {
        VfioRegion r = device.region(1);
        assertFalse(r.info().mappable());
        r.write64(0, 0x1122334455667788L);
        assertEquals(0x1122334455667788L, r.read64(0));
        assertEquals(0x55667788, r.read32(0));
        assertEquals((short) 0x3344, r.read16(4));
        assertEquals((byte) 0x11, r.read8(7));
        r.write8(0, (byte) 0xAA);
        r.write16(2, (short) 0xBBCC);
        r.write32(4, 0xDDEEFF00);
        assertEquals(0xDDEEFF00BBCC77AAL, r.read64(0));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(8);
            r.read(0, buf);
            assertEquals(0xDDEEFF00BBCC77AAL, buf.get(JAVA_LONG, 0));
            buf.set(JAVA_LONG, 0, 42);
            r.write(0, buf);
        }
        assertEquals(42, r.read64(0));
    }

    @Test
    void accessesOutsideTheRegionAreRefusedBeforeTheKernelWithATypedError() {
        VfioRegion r = device.region(1);
        assertOutOfRange(() -> r.read32(6), "BAR1", "0x6", "4 bytes", "0x8");
        assertOutOfRange(() -> r.write8(8, (byte) 0), "BAR1", "0x8", "1 byte", "0x8");
        assertOutOfRange(() -> r.read8(-1), "BAR1", "-0x1", "1 byte", "0x8");
        try (Arena a = Arena.ofConfined()) {
            assertOutOfRange(() -> r.read(4, a.allocate(16)), "BAR1", "0x4", "16 bytes", "0x8");
            assertOutOfRange(() -> r.write(0, a.allocate(9)), "BAR1", "0x0", "9 bytes", "0x8");
        }
        // config space: reported as 0xff bytes, read as the 256 it is
        VfioRegion cfg = device.config();
        assertEquals(0xff, cfg.size());
        cfg.write32(0xfc, 0x12345678);
        assertEquals(0x12345678, cfg.read32(0xfc));
        assertOutOfRange(() -> cfg.read32(0xfd), "CONFIG", "0xfd", "4 bytes", "0x100");
    }

    private void assertOutOfRange(org.junit.jupiter.api.function.Executable access, String region, String offset,
                                  String length, String size) {
        ValidationException e = assertThrows(ValidationException.class, access);
        for (String part : List.of("region " + region, offset, length, size, UUID)) {
            assertTrue(e.getMessage().contains(part), part + " in: " + e.getMessage());
        }
    }

    @Test
    void heapSegmentsGoThroughTheDevicesBounceBufferOnRegionsWithoutMmap() {
        VfioRegion r = device.region(3);
        assertFalse(r.info().mappable());
        byte[] written = new byte[(int) r.size() - 1];
        for (int i = 0; i < written.length; i++) written[i] = (byte) (i * 31 + 7);
        r.write(1, MemorySegment.ofArray(written));
        byte[] read = new byte[written.length];
        r.read(1, MemorySegment.ofArray(read));
        assertArrayEquals(written, read);
        assertEquals(written[4096] & 0xFF, r.read8(4097) & 0xFF, "a heap write reaches the region");
        int[] ints = new int[2];
        device.region(1).write64(0, 0x1122334455667788L);
        device.region(1).read(0, MemorySegment.ofArray(ints));
        assertArrayEquals(new int[] {0x55667788, 0x11223344}, ints);
    }

    @Test
    void aMappingIsTheRegionsMemoryAndIsUnmappedOnClose() throws IOException {
        VfioRegion bar0 = device.region(0);
        String memfd = "mdevgpu-sim-vfio-" + UUID;
        assertEquals(List.of(), mapsOf(memfd));
        VfioMapping m = bar0.map();
        assertEquals(1, mapsOf(memfd).size(), "one mapping of the device's memfd");
        assertEquals(4 << 20, m.segment().byteSize());
        // written through the mapping, read through pread (a different path into the same memory)
        m.segment().set(JAVA_INT, 0x1000, 0xCAFEF00D);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment back = a.allocate(4);
            assertEquals(4, kernel.pread(new io.mdevgpu.kernel.sys.ErrnoCapture(a), device.fd.fd, back, 4, 0x1000));
            assertEquals(0xCAFEF00D, back.get(JAVA_INT, 0));
        }
        // region accesses now go to the mapping: no pread
        kernel.faults().clearLog();
        bar0.write32(0x2000, 7);
        assertEquals(7, m.segment().get(JAVA_INT, 0x2000));
        assertEquals(List.of(), kernel.faults().log(Seam.VFIO));
        m.close();
        assertFalse(m.isOpen());
        assertThrows(IllegalStateException.class, () -> m.segment().get(JAVA_INT, 0));
        assertEquals(List.of(), mapsOf(memfd), "munmap'ed");
        assertEquals(List.of(), bar0.mappings());
        // after the mapping, the same bytes through pread
        assertEquals(0xCAFEF00D, bar0.read32(0x1000));
        assertEquals(7, bar0.read32(0x2000));
        m.close(); // idempotent
    }

    @Test
    void aMappingInTheCallersArenaLivesAsLongAsTheArena() throws IOException {
        VfioRegion bar0 = device.region(0);
        String memfd = "mdevgpu-sim-vfio-" + UUID;
        MemorySegment segment;
        try (Arena arena = Arena.ofConfined()) {
            segment = bar0.map(0, bar0.info().size(), arena);
            assertEquals(4 << 20, segment.byteSize());
            assertEquals(1, mapsOf(memfd).size(), "one mapping of the device's memfd");
            segment.set(JAVA_INT, 0x3000, 0x5EED);
            assertEquals(0x5EED, bar0.read32(0x3000), "the same memory, read through pread");
            assertEquals(List.of(), bar0.mappings(), "the caller's alone: region accesses do not go to it");
        }
        assertFalse(segment.scope().isAlive());
        assertEquals(List.of(), mapsOf(memfd), "munmap'ed when the arena closed");
        assertEquals(0x5EED, bar0.read32(0x3000));
    }

    @Test
    void aBadRangeInTheCallersArenaMapsNothing() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            assertThrows(ValidationException.class, () -> device.region(2).map(0, 0x10000, arena), "across a sparse hole");
            assertThrows(ValidationException.class, () -> device.region(1).map(0, 8, arena), "no mmap");
            assertEquals(List.of(), mapsOf("mdevgpu-sim-vfio-" + UUID));
        }
    }

    @Test
    void theDevicesCloseLeavesACallersMappingUntilItsArenaCloses() throws IOException {
        String memfd = "mdevgpu-sim-vfio-" + UUID;
        Arena arena = Arena.ofConfined();
        MemorySegment segment = device.region(0).map(0, 0x1000, arena);
        segment.set(JAVA_LONG, 0, 42);
        device.close();
        assertEquals(42, segment.get(JAVA_LONG, 0), "the kernel keeps the file while it is mapped");
        assertEquals(1, mapsOf(memfd).size());
        arena.close();
        assertEquals(List.of(), mapsOf(memfd));
    }

    @Test
    void closingOneOfSeveralMappingsLeavesTheOthersInOrder() {
        VfioRegion bar0 = device.region(0);
        VfioMapping a = bar0.map(0, 0x1000), b = bar0.map(0x1000, 0x1000), c = bar0.map(0x2000, 0x1000);
        assertEquals(List.of(a, b, c), bar0.mappings());
        b.close();
        assertEquals(List.of(a, c), bar0.mappings());
        bar0.write32(0x2004, 9); // still through c
        assertEquals(9, c.segment().get(JAVA_INT, 4));
        b.close(); // idempotent: the others stay
        assertEquals(List.of(a, c), bar0.mappings());
        c.close();
        a.close();
        assertEquals(List.of(), bar0.mappings());
        assertThrows(ValidationException.class, () -> bar0.map(0x1000, 0), "an empty range");
    }

    @Test
    void closingTheDeviceUnmapsItsMappings() throws IOException {
        VfioMapping m = device.region(0).map();
        List<VfioMapping> sparse = device.region(2).mapAreas();
        assertEquals(3, mapsOf("mdevgpu-sim-vfio-" + UUID).size());
        device.close();
        assertFalse(m.isOpen());
        assertTrue(sparse.stream().noneMatch(VfioMapping::isOpen));
        assertEquals(List.of(), mapsOf("mdevgpu-sim-vfio-" + UUID));
        assertEquals(Errno.EBADF, assertThrows(KernelException.class, () -> device.region(0)).errno());
    }

    @Test
    void sparseRegionsMapOnlyTheirAreas() {
        VfioRegion r = device.region(2);
        assertTrue(r.info().sparse());
        ValidationException whole = assertThrows(ValidationException.class, r::map);
        assertEquals("invalid mapping of BAR2 of device " + UUID + " in /fake/dev/vfio/7 \"0x0+0x10000\": a non-empty range"
                + " within one mmap area [0x0+0x4000, 0x8000+0x8000]", whole.getMessage());
        assertThrows(ValidationException.class, () -> r.map(0x4000, 0x1000));
        assertThrows(ValidationException.class, () -> r.map(0, 0));
        List<VfioMapping> areas = r.mapAreas();
        assertEquals(List.of(0L, 0x8000L), areas.stream().map(VfioMapping::regionOffset).toList());
        r.write32(0x8004, 5); // mapped
        r.write32(0x4000, 6); // the hole: pread/pwrite
        assertEquals(5, areas.get(1).segment().get(JAVA_INT, 4));
        assertEquals(6, r.read32(0x4000));
        areas.forEach(VfioMapping::close);
        assertEquals(5, r.read32(0x8004));
    }

    @Test
    void regionsWithoutMmapFallBackToPreadAndRefuseMapping() {
        VfioRegion mtty = device.region(1);
        ValidationException e = assertThrows(ValidationException.class, mtty::map);
        assertTrue(e.getMessage().contains("a region with mmap support; read and write this one through the region"),
                e.getMessage());
        mtty.write8(3, (byte) 0x03); // LCR, as vfio-probe does
        assertEquals(3, mtty.read8(3));
    }

    @Test
    void theRealKernelsErrorsForAFdThatIsNoVfioDevice() {
        device.close();
        fake.backing("/dev/null"); // the real kernel answers: no mmap (ENODEV), reads end at once (EOF)
        try (VfioDevice dev = new Vfio(kernel).openDevice(7, UUID)) {
            NoSuchDeviceException mmap = assertThrows(NoSuchDeviceException.class, () -> dev.region(0).map());
            assertEquals(Errno.ENODEV, mmap.errno());
            assertEquals("mmap BAR0 of device " + UUID + " in /fake/dev/vfio/7 at 0x0+0x400000: ENODEV (No such device)",
                    mmap.getMessage());
            KernelException read = assertThrows(KernelException.class, () -> dev.region(1).read32(0));
            assertEquals(Errno.EIO, read.errno());
            assertEquals("pread BAR1 of device " + UUID + " in /fake/dev/vfio/7 at 0x0 (4 bytes): EIO (Input/output error)."
                    + " the driver transferred 0 of 4 bytes", read.getMessage());
            dev.region(1).write32(0, 1); // /dev/null takes writes
        }
        fake.backing(null);
        kernel.group(8).device(UUID).region(0, RW | VFIO_REGION_INFO_FLAG_MMAP, 0x2000, 0x10);
        try (VfioDevice dev = new Vfio(kernel).openDevice(8, UUID)) {
            // a region at an offset that is not page-aligned: the real mmap says EINVAL
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> dev.region(0).map());
            assertEquals(Errno.EINVAL, e.errno());
            assertTrue(e.fix().orElseThrow().contains("read and write it through the region instead"));
        }
        device = new Vfio(kernel).openDevice(7, UUID); // for close()
    }

    @Test
    void aFailedMunmapIsReportedNotThrownFromTheCleanup() throws IOException {
        VfioMapping m = device.region(0).map();
        kernel.faults().failNext(Seam.VFIO, "munmap", Failure.errno(Errno.EINVAL)); // the memory then stays mapped
        m.close();
        assertFalse(m.isOpen());
        List<String> left = mapsOf("mdevgpu-sim-vfio-" + UUID);
        assertEquals(1, left.size());
        // unmap it for real, so the test leaves nothing behind
        long start = Long.parseUnsignedLong(left.getFirst().substring(0, left.getFirst().indexOf('-')), 16);
        assertEquals(0, io.mdevgpu.kernel.sys.Syscalls.munmap(new io.mdevgpu.kernel.sys.ErrnoCapture(Arena.ofAuto()), start, 4 << 20));
    }

    @Test
    void regionAccessAndIoctlsAllocateNothing() throws ReflectiveOperationException {
        // by reflection: the tests compile inside the module, which does not read java.management
        Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        Method allocatedBytes = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        VfioRegion viaPread = device.region(1);
        VfioRegion viaMapping = device.region(0);
        kernel.faults().recording(false); // the record of each call would allocate
        try (VfioMapping m = viaMapping.map(); VfioInterrupts intx = device.enableInterrupts(VFIO_PCI_INTX_IRQ_INDEX, 1)) {
            // each path on its own, as a caller would compile it (one loop of everything outgrows C2's inlining)
            Map<String, LongSupplier> paths = new LinkedHashMap<>();
            paths.put("pwrite+pread", () -> {
                viaPread.write32(0, 7);
                return viaPread.read32(0) + viaPread.read8(1) + viaPread.read64(0);
            });
            paths.put("mapped write+read", () -> {
                viaMapping.write32(8, 7);
                return viaMapping.read32(8) + viaMapping.read64(8);
            });
            paths.put("SET_IRQS loopback + eventfd read", () -> {
                intx.trigger(0);
                return intx.take(0);
            });
            paths.put("DEVICE_RESET", () -> {
                device.reset();
                return 1;
            });
            // the interpreter and the first compiles allocate; once a path is compiled it must not: best of 30 rounds
            Map<String, Long> best = new LinkedHashMap<>();
            long sink = 0;
            for (var path : paths.entrySet()) {
                long least = Long.MAX_VALUE;
                for (int round = 0; round < 30 && least >= 1024; round++) {
                    long before = (long) allocatedBytes.invoke(threads);
                    for (int i = 0; i < 50_000; i++) sink += path.getValue().getAsLong();
                    least = Math.min(least, (long) allocatedBytes.invoke(threads) - before);
                }
                best.put(path.getKey(), least);
            }
            assertTrue(best.values().stream().allMatch(b -> b < 1024),
                    "bytes allocated by 50000 calls, at best: " + best + " (sink " + sink + ")");
            assertTrue(m.isOpen());
        }
    }

    @Test
    void regionInfoPrintsForJshell() {
        assertEquals("BAR1 size 0x8 at 0x400000 [RW]", device.region(1).info().toString());
        assertEquals("CONFIG size 0xff at 0x420000 [RW]", device.config().info().toString());
        assertEquals("BAR2 size 0x10000 at 0x410000 [RWM] sparse [0x0+0x4000, 0x8000+0x8000]", device.region(2).info().toString());
        assertEquals(8, device.regions().size());
        assertEquals("region 9", new VfioRegionInfo(9, 0, 0, 0, false, List.of(), java.util.Optional.empty(), List.of()).name());
    }
}
