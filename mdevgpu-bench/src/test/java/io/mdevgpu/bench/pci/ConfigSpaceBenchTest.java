package io.mdevgpu.bench.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mdevgpu.PciId;
import org.junit.jupiter.api.Test;

class ConfigSpaceBenchTest {
    @Test
    void rowsReadTheGuestIdWriteTheCommandAndSizeBar0() {
        ConfigSpaceBench bench = new ConfigSpaceBench();
        bench.open();
        PciId id = bench.space.pciId();
        assertEquals(id.device() << 16 | id.vendor(), bench.read32_mdevgpu());

        bench.write32_mdevgpu();
        assertEquals(0x6, bench.space.read(0x04, 2), "memory and bus master enabled");

        // BAR0 is 16 MiB, 32-bit, non-prefetchable: the size mask 0xff000000 with type bits 0
        assertEquals(0xff00_0000, bench.barSizing_mdevgpu());
        assertEquals(0xff00_0000, bench.barSizing_mdevgpu(), "the same answer every time");
    }
}
