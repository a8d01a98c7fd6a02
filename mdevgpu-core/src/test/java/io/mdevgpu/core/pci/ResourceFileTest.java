package io.mdevgpu.core.pci;

import io.mdevgpu.Size;
import io.mdevgpu.ValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResourceFileTest {
    private static final String SIX_EMPTY = "0x0000000000000000 0x0000000000000000 0x0000000000000000\n".repeat(6);

    @Test
    void parsesTheH100ResourceFile() {
        ResourceFile file = H100Fixture.resource();
        assertEquals(7, file.windows().size());
        BarWindow bar0 = file.window(0).orElseThrow();
        assertEquals(0x0000_1020_0200_0000L, bar0.start());
        assertEquals(0x0000_1020_02ff_ffffL, bar0.end());
        assertEquals(0x14220cL, bar0.flags());
        assertEquals(Size.mib(16), bar0.size());
        assertTrue(bar0.isMemory() && bar0.is64Bit() && bar0.isPrefetchable());
        assertFalse(bar0.isIo());
        assertTrue(file.window(1).orElseThrow().isEmpty());
        assertEquals(Size.ZERO, file.window(1).orElseThrow().size());
        assertEquals(Size.gib(128), file.window(2).orElseThrow().size());
        assertEquals(Size.mib(32), file.window(4).orElseThrow().size());
        assertTrue(file.window(7).isEmpty());
        assertEquals(List.of(0, 2, 4), file.memoryBars().stream().map(BarWindow::index).toList());
    }

    @Test
    void printsTheUsedWindows() {
        assertEquals("ResourceFile[0: 102002000000-102002ffffff memory 64-bit prefetchable [16MiB]; "
                        + "2: 100000000000-101fffffffff memory 64-bit prefetchable [128GiB]; "
                        + "4: 102000000000-102001ffffff memory 64-bit prefetchable [32MiB]]",
                H100Fixture.resource().toString());
    }

    @Test
    void acceptsIoWindowsAndShortHex() {
        ResourceFile file = ResourceFile.parse("0x2000 0x207f 0x40101\n" + SIX_EMPTY);
        BarWindow io = file.window(0).orElseThrow();
        assertTrue(io.isIo());
        assertEquals(Size.bytes(128), io.size());
        assertEquals("0: 2000-207f I/O [128B]", io.toString());
        assertTrue(file.memoryBars().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0x0 0x0", "0 0 0", "0x0 0x0 0xZZ", "0x0 0x0 0x+1", "0x 0x0 0x0", "0x0 0x0 0x0 0x0",
            "0x10000000000000000 0x0 0x0"})
    void refusesALineThatIsNotThreeHexNumbers(String line) {
        ValidationException e = assertThrows(ValidationException.class, () -> ResourceFile.parse(line + "\n" + SIX_EMPTY));
        assertEquals("resource line 0", e.property());
        assertTrue(e.getMessage().contains("three hexadecimal numbers"), e.getMessage());
    }

    @Test
    void refusesAnEndBelowTheStart() {
        ValidationException e = assertThrows(ValidationException.class, () -> ResourceFile.parse("0x2000 0x1fff 0x200\n" + SIX_EMPTY));
        assertTrue(e.getMessage().contains("below the start"), e.getMessage());
    }

    @Test
    void refusesFewerThanSixLines() {
        ValidationException e = assertThrows(ValidationException.class, () -> ResourceFile.parse(SIX_EMPTY.substring(57)));
        assertTrue(e.getMessage().contains("5 lines"), e.getMessage());
        assertThrows(ValidationException.class, () -> ResourceFile.parse(""));
        assertThrows(ValidationException.class, () -> ResourceFile.parse(null));
    }

    @Test
    void refusesABlankLineInside() {
        ValidationException e = assertThrows(ValidationException.class, () -> ResourceFile.parse(SIX_EMPTY.replaceFirst("\n", "\n\n")));
        assertEquals("resource line 1", e.property());
    }

    @Test
    void refusesWindowsOutOfOrder() {
        BarWindow empty = new BarWindow(1, 0, 0, 0);
        assertThrows(ValidationException.class, () -> new ResourceFile(List.of(empty, empty, empty, empty, empty, empty)));
    }
}
