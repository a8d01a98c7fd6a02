package io.mdevgpu.kernel.pci;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import io.mdevgpu.Bar;
import io.mdevgpu.HostStateException;
import io.mdevgpu.Size;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.testing.H100Fixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PciResourceTest {
    @Test
    void readsTheH100sWindows() {
        String text = H100Fixture.attributes().get("resource");
        List<PciResource> r = PciResource.parse(text, "/sys/bus/pci/devices/0000:00:06.0/resource");
        assertEquals(7, r.size());
        // the fixture's README: BAR0 16 MiB, BAR2 128 GiB, BAR4 32 MiB, all 64-bit prefetchable memory
        assertEquals(0x102002000000L, r.get(0).start());
        assertEquals(0x102002ffffffL, r.get(0).end());
        assertEquals(Size.mib(16), r.get(0).size());
        assertEquals(Size.gib(128), r.get(2).size());
        assertEquals(Size.mib(32), r.get(4).size());
        for (int bar : new int[] {0, 2, 4}) {
            PciResource w = r.get(bar);
            assertTrue(w.isMemory() && w.isPrefetchable() && w.is64Bit() && !w.isIo(), w.toString());
            assertEquals("BAR" + bar, w.label());
        }
        for (int empty : new int[] {1, 3, 5, 6}) {
            assertTrue(r.get(empty).isEmpty());
            assertEquals(Size.ZERO, r.get(empty).size());
        }
        assertEquals("ROM", r.get(6).label());
        assertEquals(0x14220cL, r.get(0).flags());
        assertEquals(List.of(0, 2, 4), PciResource.memoryBars(r).stream().map(PciResource::index).toList());
        // printing the lines again gives the kernel's own text
        assertEquals(text, PciResource.toSysfsText(r));
        assertEquals("BAR2 [mem 0x100000000000-0x101fffffffff 64bit pref] 128GiB", r.get(2).toString());
        assertEquals("BAR1 empty", r.get(1).toString());
    }

    @Test
    void decodesAnIoBarAndLabelsVfBars() {
        String text = """
                0x000000000000e000 0x000000000000e07f 0x0000000000040101
                0x00000000fb000000 0x00000000fbffffff 0x0000000000040200
                0x0000000000000000 0x0000000000000000 0x0000000000000000
                0x0000000000000000 0x0000000000000000 0x0000000000000000
                0x0000000000000000 0x0000000000000000 0x0000000000000000
                0x0000000000000000 0x0000000000000000 0x0000000000000000
                0x00000000fc000000 0x00000000fc07ffff 0x0000000000046200
                0x0000200000000000 0x00002000003fffff 0x000000000014220c
                """;
        List<PciResource> r = PciResource.parse(text);
        assertTrue(r.get(0).isIo());
        assertFalse(r.get(0).isMemory());
        assertEquals(Size.bytes(128), r.get(0).size());
        assertEquals("io", r.get(0).kind());
        assertEquals("mem", r.get(1).kind(), "32-bit, not prefetchable");
        assertEquals(Size.mib(16), r.get(1).size());
        assertFalse(r.get(6).isBar());
        assertEquals("VF BAR0", r.get(7).label());
        assertEquals(Size.mib(4), r.get(7).size());
        assertEquals("BAR0 [io 0xe000-0xe07f] 128B", r.get(0).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "0x0000102002000000 0x0000102002ffffff",                       // two fields
            "0x0000102002000000 0x0000102002ffffff 0x1 0x2",               // four
            "0x00001020020000zz 0x0000102002ffffff 0x000000000014220c",    // not hex
            "0x 0x0000102002ffffff 0x000000000014220c",                    // no digits
            "0x10000102002000000 0x0000102002ffffff 0x000000000014220c",   // 17 digits
            "0x0000102002ffffff 0x0000102002000000 0x000000000014220c",    // end before start
            "0x0000000000000000 0xffffffffffffffff 0x0000000000000200",    // the whole address space
            "0x0000000000000001 0xffffffffffffffff 0x0000000000000200",    // 2^64 - 1 bytes
            "0 0 0",                                                       // no 0x: the kernel always prints one
            "0x0 0x0 0x+1",                                                // a sign is no hex digit
            ""})
    void aMalformedLineIsATypedErrorNamingFileAndLine(String bad) {
        String text = "0x0000000000000000 0x0000000000000000 0x0000000000000000\n" + bad + "\n";
        HostStateException e = assertThrows(HostStateException.class, () -> PciResource.parse(text, "/x/resource"));
        assertTrue(e.getMessage().contains("/x/resource line 2"), e.getMessage());
        assertTrue(e.getMessage().contains("\"" + bad + "\""), e.getMessage());
    }

    @Test
    void aBlankLineInsideIsMalformedAndNullIsRefused() {
        String empty = "0x0000000000000000 0x0000000000000000 0x0000000000000000\n";
        HostStateException e = assertThrows(HostStateException.class, () -> PciResource.parse(empty + "\n" + empty));
        assertTrue(e.getMessage().contains("resource line 2"), e.getMessage());
        assertThrows(HostStateException.class, () -> PciResource.parse(""));
        ValidationException n = assertThrows(ValidationException.class, () -> PciResource.parse(null, "/x/resource"));
        assertTrue(n.getMessage().contains("required"), n.getMessage());
    }

    @Test
    void shortHexIsAcceptedAndAnIoBarIsNoMemoryBar() {
        List<PciResource> r = PciResource.parse("0x2000 0x207f 0x40101\n");
        assertEquals(Size.bytes(128), r.getFirst().size());
        assertTrue(r.getFirst().isIo());
        assertTrue(PciResource.memoryBars(r).isEmpty());
    }

    @Test
    void everyAssignedBarConvertsToTheApisBar() {
        List<PciResource> h100 = PciResource.parse(H100Fixture.attributes().get("resource"));
        assertEquals(new Bar(2, 0x1000_0000_0000L, Size.gib(128), true, true, false), h100.get(2).toBar());
        assertEquals(new Bar(0, 0x1020_0200_0000L, Size.mib(16), true, true, false), h100.get(0).toBar());

        List<PciResource> legacy = PciResource.parse("""
                0x000000000000e000 0x000000000000e07f 0x0000000000040101
                0x00000000fb000000 0x00000000fbffffff 0x0000000000040200
                0x00000000000c0000 0x00000000000c3fff 0x0000000000040202
                0x00000000fc000000 0x00000000fc07ffff 0x0000000000046200
                """);
        assertEquals(new Bar(0, 0xe000, Size.bytes(128), false, false, true), legacy.get(0).toBar());
        assertEquals(new Bar(1, 0xfb00_0000L, Size.mib(16), false, false, false), legacy.get(1).toBar());
        Bar below1M = legacy.get(2).toBar();
        assertTrue(below1M.below1M(), "type bits 0b01 in the flags' low byte: " + below1M);
        assertEquals(Size.kib(16), below1M.size());
        assertFalse(legacy.get(3).toBar().below1M());
    }

    @Test
    void theRomAnEmptyLineAndAVfBarAreNoBars() {
        List<PciResource> r = PciResource.parse(H100Fixture.attributes().get("resource"));
        ValidationException empty = assertThrows(ValidationException.class, () -> r.get(1).toBar());
        assertTrue(empty.getMessage().contains("BAR1"), empty.getMessage());
        assertThrows(ValidationException.class, () -> r.get(6).toBar());
        PciResource vf = new PciResource(7, 0x2000_0000_0000L, 0x2000_003f_ffffL, 0x14220c);
        assertThrows(ValidationException.class, vf::toBar);
    }

    @Test
    void linesMustBeInFileOrder() {
        PciResource empty = new PciResource(1, 0, 0, 0);
        ValidationException e = assertThrows(ValidationException.class, () -> PciResource.inFileOrder(List.of(empty)));
        assertTrue(e.getMessage().contains("PCI resource line 0"), e.getMessage());
        List<PciResource> h100 = PciResource.parse(H100Fixture.attributes().get("resource"));
        assertEquals(h100, PciResource.inFileOrder(h100));
    }
}
