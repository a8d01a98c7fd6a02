package io.mdevgpu.core.inventory;

import io.mdevgpu.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * An inventory is read as strictly as a configuration, and its errors say "inventory" and blame the key that is wrong,
 * quoting it as written (issue 12, item 18).
 */
class InventoryStrictnessTest {
    static final Path SOURCE = Path.of("host.toml");

    static String inventory(String driver, String gpuLines) {
        return """
                schema = 1
                name = "strict"
                description = "one A100"

                [driver]
                version = "%s"

                [[gpu]]
                address = "0000:65:00.0"
                model = "a100-40g"
                %s
                """.formatted(driver, gpuLines);
    }

    static ConfigException refused(String text) {
        return assertThrows(ConfigException.class, () -> InventoryLoader.parse(text, SOURCE));
    }

    @Test
    void anEmptyGpuNameIsBlamedOnItsOwnLineAndKey() {
        ConfigException e = refused(inventory("550.54.14", "name = \"\""));
        assertEquals("gpu[0].name", e.keyPath(), e.getMessage());
        assertEquals(11, e.line(), e.getMessage());
    }

    @Test
    void inventoryErrorsSayInventory() {
        ConfigException e = refused(inventory("550.54.14", "numa_node = 5000"));
        assertTrue(e.getMessage().startsWith("inventory host.toml:11:"), e.getMessage());
        ConfigException syntax = refused("schema = 1\nname = \n");
        assertTrue(syntax.getMessage().startsWith("inventory "), syntax.getMessage());
    }

    @Test
    void moreGpusThanTheDriverCanListAreBadInputAtTheFirstOneTooMany() {
        StringBuilder more = new StringBuilder();
        for (int bus = 1; bus <= 32; bus++) { // with the A100 at 65:00.0, 33 GPUs
            more.append("[[gpu]]\naddress = \"0000:%02x:00.0\"\nmodel = \"t4\"\n".formatted(bus));
        }
        ConfigException e = refused(inventory("550.54.14", "\n" + more));
        assertEquals("gpu[32].address", e.keyPath(), e.getMessage());
        assertTrue(e.getMessage().contains("at most 32 GPUs"), e.getMessage());
        assertEquals(32, InventoryLoader.parse(inventory("550.54.14", "\n" + more.substring(0,
                more.lastIndexOf("[[gpu]]"))), SOURCE).gpus().size(), "32 are fine");
    }

    @Test
    void aReleaseWithoutVgpuTypeLayoutIsBadInputAtItsVersion() {
        ConfigException e = refused(inventory("515.43.04", ""));
        assertEquals("driver.version", e.keyPath(), e.getMessage());
        assertTrue(e.getMessage().contains("515.43.04") && e.getMessage().contains("vGPU type"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0000:65:00.0 ", " 0000:65:00.0", "0000:65:00.0\\t"})
    void anAddressWithSpacesIsRefused(String address) {
        ConfigException e = refused(inventory("550.54.14", "").replace("\"0000:65:00.0\"", "\"" + address + "\""));
        assertEquals("gpu[0].address", e.keyPath(), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Host", "HOST", "Passthrough"})
    void aVirtualizationModeInAnotherCaseIsRefused(String mode) {
        ConfigException onGpu = refused(inventory("550.54.14", "virtualization_mode = \"" + mode + "\""));
        assertEquals("gpu[0].virtualization_mode", onGpu.keyPath(), onGpu.getMessage());
        ConfigException onDriver = refused(inventory("550.54.14\"\nvirtualization_mode = \"" + mode, ""));
        assertEquals("driver.virtualization_mode", onDriver.keyPath(), onDriver.getMessage());
    }

    @Test
    void aFramebufferIsQuotedBackAsWritten() {
        ConfigException e = refused(inventory("550.54.14", "framebuffer = \"0MiB\""));
        assertEquals("gpu[0].framebuffer", e.keyPath(), e.getMessage());
        assertTrue(e.getMessage().contains("\"0MiB\""), e.getMessage());
        assertFalse(e.getMessage().contains("0B"), e.getMessage());
    }
}
