package io.mdevgpu.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.mockito.Mockito.when;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code gpus}: the H100 of the shared fixture (README facts) and a T4 read without root. */
class GpusCommandTest {
    @Test
    void theTableShowsAddressIdsClassDriverModelFramebufferAndBars() {
        CliRun run = CliRun.on(new MockHost().host, "gpus");
        assertEquals(Main.OK, run.exitCode(), run.all());
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.getFirst().startsWith("ADDRESS"), run.out());
        String h100 = lines.get(1);
        for (String cell : List.of("0000:00:06.0", "10de:2330 [10de:16c1]", "3D controller [030200]", "nvidia",
                "NVIDIA H100 80GB HBM3", "0:16MiB 2:128GiB 4:32MiB")) {
            assertTrue(h100.contains(cell), cell + " in " + h100);
        }
        String t4 = lines.get(2);
        assertTrue(t4.contains("0000:3b:00.0") && t4.contains("Tesla T4") && t4.contains("15GiB"), t4);
        assertTrue(t4.contains(" - "), "no driver bound shows as -: " + t4);
        assertTrue(h100.endsWith("  mdev") && t4.endsWith("  none"), "the vGPU backend: " + run.out());
        assertTrue(run.out().contains("driver: nvidia 550.54.14"), run.out());
    }

    @Test
    void columnsLineUp() {
        List<String> lines = CliRun.on(new MockHost().host, "gpus").out().lines().limit(3).toList();
        int ids = lines.getFirst().indexOf("IDS");
        assertEquals(ids, lines.get(1).indexOf("10de:2330"));
        assertEquals(ids, lines.get(2).indexOf("10de:1eb8"));
    }

    @Test
    void verboseDecodesTheCapabilityChainOfTheRealH100() {
        CliRun run = CliRun.on(new MockHost().host, "gpus", "-v");
        assertEquals(Main.OK, run.exitCode(), run.all());
        String out = run.out();
        // the chain the fixture's README states: 0x40 PM -> 0x48 MSI -> 0x60 Express -> 0xb0 MSI-X
        int pm = out.indexOf("Capabilities: [40] Power Management");
        int msi = out.indexOf("Capabilities: [48] MSI:");
        int exp = out.indexOf("Capabilities: [60] Express");
        int msix = out.indexOf("Capabilities: [b0] MSI-X");
        assertTrue(pm > 0 && pm < msi && msi < exp && exp < msix, out);
        assertTrue(out.contains("Capabilities: [100"), "extended capabilities from 0x100: " + out);
        // BAR sizes come from sysfs: the dump alone has none
        assertTrue(out.contains("Region 2: Memory at 100000000000 (64-bit, prefetchable) [size=128GiB]"), out);
        assertFalse(out.substring(0, out.indexOf("0000:3b:00.0")).contains("size unknown"), out);
        // the T4 was read as a user: 64 bytes, and the message says to read it as root
        String t4 = out.substring(out.indexOf("0000:3b:00.0"));
        assertTrue(t4.contains("config space not decoded") && t4.contains("64 bytes") && t4.contains("root"), t4);
    }

    @Test
    void jsonHasStableKeysAndTheDecodedChain() {
        JsonNode root = CliRun.on(new MockHost().host, "gpus", "-v", "--json").json();
        assertEquals("550.54.14", root.get("driver").get("version").asString());
        JsonNode h100 = root.get("gpus").get(0);
        assertEquals("0000:00:06.0", h100.get("address").asString());
        assertEquals("0x10de", h100.get("vendor").asString());
        assertEquals("0x2330", h100.get("device").asString());
        assertEquals("0x16c1", h100.get("subsystem_device").asString());
        assertEquals("0x030200", h100.get("class").asString());
        assertEquals("nvidia", h100.get("driver").asString());
        assertEquals(81559L << 20, h100.get("framebuffer_bytes").asLong());
        JsonNode bars = h100.get("bars");
        assertEquals(3, bars.size());
        assertEquals(2, bars.get(1).get("index").asInt());
        assertEquals(128L << 30, bars.get(1).get("size").asLong());
        assertTrue(bars.get(1).get("is_64bit").asBoolean());
        JsonNode config = h100.get("config_space");
        assertEquals(4096, config.get("size").asInt());
        assertEquals(List.of("0x40", "0x48", "0x60", "0xb0"),
                config.get("capabilities").valueStream().map(c -> c.get("offset").asString()).toList());
        assertEquals("MSI-X", config.get("capabilities").get(3).get("name").asString());
        assertEquals(128L << 30, config.get("bars").get(1).get("size").asLong(), "sized from sysfs");
        JsonNode t4 = root.get("gpus").get(1);
        assertTrue(t4.get("driver").isNull());
        assertTrue(t4.get("config_space").get("error").asString().contains("64 bytes"));
    }

    @Test
    void withoutVerboseTheJsonHasNoConfigSpace() {
        JsonNode root = CliRun.on(new MockHost().host, "--json", "gpus").json();
        assertNull(root.get("gpus").get(0).get("config_space"));
    }

    @Test
    void aHostWithoutGpusSaysSo() {
        MockHost mock = new MockHost();
        when(mock.host.gpus()).thenReturn(List.of());
        CliRun run = CliRun.on(mock.host, "gpus");
        assertEquals(Main.OK, run.exitCode());
        assertTrue(run.out().startsWith("no GPU"), run.out());
        assertEquals(0, CliRun.on(mock.host, "gpus", "--json").json().get("gpus").size());
    }
}
