package io.mdevgpu.kernel.vfio;

import static io.mdevgpu.kernel.abi.vfio.VfioConstants.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.mdevgpu.DeviceBusyException;
import io.mdevgpu.Errno;
import io.mdevgpu.HostStateException;
import io.mdevgpu.InvalidArgumentException;
import io.mdevgpu.KernelException;
import io.mdevgpu.NoSuchDeviceException;
import io.mdevgpu.ValidationException;
import io.mdevgpu.sim.Faults;
import io.mdevgpu.sim.Faults.Failure;
import io.mdevgpu.sim.Faults.Seam;
import io.mdevgpu.sim.SimVfioKernel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The port's open sequence, errors and close order, on a {@link SimVfioKernel} of its own. */
class VfioPortTest {
    static final String UUID_A = "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001";
    static final String UUID_B = "83b8f4f2-509f-382f-3c1e-e6bfe0fa1002";
    private static final int RW = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;

    private SimVfioKernel kernel;
    private Faults faults;
    private Vfio vfio;

    @BeforeEach
    void mbochsLikeDevices() {
        kernel = new SimVfioKernel(Path.of("/fake/dev"));
        faults = kernel.faults();
        for (String uuid : List.of(UUID_A, UUID_B)) {
            kernel.group(12).device(uuid)
                    .region(0, RW | VFIO_REGION_INFO_FLAG_MMAP, 1 << 20, 0)
                    .region(2, RW, 0x1000, 0x100000)
                    .region(7, RW, 0xff, 0x101000)
                    .irq(VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED, 1)
                    .irq(VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE, 2)
                    .irq(0, 0);
        }
        kernel.group(13).device("0000:65:00.0").region(7, RW, 0x100, 0);
        vfio = new Vfio(kernel);
    }

    private List<String> calls() {
        return faults.log(Seam.VFIO);
    }

    static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void opensInTheKernelsOrder() {
        try (VfioContainer c = vfio.openContainer()) {
            VfioGroup g = c.openGroup(12);
            VfioDevice d = g.openDevice(UUID_A);
            assertEquals(List.of(
                    "open /fake/dev/vfio/vfio",
                    "ioctl /fake/dev/vfio/vfio VFIO_GET_API_VERSION 0",
                    "ioctl /fake/dev/vfio/vfio VFIO_CHECK_EXTENSION 3",
                    "open /fake/dev/vfio/12",
                    "ioctl /fake/dev/vfio/12 VFIO_GROUP_GET_STATUS",
                    "ioctl /fake/dev/vfio/12 VFIO_GROUP_SET_CONTAINER",
                    "ioctl /fake/dev/vfio/vfio VFIO_SET_IOMMU 3",
                    "ioctl /fake/dev/vfio/12 VFIO_GROUP_GET_DEVICE_FD",
                    "ioctl device " + UUID_A + " VFIO_DEVICE_GET_INFO"), calls());
            assertEquals(new VfioDeviceInfo(VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET, 8, 3, List.of()), d.info());
            assertEquals(UUID_A, d.name());
            assertSame(g, d.group());
            assertEquals(List.of(d), g.devices());
            assertEquals(List.of(g), c.groups());
            assertEquals("VfioDevice[" + UUID_A + " in /fake/dev/vfio/12, vfio-pci, 8 regions, 3 IRQ indexes, reset]", d.toString());
        }
    }

    @Test
    void closesInTheKernelsOrder() {
        VfioContainer c = vfio.openContainer();
        VfioGroup g = c.openGroup(12);
        VfioDevice a = g.openDevice(UUID_A);
        VfioDevice b = g.openDevice(UUID_B);
        VfioMapping m = a.region(0).map();
        VfioInterrupts msi = b.enableInterrupts(VFIO_PCI_MSI_IRQ_INDEX, 2);
        faults.clearLog();
        c.close();
        assertEquals(List.of(
                "ioctl device " + UUID_B + " VFIO_DEVICE_SET_IRQS", // interrupts disabled before the device fd goes
                "close device " + UUID_B,
                "munmap 0x100000",
                "close device " + UUID_A,
                "ioctl /fake/dev/vfio/12 VFIO_GROUP_UNSET_CONTAINER 0",
                "close /fake/dev/vfio/12",
                "close /fake/dev/vfio/vfio"), calls());
        assertFalse(m.isOpen());
        assertFalse(msi.isOpen());
        assertFalse(a.isOpen() || b.isOpen() || g.isOpen() || c.isOpen());
        assertEquals(0, kernel.openFds());
        c.close(); // idempotent
        assertEquals(7, calls().size());
        assertEquals(Errno.EBADF, assertThrows(KernelException.class, () -> a.region(0)).errno());
        assertEquals(Errno.EBADF, assertThrows(KernelException.class, () -> c.openGroup(12)).errno());
    }

