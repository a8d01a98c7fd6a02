package io.mdevgpu.core.pci;

import io.mdevgpu.Bar;
import io.mdevgpu.MdevType;
import io.mdevgpu.MdevTypeBuilder;
import io.mdevgpu.PciId;
import io.mdevgpu.Size;
import io.mdevgpu.ValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;

import static io.mdevgpu.kernel.abi.pci.PciRegs.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The emulated guest config space: identity, the BAR sizing protocol, read-only, writable and write-1-to-clear bits. */
class GuestConfigSpaceTest {
    /** The predecessor's "Open vAmpere" whole-GPU type, guest id 0x20B01479, BAR1 0x800 MiB. */
    private static final MdevType AMPERE = MdevTypeBuilder.number(529).name("Open vAmpere").maxInstances(1)
            .framebuffer(Size.mib(38336)).reserved(Size.mib(2624)).bar1(Size.mib(0x800))
            .guestPciId(PciId.fromNvidiaPacked(0x20B01479L)).build();
    private static final MdevType PLAIN = MdevTypeBuilder.number(1).maxInstances(10)
            .framebuffer(Size.mib(896)).reserved(Size.mib(128)).build();

    private static GuestConfigSpace guest(MdevType type) {
        return GuestConfigSpace.of(H100Fixture.space(), type);
    }

    @Test
    void showsTheGuestPciIdAndThePhysicalClass() {
        GuestConfigSpace g = guest(AMPERE);
        assertEquals(0x10de, g.read(PCI_VENDOR_ID, 2));
        assertEquals(0x20b0, g.read(PCI_DEVICE_ID, 2));
        assertEquals(0x10de, g.read(PCI_SUBSYSTEM_VENDOR_ID, 2));
        assertEquals(0x1479, g.read(PCI_SUBSYSTEM_ID, 2));
        assertEquals(0x030200_a1, g.read(PCI_CLASS_REVISION, 4));
        assertEquals(0x20b0_10de, g.read(PCI_VENDOR_ID, 4));
        assertEquals(PciId.parse("10de:20b0 10de:1479"), g.pciId());
    }

    @Test
    void withoutAGuestPciIdTheGuestSeesThePhysicalGpu() {
        assertEquals(PciId.parse("10de:2330 10de:16c1"), guest(PLAIN).pciId());
    }

    @Test
    void aGuestPciIdWithoutSubsystemKeepsThePhysicalSubsystem() {
        MdevType type = PLAIN.toBuilder().guestPciId(PciId.of(0x10de, 0x1e30)).build();
        assertEquals(PciId.parse("10de:1e30 10de:16c1"), guest(type).pciId());
    }

    @Test
    void sizingProtocolReadsBackEachBarsMask() {
        GuestConfigSpace g = guest(PLAIN); // BAR1 256 MiB
        assertEquals(0xff00_0000, sizeMask(g, PCI_BASE_ADDRESS_0), "BAR0: 16 MiB, 32-bit, non-prefetchable");
        assertEquals(0xf000_000c, sizeMask(g, PCI_BASE_ADDRESS_1), "BAR1 low: 256 MiB, 64-bit prefetchable");
        assertEquals(0xffff_ffff, sizeMask(g, PCI_BASE_ADDRESS_2), "BAR1 high");
        assertEquals(0xfe00_000c, sizeMask(g, PCI_BASE_ADDRESS_3), "BAR3 low: 32 MiB, 64-bit prefetchable");
        assertEquals(0xffff_ffff, sizeMask(g, PCI_BASE_ADDRESS_4), "BAR3 high");
        assertEquals(0, sizeMask(g, PCI_BASE_ADDRESS_5), "no BAR5");
        assertEquals(0, sizeMask(g, PCI_ROM_ADDRESS), "no expansion ROM");
    }

    @Test
    void aBar1LargerThan4GiBHasSizeBitsInItsUpperRegister() {
        GuestConfigSpace g = guest(PLAIN.toBuilder().bar1(Size.gib(64)).build());
        assertEquals(0x0000_000c, sizeMask(g, PCI_BASE_ADDRESS_1));
        assertEquals(0xffff_fff0, sizeMask(g, PCI_BASE_ADDRESS_2));
    }

    private static int sizeMask(GuestConfigSpace g, int register) {
        g.write(register, 4, 0xffff_ffff);
        return g.read(register, 4);
    }

