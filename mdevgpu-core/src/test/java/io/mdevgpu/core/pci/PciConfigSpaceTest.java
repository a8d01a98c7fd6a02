package io.mdevgpu.core.pci;

import io.mdevgpu.Bar;
import io.mdevgpu.PciId;
import io.mdevgpu.Size;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.pci.PciResource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.mdevgpu.kernel.abi.pci.PciRegs.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parser against the real H100 SXM5 80GB in fixtures/h100-sxm5-80g, and against damaged copies of it. */
class PciConfigSpaceTest {
    private static final List<Integer> CAP_OFFSETS = List.of(0x40, 0x48, 0x60, 0xb0);
    // Walked by hand from the hex dump: ids of 0 are capabilities the hypervisor hid.
    private static final List<Integer> EXT_OFFSETS = List.of(0x100, 0x12c, 0x134, 0x1b8, 0x248, 0x250, 0x2a4, 0x2b8, 0x2f0);
    private static final List<Integer> EXT_IDS = List.of(0, PCI_EXT_CAP_ID_LTR, 0, PCI_EXT_CAP_ID_ERR, 0, 0,
            PCI_EXT_CAP_ID_VNDR, PCI_EXT_CAP_ID_PWR, PCI_EXT_CAP_ID_DSN);

    @Test
    void readsTheH100Identity() {
        PciConfigSpace space = PciConfigSpace.parse(H100Fixture.config());
        assertEquals(0x10de, space.vendorId());
        assertEquals(0x2330, space.deviceId());
        assertEquals(0x030200, space.classCode());
        assertEquals(0x10de, space.subsystemVendorId());
        assertEquals(0x16c1, space.subsystemId());
        assertEquals(0xa1, space.revision());
        assertEquals(PciId.parse("10de:2330 10de:16c1"), space.pciId());
        assertEquals(PCI_HEADER_TYPE_NORMAL, space.headerType());
        assertFalse(space.isMultiFunction());
        assertEquals(1, space.interruptPin());
        assertEquals(4096, space.size());
    }

    @Test
    void identityAgreesWithTheOtherSysfsAttributes() {
        PciConfigSpace space = H100Fixture.space();
        assertEquals(H100Fixture.sysfsHex("vendor"), space.vendorId());
        assertEquals(H100Fixture.sysfsHex("device"), space.deviceId());
        assertEquals(H100Fixture.sysfsHex("class"), space.classCode());
        assertEquals(H100Fixture.sysfsHex("subsystem_vendor"), space.subsystemVendorId());
        assertEquals(H100Fixture.sysfsHex("subsystem_device"), space.subsystemId());
        assertEquals(H100Fixture.sysfsHex("revision"), space.revision());
    }

    @Test
    void sizesGivenByIndexAgreeWithTheResourceFile() {
        // what VFIO's region info would say: 16 MiB, -, 128 GiB, -, 32 MiB, -
        long[] sizes = {16L << 20, 0, 128L << 30, 0, 32L << 20, 0};
        assertEquals(H100Fixture.space().bars(), PciConfigSpace.parse(H100Fixture.config(), sizes).bars());
    }

    @Test
    void aBarWhoseRegisterIsZeroIsSeenWhenItsSizeIsKnown() {
        byte[] config = H100Fixture.config();
        for (int i = 0; i < 8; i++) config[PCI_BASE_ADDRESS_0 + i] = 0; // BAR0, a 64-bit one, not yet assigned
        assertFalse(PciConfigSpace.parse(config).bar(0).isPresent(), "a raw dump cannot tell it from no BAR");
        Bar bar0 = PciConfigSpace.parse(config, new long[] {16L << 20, 0, 128L << 30, 0, 32L << 20, 0}).bar(0).orElseThrow();
        assertEquals(Size.mib(16), bar0.size());
        assertEquals(0, bar0.start());
        assertFalse(bar0.is64Bit(), "a register of 0 declares a 32-bit memory BAR");
    }