    @Test
    void closesEverythingEvenAfterFailures() throws IOException {
        long before = openFds();
        VfioContainer c = vfio.openContainer();
        VfioGroup g = c.openGroup(12);
        g.openDevice(UUID_A);
        g.openDevice(UUID_B);
        faults.failNext(Seam.VFIO, "close device " + UUID_B, Failure.errno(Errno.EIO))
                .failNext(Seam.VFIO, "ioctl /fake/dev/vfio/12 VFIO_GROUP_UNSET_CONTAINER", Failure.errno(Errno.EBADF));
        faults.clearLog();
        KernelException e = assertThrows(KernelException.class, c::close);
        assertEquals(Errno.EIO, e.errno());
        assertEquals("close device " + UUID_B + " in /fake/dev/vfio/12: EIO (Input/output error)", e.getMessage());
        assertEquals(1, e.getSuppressed().length);
        assertTrue(e.getSuppressed()[0].getMessage().startsWith("VFIO_GROUP_UNSET_CONTAINER /fake/dev/vfio/12 (ioctl 0x3b69): EBADF"),
                e.getSuppressed()[0].getMessage());
        assertEquals(List.of(
                "close device " + UUID_B + " -> EIO",
                "close device " + UUID_A,
                "ioctl /fake/dev/vfio/12 VFIO_GROUP_UNSET_CONTAINER 0 -> EBADF",
                "close /fake/dev/vfio/12",
                "close /fake/dev/vfio/vfio"), calls());
        assertEquals(0, kernel.openFds());
        assertEquals(before, openFds());
    }

    @Test
    void closingOneGroupKeepsTheContainerAndTheIommuIsSetAgainForTheNextFirstGroup() {
        try (VfioContainer c = vfio.openContainer()) {
            VfioGroup g12 = c.openGroup(12);
            c.openGroup(13);
            assertEquals(1, calls().stream().filter(s -> s.contains("VFIO_SET_IOMMU")).count(), "only the first group sets it");
            g12.close();
            assertEquals(1, c.groups().size());
            c.groups().getFirst().close();
            VfioGroup again = c.openGroup(12);
            assertEquals(2, calls().stream().filter(s -> s.contains("VFIO_SET_IOMMU")).count(),
                    "the kernel drops the IOMMU with the last group");
            assertTrue(again.openDevice(UUID_A).isOpen());
        }
    }

    @Test
    void openDeviceOwnsTheChain() throws IOException {
        long before = openFds();
        VfioDevice d = vfio.openDevice(12, UUID_A);
        assertEquals(3, kernel.openFds());
        d.close();
        assertEquals(0, kernel.openFds());
        assertFalse(d.group().isOpen());
        assertFalse(d.group().container().isOpen());
        assertEquals(before, openFds());
        // a failure half-way releases what was opened
        assertThrows(NoSuchDeviceException.class, () -> vfio.openDevice(12, "00000000-0000-0000-0000-000000000000"));
        assertEquals(0, kernel.openFds());
    }

    @Test
    void aGroupOpenTwiceIsBusy() {
        try (VfioContainer c = vfio.openContainer(); VfioContainer other = vfio.openContainer()) {
            VfioGroup g = c.openGroup(12);
            DeviceBusyException e = assertThrows(DeviceBusyException.class, () -> other.openGroup(12));
            assertEquals(Errno.EBUSY, e.errno());
            assertTrue(e.getMessage().startsWith("open VFIO group /fake/dev/vfio/12: EBUSY (Device or resource busy)."), e.getMessage());
            assertTrue(e.fix().orElseThrow().contains("fuser -v /fake/dev/vfio/12"));
            assertTrue(g.isOpen());
            assertEquals(List.of(), other.groups());
        }
    }