    @ParameterizedTest(name = "BAR1 {0} MiB decodes {1} MiB")
    @CsvSource({"1, 1", "16, 16", "256, 256", "300, 512", "1024, 1024", "2048, 2048", "3000, 4096", "4096, 4096",
            "65536, 65536", "131072, 131072"})
    void everyBarRoundTripsThroughTheSizingProtocol(long bar1MiB, long decodedMiB) {
        GuestConfigSpace g = guest(PLAIN.toBuilder().bar1(Size.mib(bar1MiB)).build());
        g.write(PCI_BASE_ADDRESS_0, 4, 0xfb00_0000);
        g.write(PCI_BASE_ADDRESS_1, 4, 0x0000_0000);
        g.write(PCI_BASE_ADDRESS_2, 4, 0x0000_0020);
        byte[] before = g.snapshot();

        PciConfigSpace probed = PciConfigSpace.probe(g);

        assertArrayEquals(before, g.snapshot(), "probing restores every register");
        assertEquals(List.of(0, 1, 3), probed.bars().stream().map(Bar::index).toList());
        Bar bar0 = probed.bar(0).orElseThrow();
        assertEquals(new Bar(0, 0xfb00_0000L, Size.mib(16), false, false, false), bar0);
        Bar bar1 = probed.bar(1).orElseThrow();
        assertEquals(new Bar(1, 0x20_0000_0000L & -Size.mib(decodedMiB).bytes(), Size.mib(decodedMiB), true, true, false), bar1);
        assertEquals(Size.mib(decodedMiB), g.barSize(1));
        Bar bar3 = probed.bar(3).orElseThrow();
        assertEquals(new Bar(3, 0, Size.mib(32), true, true, false), bar3);
    }

    @Test
    void programmedAddressesKeepOnlyTheAddressBits() {
        GuestConfigSpace g = guest(PLAIN);
        g.write(PCI_BASE_ADDRESS_0, 4, 0x1234_5678);
        assertEquals(0x1200_0000, g.read(PCI_BASE_ADDRESS_0, 4));
        g.write(PCI_BASE_ADDRESS_1, 4, 0xe123_4567);
        assertEquals(0xe000_000c, g.read(PCI_BASE_ADDRESS_1, 4), "type bits stay, low address bits are not decoded");
        g.write(PCI_BASE_ADDRESS_1 + 3, 1, 0x50);
        assertEquals(0x5000_000c, g.read(PCI_BASE_ADDRESS_1, 4), "a byte write changes only its byte");
    }

    @Test
    void readOnlyRegistersIgnoreWrites() {
        GuestConfigSpace g = guest(AMPERE);
        byte[] before = g.snapshot();
        for (int offset : new int[]{PCI_VENDOR_ID, PCI_CLASS_REVISION, PCI_CARDBUS_CIS, PCI_SUBSYSTEM_VENDOR_ID, PCI_ROM_ADDRESS,
                PCI_CAPABILITY_LIST, 0x40, 0x100, 0xffc}) {
            g.write(offset, 4, 0xffff_ffff);
            g.write(offset, 4, 0);
        }
        g.write(PCI_LATENCY_TIMER, 2, 0xffff); // latency timer and header type
        g.write(PCI_INTERRUPT_PIN, 1, 4);
        g.write(GuestConfigSpace.EXP_OFFSET + PCI_EXP_LNKCAP, 4, 0);
        assertArrayEquals(before, g.snapshot());
    }

