package io.mdevgpu.core.partition;

import io.mdevgpu.PciId;
import io.mdevgpu.Size;
import io.mdevgpu.ValidationException;
import io.mdevgpu.core.pci.H100Fixture;
import io.mdevgpu.core.pci.PciConfigSpace;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GpuCatalogueTest {

    @Test
    void hasTheModelsThePlanCommandNeeds() {
        assertEquals(List.of("a100-40g", "a100-80g", "t4", "h100-80g", "rtx6000"), GpuCatalogue.all().stream().map(GpuModel::id).toList());
        assertEquals(GpuCatalogue.T4, GpuCatalogue.get(" T4 "));
        assertTrue(GpuCatalogue.find("v100").isEmpty());
        assertTrue(GpuCatalogue.find(null).isEmpty());
    }

    @Test
    void unknownModelsNameTheKnownOnes() {
        ValidationException e = assertThrows(ValidationException.class, () -> GpuCatalogue.get("a100"));
        assertTrue(e.getMessage().contains("\"a100\""), e.getMessage());
        assertTrue(e.getMessage().contains("known models: a100-40g, a100-80g, t4, h100-80g, rtx6000"), e.getMessage());
    }

    @Test
    void theTuringProfileSpoofsTheRtx6000() {
        assertEquals(0x1E3012BAL, GpuCatalogue.RTX6000.pciId().nvidiaPacked());
        assertEquals(PciId.fromNvidiaPacked(0x1E3012BAL), Profiles.TURING.get(0).guestPciId().orElseThrow());
    }

    @Test
    void theH100EntryMatchesTheRealBoard() {
        PciConfigSpace space = H100Fixture.space();
        GpuModel fromConfig = GpuModel.of("h100-80g", "NVIDIA H100 80GB HBM3", space, Size.mib(81559));
        assertEquals(GpuCatalogue.H100_80G, fromConfig);
        GpuModel fromSysfs = GpuModel.of("h100-80g", "NVIDIA H100 80GB HBM3", PciId.parse("10de:2330 10de:16c1"),
                H100Fixture.sysfsHex("class"), H100Fixture.sysfsHex("revision"), Size.mib(81559), H100Fixture.resource());
        assertEquals(GpuCatalogue.H100_80G, fromSysfs);
    }

    @Test
    void aRawDumpWithoutSizesIsNotEnough() {
        PciConfigSpace raw = PciConfigSpace.parse(H100Fixture.config());
        ValidationException e = assertThrows(ValidationException.class, () -> GpuModel.of("gpu", "GPU", raw, Size.mib(1024)));
        assertTrue(e.getMessage().contains("three memory BARs"), e.getMessage());
    }

    @Test
    void printsItsNumbers() {
        assertEquals("a100-40g: NVIDIA A100-SXM4-40GB 10de:20b0 [10de:134f] rev a1, framebuffer 40960 MiB, BAR0 16MiB, BAR1 64GiB, BAR3 32MiB",
                GpuCatalogue.A100_40G.toString());
    }

    @Test
    void refusesImpossibleModels() {
        PciId id = GpuCatalogue.T4.pciId();
        assertThrows(ValidationException.class, () -> new GpuModel("x", "X", id, 0x030200, 0xa1, Size.mib(1024), Size.mib(16), Size.mib(300), Size.mib(32)));
        assertThrows(ValidationException.class, () -> new GpuModel("x", "X", id, 0x030200, 0xa1, Size.ZERO, Size.mib(16), Size.mib(256), Size.mib(32)));
        assertThrows(ValidationException.class, () -> new GpuModel("x", "X", id, 0x030200, 0xa1, Size.kib(1536), Size.mib(16), Size.mib(256), Size.mib(32)));
        assertThrows(ValidationException.class, () -> new GpuModel(" ", "X", id, 0x030200, 0xa1, Size.mib(1024), Size.mib(16), Size.mib(256), Size.mib(32)));
        assertThrows(ValidationException.class, () -> new GpuModel("x", "X", id, 0x1_000000, 0xa1, Size.mib(1024), Size.mib(16), Size.mib(256), Size.mib(32)));
        assertThrows(ValidationException.class, () -> new GpuModel("x", "X", id, 0x030200, 0xa1, Size.mib(1024), null, Size.mib(256), Size.mib(32)));
    }
}