    @Test
    void sizesByIndexMustBeSixPowersOfTwoOrZero() {
        byte[] config = H100Fixture.config();
        assertThrows(ValidationException.class, () -> PciConfigSpace.parse(config, new long[5]));
        assertThrows(ValidationException.class, () -> PciConfigSpace.parse(config, (long[]) null));
        assertThrows(ValidationException.class, () -> PciConfigSpace.parse(config, new long[] {3 << 20, 0, 0, 0, 0, 0}));
        assertThrows(ValidationException.class, () -> PciConfigSpace.parse(config, new long[] {-1, 0, 0, 0, 0, 0}));
    }

    @Test
    void readsTheThreeBarsWithSizesFromTheResourceFile() {
        PciConfigSpace space = H100Fixture.space();
        assertEquals(List.of(0, 2, 4), space.bars().stream().map(Bar::index).toList());
        assertBar(space.bar(0).orElseThrow(), Size.mib(16), 0x1020_0200_0000L);
        assertBar(space.bar(2).orElseThrow(), Size.gib(128), 0x1000_0000_0000L);
        assertBar(space.bar(4).orElseThrow(), Size.mib(32), 0x1020_0000_0000L);
        assertTrue(space.bar(1).isEmpty(), "register 1 is BAR0's upper half");
    }

    private static void assertBar(Bar bar, Size size, long address) {
        assertTrue(bar.isMemory() && bar.is64Bit() && !bar.below1M(), bar.toString());
        assertTrue(bar.prefetchable(), bar.toString());
        assertEquals(2, bar.registers());
        assertEquals(size, bar.size(), bar.toString());
        assertEquals(address, bar.start(), bar.toString());
    }

    @Test
    void barAddressesAgreeWithTheResourceFile() {
        PciConfigSpace space = H100Fixture.space();
        List<PciResource> resource = H100Fixture.resource();
        for (Bar bar : space.bars()) {
            PciResource window = resource.get(bar.index());
            assertEquals(window.start(), bar.start(), bar.toString());
            assertEquals(window.size(), bar.size(), bar.toString());
            assertEquals(window.toBar(), bar, "the config space and the kernel's conversion agree");
        }
    }

    @Test
    void aRawDumpKnowsAddressesButNotSizes() {
        PciConfigSpace raw = PciConfigSpace.parse(H100Fixture.config());
        assertEquals(List.of(0, 2, 4), raw.bars().stream().map(Bar::index).toList());
        for (Bar bar : raw.bars()) {
            assertFalse(bar.sizeKnown(), bar.toString());
            assertTrue(bar.isMemory() && bar.is64Bit(), bar.toString());
            assertTrue(PciConfigSpace.regionLine(bar).endsWith("[size unknown]"), PciConfigSpace.regionLine(bar));
        }
        assertEquals(H100Fixture.space(), raw.withBarSizes(H100Fixture.resource()));
        assertNotEquals(raw, H100Fixture.space());
    }

    @Test
    void walksTheCapabilityChain() {
        PciConfigSpace space = H100Fixture.space();
        assertEquals(CAP_OFFSETS, space.capabilities().stream().map(Capability::offset).toList());
        assertEquals(List.of(PCI_CAP_ID_PM, PCI_CAP_ID_MSI, PCI_CAP_ID_EXP, PCI_CAP_ID_MSIX),
                space.capabilities().stream().map(Capability::id).toList());
        assertEquals(List.of("Power Management", "MSI", "Express", "MSI-X"),
                space.capabilities().stream().map(Capability::name).toList());
        assertEquals(0x60, space.capability(PCI_CAP_ID_EXP).orElseThrow().offset());
        assertTrue(space.capability(PCI_CAP_ID_VPD).isEmpty());
    }

    @Test
    void walksTheExtendedCapabilityChainFrom0x100() {
        PciConfigSpace space = H100Fixture.space();
        assertEquals(EXT_OFFSETS, space.extendedCapabilities().stream().map(ExtendedCapability::offset).toList());
        assertEquals(EXT_IDS, space.extendedCapabilities().stream().map(ExtendedCapability::id).toList());
        ExtendedCapability aer = space.extendedCapability(PCI_EXT_CAP_ID_ERR).orElseThrow();
        assertEquals(0x1b8, aer.offset());
        assertEquals(2, aer.version());
        assertEquals("[1b8 v2] Advanced Error Reporting", aer.toString());
        assertEquals("[100 v0] Null", space.extendedCapabilities().getFirst().toString());
        assertEquals("Device Serial Number", space.extendedCapabilities().getLast().name());
    }