    @Test
    void commandRegisterTakesOnlyItsWritableBits() {
        GuestConfigSpace g = guest(PLAIN);
        assertEquals(0, g.read(PCI_COMMAND, 2));
        g.write(PCI_COMMAND, 2, 0xffff);
        assertEquals(PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_PARITY | PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE,
                g.read(PCI_COMMAND, 2));
        assertEquals(0x0546, g.read(PCI_COMMAND, 2));
        g.write(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
        assertEquals(PCI_COMMAND_MEMORY, g.read(PCI_COMMAND, 2));
    }

    @Test
    void statusErrorBitsClearWhenOneIsWritten() {
        GuestConfigSpace g = guest(PLAIN);
        assertEquals(PCI_STATUS_CAP_LIST, g.read(PCI_STATUS, 2));
        g.deviceSetBits(PCI_STATUS, 2, PCI_STATUS_REC_MASTER_ABORT | PCI_STATUS_SIG_TARGET_ABORT);
        g.write(PCI_STATUS, 2, 0);
        assertEquals(PCI_STATUS_CAP_LIST | PCI_STATUS_REC_MASTER_ABORT | PCI_STATUS_SIG_TARGET_ABORT, g.read(PCI_STATUS, 2),
                "writing 0 clears nothing");
        g.write(PCI_STATUS, 2, PCI_STATUS_REC_MASTER_ABORT);
        assertEquals(PCI_STATUS_CAP_LIST | PCI_STATUS_SIG_TARGET_ABORT, g.read(PCI_STATUS, 2), "only the bit written 1 clears");
        g.write(PCI_STATUS, 2, PCI_STATUS_REC_MASTER_ABORT);
        assertEquals(PCI_STATUS_CAP_LIST | PCI_STATUS_SIG_TARGET_ABORT, g.read(PCI_STATUS, 2), "a guest cannot set an error bit");
        g.write(PCI_COMMAND, 4, 0xffff_0000 | PCI_COMMAND_MEMORY);
        assertEquals(PCI_STATUS_CAP_LIST, g.read(PCI_STATUS, 2), "all-ones clears every error bit, Cap stays");
        assertEquals(PCI_COMMAND_MEMORY, g.read(PCI_COMMAND, 2), "the same dword write sets the command register");
    }

    @Test
    void interruptStatusIsTheDevicesToSetAndClear() {
        GuestConfigSpace g = guest(PLAIN);
        g.deviceSetBits(PCI_STATUS, 2, PCI_STATUS_INTERRUPT);
        g.write(PCI_STATUS, 2, 0xffff);
        assertEquals(PCI_STATUS_CAP_LIST | PCI_STATUS_INTERRUPT, g.read(PCI_STATUS, 2), "INTx status is read-only to the guest");
        g.deviceClearBits(PCI_STATUS, 2, PCI_STATUS_INTERRUPT);
        assertEquals(PCI_STATUS_CAP_LIST, g.read(PCI_STATUS, 2));
    }

    @Test
    void expressDeviceStatusErrorsClearWhenOneIsWritten() {
        GuestConfigSpace g = guest(PLAIN);
        int devsta = GuestConfigSpace.EXP_OFFSET + PCI_EXP_DEVSTA;
        g.deviceSetBits(devsta, 2, PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_URD);
        g.write(devsta, 2, PCI_EXP_DEVSTA_URD);
        assertEquals(PCI_EXP_DEVSTA_CED, g.read(devsta, 2));
    }

    @Test
    void capabilityRegistersTakeTheirWritableBits() {
        GuestConfigSpace g = guest(PLAIN);
        int msi = GuestConfigSpace.MSI_OFFSET;
        g.write(msi + PCI_MSI_FLAGS, 2, 0xffff);
        assertEquals(PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE, g.read(msi + PCI_MSI_FLAGS, 2));
        g.write(msi + PCI_MSI_ADDRESS_LO, 4, 0xfee0_0003);
        assertEquals(0xfee0_0000, g.read(msi + PCI_MSI_ADDRESS_LO, 4));
        g.write(msi + PCI_MSI_DATA_64, 4, 0xffff_4021);
        assertEquals(0x4021, g.read(msi + PCI_MSI_DATA_64, 4));
        int pm = GuestConfigSpace.PM_OFFSET + PCI_PM_CTRL;
        g.write(pm, 2, 0xffff);
        assertEquals(PCI_PM_CTRL_NO_SOFT_RESET | PCI_PM_CTRL_STATE_MASK, g.read(pm, 2));
        int devctl = GuestConfigSpace.EXP_OFFSET + PCI_EXP_DEVCTL;
        assertEquals(0x2810, g.read(devctl, 2), "reset value: relaxed ordering, no snoop, 512-byte reads");
        g.write(devctl, 2, 0xffff);
        assertEquals(0x79ff, g.read(devctl, 2), "no FLR, no phantom functions, no aux power");
        g.write(PCI_INTERRUPT_LINE, 1, 11);
        assertEquals(11, g.read(PCI_INTERRUPT_LINE, 1));
    }

    @Test
    void theSameParserWalksTheGuestCapabilities() {
        PciConfigSpace probed = PciConfigSpace.probe(guest(AMPERE));
        assertEquals(List.of(new Capability(0x60, PCI_CAP_ID_PM), new Capability(0x68, PCI_CAP_ID_MSI), new Capability(0x78, PCI_CAP_ID_EXP)),
                probed.capabilities());
        assertTrue(probed.extendedCapabilities().isEmpty());
        assertEquals(H100Fixture.space().pcieLink(), probed.pcieLink(), "the physical GPU's link");
        assertEquals(PciId.parse("10de:20b0 10de:1479"), probed.pciId());
        assertEquals(1, probed.interruptPin());
        String text = probed.toString();
        assertTrue(text.contains("[60] Power Management version 3"), text);
        assertTrue(text.contains("[68] MSI: Enable- Count=1/1 Maskable- 64bit+"), text);
        assertTrue(text.contains("[78] Express (v2) Endpoint, link 32GT/s x16"), text);
    }

    @Test
    void aCatalogueGpuGetsAGen3Link() {
        GuestConfigSpace g = GuestConfigSpace.of(PciId.parse("10de:1eb8 10de:12a2"), 0x030200, 0xa1, PLAIN);
        assertEquals(PcieLink.GEN3_X16, PciConfigSpace.probe(g).pcieLink().orElseThrow());
        assertThrows(ValidationException.class, () -> GuestConfigSpace.of(PciId.parse("10de:1eb8"), 0x1_000000, 0xa1, PLAIN));
        assertThrows(ValidationException.class, () -> GuestConfigSpace.of(PciId.parse("10de:1eb8"), 0x030200, 0x100, PLAIN));
    }

    @Test
    void resetRestoresTheInitialState() {
        GuestConfigSpace g = guest(PLAIN);
        byte[] initial = g.snapshot();
        g.write(PCI_COMMAND, 2, 0xffff);
        g.write(PCI_BASE_ADDRESS_1, 4, 0xffff_ffff);
        g.deviceSetBits(PCI_STATUS, 2, PCI_STATUS_DETECTED_PARITY);
        assertFalse(Arrays.equals(initial, g.snapshot()));
        g.reset();
        assertArrayEquals(initial, g.snapshot());
    }

    @Test
    void refusesBadAccesses() {
        GuestConfigSpace g = guest(PLAIN);
        assertEquals(0, g.read(4095, 1));
        assertThrows(ValidationException.class, () -> g.read(0, 3));
        assertThrows(ValidationException.class, () -> g.read(-1, 1));
        assertThrows(ValidationException.class, () -> g.read(4094, 4));
        assertThrows(ValidationException.class, () -> g.write(4096, 1, 0));
        ValidationException e = assertThrows(ValidationException.class, () -> g.write(0x10, 8, 0));
        assertTrue(e.getMessage().contains("1, 2 or 4 bytes"), e.getMessage());
        assertThrows(ValidationException.class, () -> g.deviceSetBits(4095, 2, 1));
    }

    @Test
    void printsIdentityAndBars() {
        assertEquals("GuestConfigSpace[10de:20b0 [10de:1479] rev a1 3D controller, BAR0 16MiB, BAR1 2GiB (64-bit, prefetchable), "
                + "BAR3 32MiB (64-bit, prefetchable), caps PM@60 MSI@68 Express@78, command 0x0000]", guest(AMPERE).toString());
    }

    @Test
    void readsAndWritesAllocateNothing() throws ReflectiveOperationException {
        // com.sun.management is reached reflectively: the core module does not read jdk.management.
        Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        Method allocatedBytes = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        GuestConfigSpace g = guest(PLAIN);
        long sink = exercise(g, 200_000) + (long) allocatedBytes.invoke(threads); // warm up until compiled
        long before = (long) allocatedBytes.invoke(threads);
        sink += exercise(g, 1_000_000);
        long allocated = (long) allocatedBytes.invoke(threads) - before;
        // Any allocation per access would be tens of megabytes; what is left is the measuring itself.
        assertTrue(allocated < 16 * 1024, allocated + " bytes allocated by 3 million accesses (sink " + sink + ")");
    }

    private static long exercise(GuestConfigSpace g, int rounds) {
        long sum = 0;
        for (int i = 0; i < rounds; i++) {
            g.write(PCI_BASE_ADDRESS_1, 4, 0xffff_ffff);
            sum += g.read(PCI_BASE_ADDRESS_1, 4);
            sum += g.read(PCI_STATUS, 2) + g.read(i & 0xfff, 1);
        }
        return sum;
    }
}
