package io.mdevgpu.kernel.pci;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import io.mdevgpu.Errno;
import io.mdevgpu.HostStateException;
import io.mdevgpu.KernelException;
import io.mdevgpu.NoSuchDeviceException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.PciId;
import io.mdevgpu.Size;
import io.mdevgpu.kernel.testing.FakeHost;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinuxPciDiscoveryTest {
    @TempDir
    Path root;
    FakeHost host;
    LinuxPciDiscovery pci;
    Path h100;
    /** The path discovery reads through (and names in errors): the bus link, not the device's own directory. */
    Path h100Link;

    @BeforeEach
    void fakeHost() {
        host = FakeHost.create(root);
        pci = new LinuxPciDiscovery(host.layout);
        h100 = root.resolve("sys/devices/pci0000:00/0000:00:06.0");
        h100Link = root.resolve("sys/bus/pci/devices/0000:00:06.0");
    }

    @Test
    void findsTheH100WithEveryField() {
        List<PciDevice> found = pci.displayDevices();
        assertEquals(1, found.size(), found.toString());
        PciDevice d = found.getFirst();
        // facts from the fixture's README, read off the live host
        assertEquals(PciAddress.of(0, 0, 6, 0), d.address());
        assertEquals(PciId.of(0x10de, 0x2330, 0x10de, 0x16c1), d.id());
        assertEquals(0xa1, d.revision());
        assertEquals(0x030200, d.classCode());
        assertTrue(d.isDisplay());
        assertEquals("3D controller", d.className());
        assertEquals(Optional.of("nvidia"), d.driver());
        assertEquals(OptionalInt.of(12), d.iommuGroup());
        assertEquals(-1, d.numaNode());
        assertEquals(7, d.resources().size());
        assertEquals(List.of(0, 2, 4), d.bars().stream().map(PciResource::index).toList());
        assertEquals(Size.mib(16), d.bar(0).orElseThrow().size());
        assertEquals(Size.gib(128), d.bar(2).orElseThrow().size());
        assertEquals(Size.mib(32), d.bar(4).orElseThrow().size());
        assertTrue(d.bar(2).orElseThrow().is64Bit() && d.bar(2).orElseThrow().isPrefetchable());
        assertTrue(d.bar(1).isEmpty());
        byte[] config = d.config();
        assertEquals(4096, config.length);
        // vendor and device ids little-endian at 0, capability pointer 0x40 at 0x34
        assertArrayEquals(new byte[] {(byte) 0xde, 0x10, 0x30, 0x23}, Arrays.copyOf(config, 4));
        assertEquals(0x40, config[0x34]);
        config[0] = 0;
        assertEquals((byte) 0xde, d.config()[0], "config() hands out a copy");
        assertEquals("0000:00:06.0 3D controller [0302]: 10de:2330 [10de:16c1] (rev a1) driver=nvidia iommu_group=12"
                + " BAR0=16MiB BAR2=128GiB BAR4=32MiB config=4096B", d.toString());
        assertEquals(d, pci.device(d.address()), "the same device read twice is equal");
    }

    @Test
    void skipsNonDisplayDevicesButFindsThemByAddress() {
        assertTrue(pci.displayDevices().stream().noneMatch(d -> d.address().equals(FakeHost.NIC)));
        PciDevice nic = pci.device(FakeHost.NIC);
        assertFalse(nic.isDisplay());
        assertEquals(0x020000, nic.classCode());
        assertEquals(0, nic.numaNode());
        assertEquals(Optional.of("igb"), nic.driver());
        assertEquals(64, nic.configSize());
        assertEquals("0000:03:00.0 PCI device [0200]: 8086:1533 [8086:0001] (rev 03) driver=igb iommu_group=7 numa_node=0"
                + " BAR0=1MiB config=64B", nic.toString());
    }

    @Test
    void whatTheWriterWroteIsWhatDiscoveryReads() {
        PciDevice written = io.mdevgpu.kernel.testing.H100Fixture.device(12);
        assertEquals(written, pci.device(written.address()));
        PciDevice other = written.toBuilder().revision(0xa2).build();
        assertNotEquals(written, other);
    }

    @Test
    void absentOptionalAttributesMeanNone() throws IOException {
        Files.delete(h100.resolve("numa_node"));
        Files.delete(h100.resolve("driver"));
        Files.delete(h100.resolve("iommu_group"));
        byte[] header = Arrays.copyOf(Files.readAllBytes(h100.resolve("config")), 64);
        Files.write(h100.resolve("config"), header); // what a non-root reader gets
        PciDevice d = pci.displayDevices().getFirst();
        assertEquals(-1, d.numaNode());
        assertEquals(Optional.empty(), d.driver());
        assertEquals(OptionalInt.empty(), d.iommuGroup());
        assertEquals(64, d.configSize());
        assertTrue(d.toString().contains("driver=none iommu_group=none"), d.toString());
    }

    @Test
    void aMalformedNumaNodeIsReadAsNone() throws IOException {
        Files.writeString(h100.resolve("numa_node"), "zero\n");
        assertEquals(-1, pci.displayDevices().getFirst().numaNode());
        Files.writeString(h100.resolve("numa_node"), "1\n");
        assertEquals(1, pci.displayDevices().getFirst().numaNode());
    }

    @Test
    void aMissingEssentialAttributeIsATypedErrorNamingThePath() throws IOException {
        for (String name : List.of("vendor", "device", "subsystem_vendor", "subsystem_device", "revision", "resource", "config")) {
            Path file = h100.resolve(name);
            byte[] saved = Files.readAllBytes(file);
            Files.delete(file);
            NoSuchDeviceException e = assertThrows(NoSuchDeviceException.class, pci::displayDevices, name);
            assertEquals(Errno.ENOENT, e.errno());
            assertTrue(e.getMessage().contains(h100Link.resolve(file.getFileName()).toString()), e.getMessage());
            Files.write(file, saved);
        }
        assertEquals(1, pci.displayDevices().size(), "restored");
    }

    @Test
    void anUnreadableAttributeCarriesItsErrno() throws IOException {
        Path vendor = h100.resolve("vendor");
        Files.delete(vendor);
        Files.createDirectory(vendor); // read(2) on a directory: EISDIR
        KernelException e = assertThrows(KernelException.class, pci::displayDevices);
        assertEquals(Errno.EISDIR, e.errno());
        assertTrue(e.getMessage().contains(h100Link.resolve("vendor").toString()), e.getMessage());
    }

    @Test
    void malformedEssentialAttributesAreTypedErrorsNamingThePath() throws IOException {
        String[][] cases = {
                {"vendor", "0xzz10\n"}, {"vendor", "0x10de0\n"}, {"device", "\n"}, {"revision", "0x1a1\n"},
                {"subsystem_device", "16c1 16c1\n"},
                {"resource", "0x0000102002000000 0x0000102002ffffff\n"}};
        for (String[] c : cases) {
            Path file = h100.resolve(c[0]);
            String saved = Files.readString(file);
            Files.writeString(file, c[1]);
            HostStateException e = assertThrows(HostStateException.class, pci::displayDevices, c[0] + "=" + c[1]);
            assertTrue(e.getMessage().contains(h100Link.resolve(file.getFileName()).toString()), e.getMessage());
            Files.writeString(file, saved);
        }
    }

    @Test
    void brokenLinksAreTypedErrors() throws IOException {
        Path driver = h100.resolve("driver");
        Files.delete(driver);
        Files.writeString(driver, "nvidia\n");
        HostStateException e = assertThrows(HostStateException.class, pci::displayDevices);
        assertTrue(e.getMessage().contains(h100Link.resolve("driver") + ": a plain file or directory where the kernel makes a symbolic link"), e.getMessage());
        Files.delete(driver);

        Path group = h100.resolve("iommu_group");
        Files.delete(group);
        Files.createSymbolicLink(group, Path.of("../../../kernel/iommu_groups/twelve"));
        e = assertThrows(HostStateException.class, pci::displayDevices);
        assertTrue(e.getMessage().contains(h100Link.resolve("iommu_group").toString()), e.getMessage());
    }

    @Test
    void aDeviceWhoseClassCannotBeReadIsSkippedFromTheListingButNotFromALookup() throws IOException {
        Files.writeString(h100.resolve("class"), "display\n");
        assertEquals(List.of(), pci.displayDevices());
        HostStateException e = assertThrows(HostStateException.class, () -> pci.device(PciAddress.parse("0000:00:06.0")));
        assertTrue(e.getMessage().contains(h100Link.resolve("class").toString()), e.getMessage());
    }

    @Test
    void unknownAddressesAndOddEntries() throws IOException {
        NoSuchDeviceException e = assertThrows(NoSuchDeviceException.class, () -> pci.device(PciAddress.parse("0000:65:00.0")));
        assertTrue(e.getMessage().contains("0000:65:00.0"), e.getMessage());
        Files.createDirectory(root.resolve("sys/bus/pci/devices/not-an-address"));
        assertEquals(1, pci.displayDevices().size());
        assertEquals(List.of(), new LinuxPciDiscovery(io.mdevgpu.kernel.sysfs.SysfsLayout.under(root.resolve("empty")))
                .displayDevices());
    }
}
