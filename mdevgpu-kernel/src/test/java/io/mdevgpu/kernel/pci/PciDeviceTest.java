package io.mdevgpu.kernel.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PciDeviceTest {
    @ParameterizedTest(name = "class {0}: {1}")
    @CsvSource({"0x030200, 3D controller", "0x030000, VGA compatible controller", "0x030001, VGA compatible controller",
            "0x030100, XGA compatible controller", "0x038000, Display controller", "0x030400, Display controller",
            "0x020000, PCI device", "0x0c0330, PCI device"})
    void namesTheClassAsLspciDoesForDisplays(String classCode, String name) {
        assertEquals(name, PciDevice.className(Integer.decode(classCode)));
    }
}