    @Test
    void aGroupThatIsNotViableNamesItsDevices(@TempDir Path sys) throws IOException {
        FakeSysfs.iommuGroup(sys, 12, "0000:65:00.0", "nvidia");
        FakeSysfs.iommuGroup(sys, 12, "0000:65:00.1", "snd_hda_intel");
        FakeSysfs.iommuGroup(sys, 12, "0000:65:00.2", null);
        kernel.iommuGroupSource(new LinuxVfioKernel(sys.resolve("dev"), sys));
        kernel.group(12).viable(false);
        try (VfioContainer c = vfio.openContainer()) {
            HostStateException e = assertThrows(HostStateException.class, () -> c.openGroup(12));
            assertEquals("open VFIO group /fake/dev/vfio/12: the group is not viable (its devices: 0000:65:00.0 (driver nvidia),"
                    + " 0000:65:00.1 (driver snd_hda_intel), 0000:65:00.2 (no driver)). every device of IOMMU group 12 must be"
                    + " bound to a VFIO driver or to none: unbind the others (echo ADDRESS >"
                    + " /sys/bus/pci/devices/ADDRESS/driver/unbind)", e.getMessage());
            assertEquals(1, kernel.openFds(), "the group fd is closed again");
            assertFalse(calls().stream().anyMatch(s -> s.contains("SET_CONTAINER")));
        }
    }

