package io.mdevgpu.kernel.pci;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mdevgpu.PciAddress;
import io.mdevgpu.ValidationException;
import org.junit.jupiter.api.Test;

class VfRoutingTest {
    @Test
    void reproducesTheVfAddressesOfARealGpu() throws IOException {
        // sriov-manage -e on an RTX PRO 6000 Blackwell: its virtfnN links, offset 2 and stride 1 with ARI
        PciAddress pf = PciAddress.parse("0001:04:00.0");
        Matcher link = Pattern.compile("virtfn(\\d+) -> \\.\\./(\\S+)").matcher(fixture("rtx-pro-6000-virtfn.txt"));
        int links = 0;
        while (link.find()) {
            int index = Integer.parseInt(link.group(1));
            assertEquals(PciAddress.parse(link.group(2)), VfRouting.address(pf, 2, 1, index), "virtfn" + index);
            links++;
        }
        assertEquals(14, links);
    }

    @Test
    void runsThroughFunctionSlotAndBus() {
        PciAddress pf = PciAddress.parse("0000:41:00.0");
        assertEquals(PciAddress.parse("0000:41:00.4"), VfRouting.address(pf, 4, 1, 0));
        assertEquals(PciAddress.parse("0000:41:04.3"), VfRouting.address(pf, 4, 1, 31));
        assertEquals(PciAddress.parse("0000:42:00.0"), VfRouting.address(PciAddress.parse("0000:41:1f.7"), 1, 1, 0));
        assertEquals(PciAddress.parse("0000:41:02.0"), VfRouting.address(pf, 8, 2, 4));
        assertEquals(0x4100 | 3 << 3 | 5, VfRouting.routingId(PciAddress.parse("0000:41:03.5")));
    }

    @Test
    void refusesWhatNoDeviceHas() {
        PciAddress pf = PciAddress.parse("0000:ff:1f.0");
        ValidationException past = assertThrows(ValidationException.class, () -> VfRouting.address(pf, 8, 1, 0));
        assertTrue(past.getMessage().contains("past bus ff"), past.getMessage());
        assertThrows(ValidationException.class, () -> VfRouting.address(pf, 0, 1, 0));
        assertThrows(ValidationException.class, () -> VfRouting.address(pf, 1, 0, 0));
        assertThrows(ValidationException.class, () -> VfRouting.address(pf, 1, 1, -1));
    }

    private static String fixture(String name) throws IOException {
        try (InputStream in = VfRoutingTest.class.getResourceAsStream(name)) {
            assertNotNull(in, name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
