package io.mdevgpu.kernel.abi.pci;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;

import io.mdevgpu.kernel.abi.CHeaderProbe;
import io.mdevgpu.kernel.testing.Required;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every register offset and capability id against gcc's reading of the kernel headers. */
class PciRegsAbiTest {
    @TempDir
    Path dir;

    @Test
    void everyConstantMatchesPciRegsH() throws Exception {
        Required.tool("gcc", "gcc libc6-dev");
        CHeaderProbe probe = new CHeaderProbe("linux/pci_regs.h").constantsOf(PciRegs.class);
        assertTrue(CHeaderProbe.constantFields(PciRegs.class).size() > 100, "PciRegs holds the header's constants");
        assertEquals(List.of(), probe.mismatches(probe.run(dir)));
    }

    @Test
    void aWrongConstantIsCaught() throws Exception {
        Required.tool("gcc", "gcc libc6-dev");
        CHeaderProbe probe = new CHeaderProbe("linux/pci_regs.h")
                .constant("PCI_CAP_ID_MSIX", 0x12).constant("PCI_BASE_ADDRESS_0", 0x10);
        List<String> wrong = probe.mismatches(probe.run(dir));
        assertEquals(1, wrong.size(), wrong.toString());
        assertTrue(wrong.getFirst().contains("PCI_CAP_ID_MSIX"), wrong.toString());
    }
}