    @Test
    void readsTheNegotiatedLinkLikeSysfs() {
        PciConfigSpace space = H100Fixture.space();
        PcieLink link = space.pcieLink().orElseThrow();
        assertEquals(Integer.parseInt(H100Fixture.sysfs("current_link_width")), link.width());
        assertEquals(H100Fixture.sysfs("current_link_speed"), link.speedName().replace("GT/s", ".0 GT/s PCIe"));
        assertEquals("32GT/s x16", link.toString());
    }

    @Test
    void printsLikeACompactLspci() {
        String text = H100Fixture.space().toString();
        assertTrue(text.startsWith("PCI 10de:2330 [10de:16c1] rev a1, 3D controller [030200], 4096 bytes\n"), text);
        assertTrue(text.contains("\tControl: I/O- Mem+ BusMaster+ ParErr- SERR- DisINTx+\n"), text);
        assertTrue(text.contains("\tStatus: Cap+ INTx- "), text);
        assertTrue(text.contains("\tInterrupt: pin A routed to IRQ 255\n"), text);
        assertTrue(text.contains("\tRegion 2: Memory at 100000000000 (64-bit, prefetchable) [size=128GiB]\n"), text);
        assertTrue(text.contains("\tCapabilities: [40] Power Management version 3\n"), text);
        assertTrue(text.contains("\tCapabilities: [48] MSI: Enable- Count=1/16 Maskable+ 64bit+\n"), text);
        assertTrue(text.contains("\tCapabilities: [60] Express (v2) Endpoint, link 32GT/s x16\n"), text);
        assertTrue(text.contains("\tCapabilities: [b0] MSI-X: Enable+ Count=9 Masked-\n"), text);
        assertTrue(text.endsWith("\tCapabilities: [2f0 v1] Device Serial Number"), text);
    }

    @Test
    void theFirst256BytesHaveNoExtendedCapabilities() {
        byte[] legacy = java.util.Arrays.copyOf(H100Fixture.config(), 256);
        PciConfigSpace space = PciConfigSpace.parse(legacy);
        assertEquals(256, space.size());
        assertEquals(CAP_OFFSETS, space.capabilities().stream().map(Capability::offset).toList());
        assertTrue(space.extendedCapabilities().isEmpty());
    }

    @Test
    void readsFieldsAndCopiesBytes() {
        PciConfigSpace space = H100Fixture.space();
        assertEquals(0x2330_10de, space.read(PCI_VENDOR_ID, 4));
        assertEquals(0x40, space.read(PCI_CAPABILITY_LIST, 1));
        byte[] copy = space.bytes();
        copy[0] = 0;
        assertEquals(0x10de, space.vendorId(), "bytes() hands out a copy");
        assertThrows(ValidationException.class, () -> space.read(4093, 4));
    }

    @Test
    void withoutTheCapabilityListBitThereAreNoCapabilities() {
        byte[] config = H100Fixture.config();
        config[PCI_STATUS] &= (byte) ~PCI_STATUS_CAP_LIST;
        assertTrue(PciConfigSpace.parse(config).capabilities().isEmpty());
    }

    @Test
    void anExtendedHeaderOfZeroMeansNone() {
        byte[] config = H100Fixture.config();
        set32(config, 0x100, 0);
        assertTrue(PciConfigSpace.parse(config).extendedCapabilities().isEmpty());
    }

    // ---- bad input ----