    @Test
    void aFailedIommuSetTakesTheGroupOutAgain() {
        faults.failNext(Seam.VFIO, "ioctl /fake/dev/vfio/vfio VFIO_SET_IOMMU", Failure.errno(Errno.EINVAL));
        try (VfioContainer c = vfio.openContainer()) {
            faults.clearLog();
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> c.openGroup(12));
            assertEquals("VFIO_SET_IOMMU /fake/dev/vfio/vfio (ioctl 0x3b66): EINVAL (Invalid argument)", e.getMessage());
            assertEquals(List.of(
                    "open /fake/dev/vfio/12",
                    "ioctl /fake/dev/vfio/12 VFIO_GROUP_GET_STATUS",
                    "ioctl /fake/dev/vfio/12 VFIO_GROUP_SET_CONTAINER",
                    "ioctl /fake/dev/vfio/vfio VFIO_SET_IOMMU 3 -> EINVAL",
                    "ioctl /fake/dev/vfio/12 VFIO_GROUP_UNSET_CONTAINER 0",
                    "close /fake/dev/vfio/12"), calls());
            assertTrue(c.openGroup(12).isOpen(), "the container is still usable");
        }
    }

    @Test
    void containerChecksApiVersionAndType1v2() {
        kernel.apiVersion(1);
        HostStateException v = assertThrows(HostStateException.class, vfio::openContainer);
        assertEquals("open VFIO container /fake/dev/vfio/vfio: VFIO API version 1, mdevgpu speaks version 0."
                + " use a kernel with VFIO API version 0", v.getMessage());
        assertEquals(0, kernel.openFds());
        kernel.apiVersion(0);
        kernel.type1v2(false);
        HostStateException t = assertThrows(HostStateException.class, vfio::openContainer);
        assertTrue(t.getMessage().contains("the kernel offers no VFIO_TYPE1v2_IOMMU. load it: modprobe vfio_iommu_type1"));
        assertEquals(0, kernel.openFds());
        faults.failNext(Seam.VFIO, "open /fake/dev/vfio/vfio", Failure.errno(Errno.ENOENT));
        NoSuchDeviceException n = assertThrows(NoSuchDeviceException.class, vfio::openContainer);
        assertTrue(n.fix().orElseThrow().contains("modprobe vfio"));
    }

    @Test
    void unknownGroupsAndDevicesAreNoSuchDevice() {
        try (VfioContainer c = vfio.openContainer()) {
            NoSuchDeviceException g = assertThrows(NoSuchDeviceException.class, () -> c.openGroup(99));
            assertEquals(Errno.ENOENT, g.errno());
            assertTrue(g.getMessage().startsWith("open VFIO group /fake/dev/vfio/99: ENOENT"));
            VfioGroup group = c.openGroup(12);
            NoSuchDeviceException d = assertThrows(NoSuchDeviceException.class,
                    () -> group.openDevice("00000000-0000-0000-0000-000000000000"));
            assertEquals(Errno.ENODEV, d.errno());
            assertEquals("VFIO_GROUP_GET_DEVICE_FD /fake/dev/vfio/12 (ioctl 0x3b6a): ENODEV (No such device). IOMMU group 12"
                    + " has no device 00000000-0000-0000-0000-000000000000 (mdev names are lower-case UUIDs)", d.getMessage());
            assertEquals(List.of(), group.devices());
        }
    }

    @Test
    void badArgumentsAreValidationErrors() {
        try (VfioContainer c = vfio.openContainer()) {
            assertThrows(ValidationException.class, () -> c.openGroup(-1));
            VfioGroup g = c.openGroup(12);
            for (String bad : Arrays.asList(null, "", "has space", "nul\0inside", "x".repeat(256))) {
                ValidationException e = assertThrows(ValidationException.class, () -> g.openDevice(bad), String.valueOf(bad));
                assertEquals("VFIO device name", e.property());
            }
            VfioDevice d = g.openDevice(UUID_A);
            ValidationException r = assertThrows(ValidationException.class, () -> d.region(8));
            assertEquals("invalid VFIO region index \"8\": 0..7: device " + UUID_A + " has 8 regions", r.getMessage());
            assertThrows(ValidationException.class, () -> d.region(-1));
            assertThrows(ValidationException.class, () -> d.irqInfo(3));
            assertThrows(ValidationException.class, () -> d.enableInterrupts(VFIO_PCI_INTX_IRQ_INDEX, 2));
            assertThrows(ValidationException.class, () -> d.enableInterrupts(VFIO_PCI_INTX_IRQ_INDEX, 0));
            ValidationException none = assertThrows(ValidationException.class, () -> d.enableInterrupts(2, 1));
            assertTrue(none.getMessage().contains("none: MSI-X has no eventfd vectors"), none.getMessage());
        }
    }

    @Test
    void regionInfoIsReQueriedWithTheArgszTheKernelAsksFor() {
        List<VfioRegionInfo.Area> sparse = List.of(new VfioRegionInfo.Area(0, 0x1000), new VfioRegionInfo.Area(0x8000, 0x8000));
        VfioRegionInfo.Type type = new VfioRegionInfo.Type(VFIO_REGION_TYPE_PCI_VENDOR_TYPE | 0x10de, 1);
        kernel.group(12).device(UUID_A).region(0).sparse(sparse).type(type);
        try (VfioDevice d = vfio.openDevice(12, UUID_A)) {
            faults.clearLog();
            VfioRegionInfo info = d.region(0).info();
            assertEquals(2, calls().size(), "asked twice: " + calls());
            assertTrue(calls().stream().allMatch(s -> s.endsWith("VFIO_DEVICE_GET_REGION_INFO")));
            assertEquals(sparse, info.mmapAreas());
            assertEquals(Optional.of(type), info.type());
            assertSame(d.region(0), d.region(0), "asked once per region");
            assertEquals(2, calls().size());
        }
    }

    @Test
    void aRunawayArgszIsATypedError() {
        kernel.group(12).device(UUID_A).region(2).argszReply(given -> 0xFFFF_FFF0L);
        kernel.group(12).device(UUID_A).region(7).argszReply(given -> given + 8);
        try (VfioDevice d = vfio.openDevice(12, UUID_A)) {
            KernelException huge = assertThrows(KernelException.class, () -> d.region(2));
            assertEquals(Errno.EIO, huge.errno());
            assertTrue(huge.getMessage().contains("(argsz 0xfffffff0 is beyond any VFIO reply (limit 0x10000))"), huge.getMessage());
            faults.clearLog();
            KernelException growing = assertThrows(KernelException.class, d::config);
            assertTrue(growing.getMessage().contains("argsz still grew after 4 queries"), growing.getMessage());
            assertEquals(4, calls().size());
        }
    }

    @Test
    void irqInfoAndInterruptsThroughEventfds() {
        try (VfioDevice d = vfio.openDevice(12, UUID_A)) {
            VfioIrqInfo intx = d.irqInfo(VFIO_PCI_INTX_IRQ_INDEX);
            assertEquals("INTx count 1 [eventfd maskable automasked]", intx.toString());
            assertEquals("MSI count 2 [eventfd noresize]", d.irqInfo(VFIO_PCI_MSI_IRQ_INDEX).toString());
            SimVfioKernel.Device fake = kernel.group(12).device(UUID_A);
            try (VfioInterrupts msi = d.enableInterrupts(VFIO_PCI_MSI_IRQ_INDEX, 2)) {
                assertEquals(2, msi.count());
                assertArrayEquals(new int[] {msi.eventfd(0), msi.eventfd(1)}, fake.eventfds(VFIO_PCI_MSI_IRQ_INDEX).orElseThrow());
                assertFalse(msi.await(1, 0));
                assertEquals(0, msi.take(1));
                fake.fire(VFIO_PCI_MSI_IRQ_INDEX, 1);
                fake.fire(VFIO_PCI_MSI_IRQ_INDEX, 1);
                assertTrue(msi.await(1, 1000));
                assertEquals(2, msi.take(1));
                assertEquals(0, msi.take(0));
                msi.trigger(0); // loopback through SET_IRQS (DATA_BOOL)
                assertEquals(1, msi.take(0));
                assertThrows(IndexOutOfBoundsException.class, () -> msi.trigger(2));
            }
            assertFalse(fake.eventfds(VFIO_PCI_MSI_IRQ_INDEX).isPresent(), "disabled on close");
            faults.failNext(Seam.VFIO, "ioctl device " + UUID_A + " VFIO_DEVICE_SET_IRQS", Failure.errno(Errno.EINVAL));
            assertThrows(InvalidArgumentException.class, () -> d.enableInterrupts(VFIO_PCI_INTX_IRQ_INDEX, 1));
        }
        assertEquals(0, kernel.openFds());
    }

    @Test
    void triggerIsOneTrueBoolAndCloseDisablesWithDataNoneAndCountZero() {
        // kernel facts (harness/README.md): 6.1's mtty reads DATA_NONE as "disable" whatever the count, so the
        // loopback must be DATA_BOOL; 6.12's mtty disables only with DATA_NONE | ACTION_TRIGGER and count 0
        try (VfioDevice d = vfio.openDevice(12, UUID_A)) {
            try (VfioInterrupts msi = d.enableInterrupts(VFIO_PCI_MSI_IRQ_INDEX, 2)) {
                msi.trigger(1);
                assertEquals(1, msi.take(1));
                assertEquals(0, msi.take(0));
            }
            assertEquals(List.of(
                    "MSI DATA_EVENTFD|ACTION_TRIGGER start 0 count 2",
                    "MSI DATA_BOOL|ACTION_TRIGGER start 1 count 1 data [1] argsz 21",
                    "MSI DATA_NONE|ACTION_TRIGGER start 0 count 0"), kernel.irqSets());
        }
    }

    @Test
    void anAutomaskedIntxFiresOnceUntilUnmasked() {
        try (VfioDevice d = vfio.openDevice(12, UUID_A); VfioInterrupts intx = d.enableInterrupts(VFIO_PCI_INTX_IRQ_INDEX, 1)) {
            assertTrue(intx.irq().automasked());
            intx.trigger(0);
            intx.trigger(0);
            assertEquals(1, intx.take(0), "masked after the first");
            intx.unmask(0);
            intx.trigger(0);
            assertEquals(1, intx.take(0));
            assertEquals("INTx DATA_NONE|ACTION_UNMASK start 0 count 1", kernel.irqSets().get(3));
            assertThrows(IndexOutOfBoundsException.class, () -> intx.unmask(1));
        }
        try (VfioDevice d = vfio.openDevice(12, UUID_A); VfioInterrupts msi = d.enableInterrupts(VFIO_PCI_MSI_IRQ_INDEX, 1)) {
            int sets = kernel.irqSets().size();
            ValidationException e = assertThrows(ValidationException.class, () -> msi.unmask(0));
            assertTrue(e.getMessage().contains("a maskable IRQ index"), e.getMessage());
            assertEquals(sets, kernel.irqSets().size(), "nothing sent");
        }
    }

    @Test
    void irqQueriesWorkAtOnceBecauseOpeningAsksForTheDeviceInfo() {
        // mtty answers VFIO_DEVICE_GET_IRQ_INFO and SET_IRQS only after VFIO_DEVICE_GET_INFO (EINVAL before);
        // the simulated VFIO has the same rule, so this fails if opening stops asking for the device info
        kernel.group(14).device(UUID_B).region(7, RW, 0xff, 0).irq(VFIO_IRQ_INFO_EVENTFD, 1);
        try (VfioDevice d = vfio.openDevice(14, UUID_B)) {
            assertEquals(1, d.irqInfo(VFIO_PCI_INTX_IRQ_INDEX).count());
            d.enableInterrupts(VFIO_PCI_INTX_IRQ_INDEX, 1).close();
            assertTrue(calls().indexOf("ioctl device " + UUID_B + " VFIO_DEVICE_GET_INFO")
                    < calls().indexOf("ioctl device " + UUID_B + " VFIO_DEVICE_GET_IRQ_INFO"), calls().toString());
        }
    }

    @Test
    void vfioKnowsWhichDevicesAreOpenThroughIt() {
        java.util.UUID a = java.util.UUID.fromString(UUID_A);
        java.util.UUID b = java.util.UUID.fromString(UUID_B);
        assertFalse(vfio.isOpen(a));
        VfioContainer c = vfio.openContainer();
        VfioGroup g = c.openGroup(12);
        VfioDevice first = g.openDevice(UUID_A);
        VfioDevice second = g.openDevice(UUID_A); // the kernel lets one device have several fds
        assertTrue(vfio.isOpen(a));
        assertFalse(vfio.isOpen(b));
        first.close();
        assertTrue(vfio.isOpen(a), "one fd is still open");
        g.openDevice(UUID_B);
        assertTrue(vfio.isOpen(b));
        c.close();
        assertFalse(second.isOpen());
        assertFalse(vfio.isOpen(a) || vfio.isOpen(b), "closed with the container");
        assertFalse(new Vfio(kernel).isOpen(a));
        try (VfioDevice d = vfio.openDevice(12, UUID_A)) {
            assertFalse(new Vfio(kernel).isOpen(a), "another Vfio knows its own devices only");
            assertTrue(vfio.isOpen(a));
        }
        assertFalse(vfio.isOpen(a));
    }

    @Test
    void resetAndIommu() {
        try (VfioContainer c = vfio.openContainer()) {
            VfioDevice d = c.openGroup(12).openDevice(UUID_A);
            d.reset();
            d.reset();
            assertEquals(2, kernel.group(12).device(UUID_A).resets());
            faults.failNext(Seam.VFIO, "ioctl device " + UUID_A + " VFIO_DEVICE_RESET", Failure.errno(Errno.ENOTTY));
            assertThrows(KernelException.class, d::reset);
            VfioIommuInfo info = c.iommuInfo();
            assertEquals(0x40201000L, info.iovaPageSizes());
            try (Arena a = Arena.ofConfined()) {
                MemorySegment page = a.allocate(4096, 4096);
                c.mapDma(page, 0x100000);
                assertEquals(4096, c.unmapDma(0x100000, 4096));
            }
        }
    }

    @Test
    void noFdLeaksOverManyCycles() throws IOException {
        for (int i = 0; i < 5; i++) cycle(); // warm up class loading, logging, memfd names
        long before = openFds();
        for (int i = 0; i < 200; i++) cycle();
        assertEquals(before, openFds());
        assertEquals(0, kernel.openFds());
    }

    private void cycle() {
        try (VfioDevice d = vfio.openDevice(12, UUID_A)) {
            d.config().read32(0);
            try (VfioMapping m = d.region(0).map()) {
                m.segment().set(java.lang.foreign.ValueLayout.JAVA_INT, 0, 1);
            }
            d.enableInterrupts(VFIO_PCI_INTX_IRQ_INDEX, 1); // left for close to release
        }
        assertThrows(NoSuchDeviceException.class, () -> vfio.openDevice(12, "nope"));
    }
}
