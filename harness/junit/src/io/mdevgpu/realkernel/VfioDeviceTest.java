package io.mdevgpu.realkernel;

import io.mdevgpu.DeviceBusyException;
import io.mdevgpu.Errno;
import io.mdevgpu.InvalidArgumentException;
import io.mdevgpu.KernelException;
import io.mdevgpu.realkernel.jdk.Syscalls;
import io.mdevgpu.realkernel.jdk.SysfsMdev;
import io.mdevgpu.realkernel.jdk.Vfio;
import io.mdevgpu.realkernel.jdk.Vfio.DeviceInfo;
import io.mdevgpu.realkernel.jdk.Vfio.IrqInfo;
import io.mdevgpu.realkernel.jdk.Vfio.Mapping;
import io.mdevgpu.realkernel.jdk.Vfio.RegionInfo;
import io.mdevgpu.realkernel.jdk.Vfio.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(GuestVm.class)
class VfioDeviceTest {
    // 16550 UART registers in mtty's BAR0 (one port = 8 bytes)
    private static final int UART_IER = 1, UART_LCR = 3, UART_SCR = 7, UART_IER_THRI = 0x02;
    private static final int VBE_DISPI_MMIO = 0x500;   // mbochs BAR2: bochs dispi registers, index 0 = ID

    private UUID uuid;

    private Session open(SampleDriver driver) {
        uuid = SysfsMdev.create(driver.parent, driver.firstType().id(), UUID.randomUUID());
        return Vfio.open(SysfsMdev.iommuGroup(uuid), uuid);
    }

    @AfterEach
    void removeInstance() {
        if (uuid != null) SysfsMdev.remove(uuid, Duration.ofSeconds(10));
    }

    @ParameterizedTest
    @EnumSource(SampleDriver.class)
    @DisplayName("7. open the group, container (TYPE1v2) and device of an instance; device info; every region's info")
    void openGroupContainerAndDeviceWithDeviceInfoAndEveryRegionsInfo(SampleDriver driver) {
        try (Session session = open(driver)) {
            assertEquals(0, session.container().apiVersion(), "VFIO_API_VERSION");
            assertTrue(session.container().checkExtension(Vfio.TYPE1v2_IOMMU));
            int status = session.group().statusFlags();
            assertEquals(Vfio.GROUP_FLAGS_VIABLE | Vfio.GROUP_FLAGS_CONTAINER_SET, status, "group status");

            DeviceInfo info = session.device().info();
            assertTrue((info.flags() & Vfio.DEVICE_FLAGS_PCI) != 0, "a PCI device: " + info);
            assertTrue(info.numRegions() >= 9, "BAR0-5, ROM, CONFIG, VGA at least: " + info);
            for (int index = 0; index < info.numRegions(); index++) {
                RegionInfo region = session.device().region(index);
                assertEquals(index, region.index());
                if (region.size() > 0) assertTrue(region.has(Vfio.REGION_READ), "readable: " + region);
            }
            RegionInfo config = session.device().region(Vfio.CONFIG_REGION);
            assertTrue(config.has(Vfio.REGION_READ) && config.has(Vfio.REGION_WRITE), config.toString());
            assertTrue(session.device().region(Vfio.BAR0).size() > 0, "BAR0 present");
        }
    }

    @Test
    @DisplayName("8. a second open of the same group: the busy error")
    void aSecondOpenOfTheSameGroupIsTheBusyError() {
        try (Session session = open(SampleDriver.MTTY)) {
            int group = SysfsMdev.iommuGroup(uuid);
            DeviceBusyException e = assertThrows(DeviceBusyException.class, () -> new Vfio.Group(group).close());
            assertEquals(Errno.EBUSY, e.errno());
            assertTrue(e.getMessage().contains("/dev/vfio/" + group), e.getMessage());
            assertTrue((session.device().info().flags() & Vfio.DEVICE_FLAGS_PCI) != 0, "the first session still works");
        }
        try (Vfio.Group again = new Vfio.Group(SysfsMdev.iommuGroup(uuid))) {
            assertTrue((again.statusFlags() & Vfio.GROUP_FLAGS_VIABLE) != 0, "free again after close");
        }
    }