    @Test
    void refusesAShortUnprivilegedRead() {
        byte[] first64 = java.util.Arrays.copyOf(H100Fixture.config(), 64);
        ValidationException e = assertThrows(ValidationException.class, () -> PciConfigSpace.parse(first64));
        assertTrue(e.getMessage().contains("64 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("as root"), e.getMessage());
    }

    @Test
    void refusesNull() {
        ValidationException e = assertThrows(ValidationException.class, () -> PciConfigSpace.parse(null));
        assertTrue(e.getMessage().contains("required"), e.getMessage());
    }

    @Test
    void refusesAnAbsentDevice() {
        byte[] allOnes = new byte[256];
        java.util.Arrays.fill(allOnes, (byte) 0xff);
        ValidationException e = assertThrows(ValidationException.class, () -> PciConfigSpace.parse(allOnes));
        assertTrue(e.getMessage().contains("vendor 0xffff"), e.getMessage());
    }

    @Test
    void refusesABridgeHeader() {
        byte[] config = H100Fixture.config();
        config[PCI_HEADER_TYPE] = (byte) (0x80 | PCI_HEADER_TYPE_BRIDGE);
        ValidationException e = assertThrows(ValidationException.class, () -> PciConfigSpace.parse(config));
        assertTrue(e.getMessage().contains("header type 1"), e.getMessage());
    }

    @Test
    void refusesALoopingCapabilityList() {
        byte[] config = H100Fixture.config();
        config[0xb0 + PCI_CAP_LIST_NEXT] = 0x48;
        ValidationException e = assertThrows(ValidationException.class, () -> PciConfigSpace.parse(config));
        assertTrue(e.getMessage().contains("0x40 -> 0x48 -> 0x60 -> 0xb0 -> 0x48"), e.getMessage());
        assertTrue(e.getMessage().contains("loops back to 0x48"), e.getMessage());
    }

    @Test
    void refusesACapabilityPointerIntoTheHeader() {
        byte[] config = H100Fixture.config();
        config[0x60 + PCI_CAP_LIST_NEXT] = 0x20;
        ValidationException e = assertThrows(ValidationException.class, () -> PciConfigSpace.parse(config));
        assertTrue(e.getMessage().contains("not at 0x20"), e.getMessage());
    }

    @Test
    void refusesALoopingExtendedList() {
        byte[] config = H100Fixture.config();
        set32(config, 0x2f0, 0x1b8 << 20 | 1 << 16 | PCI_EXT_CAP_ID_DSN);
        ValidationException e = assertThrows(ValidationException.class, () -> PciConfigSpace.parse(config));
        assertTrue(e.getMessage().contains("loops back to 0x1b8"), e.getMessage());
    }

    @Test
    void refusesAnExtendedPointerBelow0x100() {
        byte[] config = H100Fixture.config();
        set32(config, 0x2f0, 0x0c0 << 20 | 1 << 16 | PCI_EXT_CAP_ID_DSN);
        ValidationException e = assertThrows(ValidationException.class, () -> PciConfigSpace.parse(config));
        assertTrue(e.getMessage().contains("points to 0x0c0"), e.getMessage());
    }

    @Test
    void refusesA64BitBarWithoutRoomForItsUpperHalf() {
        byte[] config = H100Fixture.config();
        set32(config, PCI_BASE_ADDRESS_4, 0);
        set32(config, PCI_BASE_ADDRESS_5, PCI_BASE_ADDRESS_MEM_TYPE_64);
        ValidationException e = assertThrows(ValidationException.class, () -> PciConfigSpace.parse(config));
        assertTrue(e.getMessage().contains("BAR5"), e.getMessage());
        assertTrue(e.getMessage().contains("upper half"), e.getMessage());
    }

    @Test
    void refusesTheReservedMemoryType() {
        byte[] config = H100Fixture.config();
        set32(config, PCI_BASE_ADDRESS_0, 0x0200_0006);
        ValidationException e = assertThrows(ValidationException.class, () -> PciConfigSpace.parse(config));
        assertTrue(e.getMessage().contains("reserved"), e.getMessage());
    }

    @Test
    void refusesAResourceFileOfAnotherKind() {
        String io = H100Fixture.sysfs("resource").replaceFirst("0x000000000014220c", "0x0000000000040101");
        ValidationException e = assertThrows(ValidationException.class,
                () -> PciConfigSpace.parse(H100Fixture.config(), PciResource.parse(io)));
        assertTrue(e.getMessage().contains("resource line 0"), e.getMessage());
        assertTrue(e.getMessage().contains("same kind"), e.getMessage());
    }

    @Test
    void refusesAResourceWindowOnAnUpperHalf() {
        String text = H100Fixture.sysfs("resource").replaceFirst(
                "\n0x0000000000000000 0x0000000000000000 0x0000000000000000",
                "\n0x0000000030000000 0x0000000030ffffff 0x0000000000040200");
        ValidationException e = assertThrows(ValidationException.class,
                () -> PciConfigSpace.parse(H100Fixture.config(), PciResource.parse(text)));
        assertTrue(e.getMessage().contains("resource line 1"), e.getMessage());
        assertTrue(e.getMessage().contains("upper half of 64-bit BAR0"), e.getMessage());
    }

    @Test
    void refusesABarSizeThatIsNotAPowerOfTwo() {
        String text = H100Fixture.sysfs("resource").replaceFirst("0x0000102002ffffff", "0x0000102002fffffe");
        ValidationException e = assertThrows(ValidationException.class,
                () -> PciConfigSpace.parse(H100Fixture.config(), PciResource.parse(text)));
        assertTrue(e.getMessage().contains("power of two"), e.getMessage());
    }

    @Test
    void refusesAResourceFileOfFewerThanSixLines() {
        List<PciResource> five = H100Fixture.resource().subList(0, 5);
        ValidationException e = assertThrows(ValidationException.class, () -> PciConfigSpace.parse(H100Fixture.config(), five));
        assertTrue(e.getMessage().contains("5 lines"), e.getMessage());
        assertThrows(ValidationException.class, () -> PciConfigSpace.parse(H100Fixture.config(), List.of()));
    }

    @Test
    void refusesResourceLinesOutOfOrder() {
        PciResource empty = new PciResource(1, 0, 0, 0);
        ValidationException e = assertThrows(ValidationException.class,
                () -> PciConfigSpace.parse(H100Fixture.config(), List.of(empty, empty, empty, empty, empty, empty)));
        assertTrue(e.getMessage().contains("line 0"), e.getMessage());
    }

    @Test
    void printsRegionsLikeLspci() {
        assertEquals("Region 5: I/O ports at 2000 [size=128B]",
                PciConfigSpace.regionLine(new Bar(5, 0x2000, Size.bytes(128), false, false, true)));
        assertEquals("Region 0: Memory at fb000000 (32-bit, non-prefetchable) [size=16MiB]",
                PciConfigSpace.regionLine(new Bar(0, 0xfb00_0000L, Size.mib(16), false, false, false)));
        assertEquals("Region 1: Memory at c0000 (low-1M, non-prefetchable) [size=16KiB]",
                PciConfigSpace.regionLine(new Bar(1, 0xc_0000L, Size.kib(16), false, false, false, true)));
    }

    @Test
    void readsAnIoBarAndABelow1MBar() {
        byte[] config = H100Fixture.config();
        set32(config, PCI_BASE_ADDRESS_0, 0x0000_e001);                             // I/O ports at 0xe000
        set32(config, PCI_BASE_ADDRESS_1, 0x000c_0000 | PCI_BASE_ADDRESS_MEM_TYPE_1M); // below-1M memory
        PciConfigSpace space = PciConfigSpace.parse(config);
        Bar io = space.bar(0).orElseThrow();
        assertTrue(io.io() && !io.prefetchable() && !io.is64Bit(), io.toString());
        assertEquals(0xe000, io.start());
        Bar low = space.bar(1).orElseThrow();
        assertTrue(low.below1M() && low.isMemory() && !low.is64Bit(), low.toString());
        assertEquals(0xc_0000L, low.start());
        assertEquals(List.of(0, 1, 2, 4), space.bars().stream().map(Bar::index).toList());
    }

    static void set32(byte[] bytes, int offset, int value) {
        for (int i = 0; i < 4; i++) {
            bytes[offset + i] = (byte) (value >>> (8 * i));
        }
    }
}