    @ParameterizedTest
    @EnumSource(SampleDriver.class)
    @DisplayName("9. config space: vendor and device ids equal sysfs and the driver's documented ids; the config region is 0xff bytes")
    void configSpaceIdsEqualSysfsAndTheDocumentedIds(SampleDriver driver) throws IOException {
        try (Session session = open(driver)) {
            RegionInfo config = session.device().region(Vfio.CONFIG_REGION);
            assertEquals(0xff, config.size(), "config region size");
            byte[] header = session.device().read(config, 0, 4);
            int vendor = (header[0] & 0xff) | (header[1] & 0xff) << 8;
            int device = (header[2] & 0xff) | (header[3] & 0xff) << 8;
            assertEquals(HexFormat.of().toHexDigits((short) driver.vendorId), HexFormat.of().toHexDigits((short) vendor), "vendor");
            assertEquals(HexFormat.of().toHexDigits((short) driver.deviceId), HexFormat.of().toHexDigits((short) device), "device");
            Path sysfs = SysfsMdev.DEVICES.resolve(uuid.toString());
            for (Map.Entry<String, Integer> id : Map.of("vendor", vendor, "device", device).entrySet()) {
                Path file = sysfs.resolve(id.getKey());
                if (Files.isRegularFile(file)) {   // mdev devices have no PCI vendor/device files; where present, they agree
                    assertEquals(id.getValue(), Integer.decode(Files.readString(file).strip()), file.toString());
                }
            }
        }
    }

    @Test
    @DisplayName("10. mtty BAR0 through pread/pwrite (no mmap: the fallback is used); mbochs BAR2 register reads")
    void mttyBar0ThroughPreadPwriteAndMbochsBar2RegisterReads() {
        try (Session session = open(SampleDriver.MTTY)) {
            RegionInfo bar0 = session.device().region(Vfio.BAR0);
            assertTrue(bar0.has(Vfio.REGION_READ) && bar0.has(Vfio.REGION_WRITE), bar0.toString());
            assertFalse(bar0.has(Vfio.REGION_MMAP), "mtty's BAR0 cannot be mapped: " + bar0);
            InvalidArgumentException noMmap = assertThrows(InvalidArgumentException.class,
                    () -> session.device().map(bar0, 8));
            assertEquals(Errno.EINVAL, noMmap.errno());
            assertEquals(1, session.device().write(bar0, UART_LCR, new byte[] {0x03}));
            assertArrayEquals(new byte[] {0x03}, session.device().read(bar0, UART_LCR, 1), "LCR read back");
            assertEquals(1, session.device().write(bar0, UART_SCR, new byte[] {0x5a}));
            assertArrayEquals(new byte[] {0x5a}, session.device().read(bar0, UART_SCR, 1), "scratch register read back");
        }
        SysfsMdev.remove(uuid, Duration.ofSeconds(10));
        try (Session session = open(SampleDriver.MBOCHS)) {
            RegionInfo bar2 = session.device().region(Vfio.BAR2);
            assertTrue(bar2.size() > VBE_DISPI_MMIO, bar2.toString());
            byte[] id = session.device().read(bar2, VBE_DISPI_MMIO, 2);
            int dispiId = (id[0] & 0xff) | (id[1] & 0xff) << 8;
            assertEquals(0xb0c5, dispiId, "VBE_DISPI_ID5, as mbochs sets at create");
        }
    }

    @ParameterizedTest
    @EnumSource(value = SampleDriver.class, names = {"MBOCHS", "MDPY"})
    @DisplayName("11. mbochs and mdpy memory BARs through mmap: write, read back, unmap; /proc/self/maps clean after close")
    void memoryBarsThroughMmapAndMapsCleanAfterClose(SampleDriver driver) throws IOException {
        long address;
        try (Session session = open(driver)) {
            RegionInfo bar0 = session.device().region(Vfio.BAR0);
            assertTrue(bar0.has(Vfio.REGION_MMAP), bar0.toString());
            long length = Math.min(bar0.size(), 1 << 20);
            try (Mapping mapping = session.device().map(bar0, length)) {
                MemorySegment memory = mapping.segment();
                address = memory.address();
                assertTrue(mapsLine(address).isPresent(), "mapped: " + Long.toHexString(address));
                for (long offset = 0; offset < length; offset += 4096) memory.set(JAVA_LONG, offset, ~offset);
                for (long offset = 0; offset < length; offset += 4096) {
                    assertEquals(~offset, memory.get(JAVA_LONG, offset), "read back at " + offset);
                }
            }
            assertTrue(mapsLine(address).isEmpty(), "unmapped on close of the mapping");
            try (Mapping again = session.device().map(bar0, length)) {   // device memory outlives one mapping
                assertEquals(~4096L, again.segment().get(JAVA_LONG_UNALIGNED, 4096));
                address = again.segment().address();
            }
            session.device().map(bar0, 4096);   // left to the device's close
        }
        assertTrue(mapsLine(address).isEmpty(), "/proc/self/maps clean after close");
        assertTrue(Files.readAllLines(Path.of("/proc/self/maps")).stream().noneMatch(l -> l.contains("vfio")),
                "no vfio mapping left");
    }

    @Test
    @DisplayName("12. mtty IRQs: IRQ info, SET_IRQS with an eventfd for INTx and MSI, then disable")
    void mttyIrqsWithEventfdsForIntxAndMsiThenDisable() {
        try (Session session = open(SampleDriver.MTTY); Arena arena = Arena.ofConfined()) {
            Vfio.Device device = session.device();
            // mtty answers IRQ queries only after VFIO_DEVICE_GET_INFO (it checks the index against the
            // num_irqs it reported there; before, every index is EINVAL), as every real user asks first
            assertEquals(5, device.info().numIrqs(), "INTx, MSI, MSI-X, ERR, REQ");
            for (int index : List.of(Vfio.INTX_IRQ, Vfio.MSI_IRQ)) {
                IrqInfo irq = device.irq(index);
                assertAll("irq " + index, () -> assertEquals(1, irq.count()),
                        () -> assertTrue((irq.flags() & Vfio.IRQ_INFO_EVENTFD) != 0));
            }
            assertEquals(Errno.EINVAL, assertThrows(InvalidArgumentException.class, () -> device.irq(Vfio.MSIX_IRQ)).errno());
            RegionInfo bar0 = device.region(Vfio.BAR0);
            MemorySegment counter = arena.allocate(8);
            int intx = Syscalls.eventfd();
            int msi = Syscalls.eventfd();
            try {
                device.enableIrq(Vfio.INTX_IRQ, intx);
                device.write(bar0, UART_IER, new byte[] {UART_IER_THRI});   // THR empty + THRI: mtty raises its interrupt
                assertEquals(8, Syscalls.read(intx, counter, "INTx eventfd"));
                assertEquals(1, counter.get(JAVA_LONG, 0), "one INTx");
                device.disableIrq(Vfio.INTX_IRQ);

                device.enableIrq(Vfio.MSI_IRQ, msi);
                device.write(bar0, UART_IER, new byte[] {0});
                device.write(bar0, UART_IER, new byte[] {UART_IER_THRI});
                assertEquals(8, Syscalls.read(msi, counter, "MSI eventfd"));
                assertEquals(1, counter.get(JAVA_LONG, 0), "one MSI");
                KernelException quiet = assertThrows(KernelException.class, () -> Syscalls.read(intx, counter, "INTx eventfd"));
                assertEquals(Errno.EAGAIN, quiet.errno(), "INTx stays quiet while MSI is on");
                device.disableIrq(Vfio.MSI_IRQ);
            } finally {
                Syscalls.close(intx);
                Syscalls.close(msi);
            }
        }
    }

    /** The /proc/self/maps line of the mapping that starts at {@code address}. */
    private static Optional<String> mapsLine(long address) throws IOException {
        String start = Long.toHexString(address) + "-";
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.startsWith(start)).findFirst();
    }
}
