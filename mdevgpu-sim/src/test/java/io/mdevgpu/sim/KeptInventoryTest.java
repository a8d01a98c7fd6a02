package io.mdevgpu.sim;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import io.mdevgpu.HostSpec;
import io.mdevgpu.HostStateException;
import io.mdevgpu.ValidationException;
import io.mdevgpu.core.host.EngineHost;
import io.mdevgpu.core.inventory.HostInventory;
import io.mdevgpu.core.inventory.InventoryLoader;

/**
 * A simulated host kept in a directory keeps the inventory it was made from, as resolved, beside its state, and opens
 * from it again without parsing the inventory's TOML, while the command names the same inventory with the same text;
 * any other inventory is resolved as before, and a kept file this version did not write is refused naming it.
 */
class KeptInventoryTest {
    static final List<String> BUILT_IN = InventoryLoader.BUILT_IN;

    @ParameterizedTest
    @FieldSource("BUILT_IN")
    void everyBuiltInInventoryReadsBackAsResolved(String name) {
        HostInventory resolved = InventoryLoader.resolve(name);
        KeptInventory kept = new KeptInventory(name, InventoryLoader.source(name).orElseThrow(), resolved);
        Path file = Path.of("inventory");
        KeptInventory read = KeptInventory.parse(kept.text(), file, name);
        assertEquals(resolved, read.inventory());
        assertEquals(kept, read);
        assertEquals(kept.text(), read.text());
    }

    @Test
    void aKeptHostOpensFromItsKeptInventoryNotFromTheToml(@TempDir Path dir) throws Exception {
        Path toml = copyOfDefault(dir);
        HostSpec spec = HostSpec.simulatedAt(toml.toString(), dir.resolve("host"));
        open(spec).close();
        Path file = KeptInventory.fileOf(dir.resolve("host"));
        HostInventory resolved = InventoryLoader.resolve(toml.toString());
        assertEquals(resolved, KeptInventory.parse(Files.readString(file), file, toml.toString()).inventory(),
                "the first open keeps what it resolved");

        // a kept description that says something the TOML does not: what the next open has comes from the kept file
        HostInventory marked = new HostInventory(resolved.name(), "from the kept file", resolved.driver(), resolved.gpus(),
                resolved.source());
        Files.writeString(file, new KeptInventory(KeptInventory.keyOf(toml.toString()), Files.readString(toml), marked).text());
        SimulatedHostProvider.Inventory again = SimulatedHostProvider.inventory(spec);
        assertEquals("from the kept file", again.resolved().description());
        assertEquals(marked, again.resolved());
        assertNull(again.toKeep(), "nothing to write again");
        open(spec).close();
        assertEquals(marked, KeptInventory.parse(Files.readString(file), file, toml.toString()).inventory(), "left as it was");

        // the same file by another path (relative to another directory) is the same inventory
        HostSpec viaDots = HostSpec.simulatedAt(dir.resolve("host/../" + toml.getFileName()).toString(), dir.resolve("host"));
        assertEquals("from the kept file", SimulatedHostProvider.inventory(viaDots).resolved().description());
    }

    @Test
    void anEditedTomlIsResolvedAgainAndKeptAnew(@TempDir Path dir) throws Exception {
        Path toml = copyOfDefault(dir);
        HostSpec spec = HostSpec.simulatedAt(toml.toString(), dir.resolve("host"));
        open(spec).close();
        Files.writeString(toml, Files.readString(toml).replace("description = \"", "description = \"edited: "));
        SimulatedHostProvider.Inventory edited = SimulatedHostProvider.inventory(spec);
        assertTrue(edited.resolved().description().startsWith("edited: "), edited.resolved().description());
        assertNotNull(edited.toKeep());
        open(spec).close();
        Path file = KeptInventory.fileOf(dir.resolve("host"));
        assertTrue(KeptInventory.parse(Files.readString(file), file, toml.toString()).inventory().description()
                .startsWith("edited: "));
        assertNull(SimulatedHostProvider.inventory(spec).toKeep(), "and the next open takes it from the kept file");
    }

    @Test
    void anotherInventoryIsRefusedAsBeforeAndLeavesTheKeptOne(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("host");
        open(HostSpec.simulatedAt("default", root)).close();
        Path file = KeptInventory.fileOf(root);
        String before = Files.readString(file);
        ValidationException other = assertThrows(ValidationException.class, () -> open(HostSpec.simulatedAt("t4-535", root)));
        assertTrue(other.getMessage().contains("it holds another simulated host"), other.getMessage());
        assertEquals(before, Files.readString(file));
    }

    @Test
    void aHostKeptBeforeTheFileExistedOpensAndKeepsIt(@TempDir Path dir) throws Exception {
        HostSpec spec = keptDefault(dir);
        Path file = KeptInventory.fileOf(dir.resolve("host"));
        Files.delete(file); // as a directory made by an earlier version
        assertNotNull(SimulatedHostProvider.inventory(spec).toKeep());
        open(spec).close();
        assertTrue(Files.exists(file));
        assertNull(SimulatedHostProvider.inventory(spec).toKeep());
        assertEquals(InventoryLoader.resolve("default"), SimulatedHostProvider.inventory(spec).resolved());
    }

    @Test
    void aTemporaryHostKeepsNothing() {
        SimulatedHostProvider.Inventory inventory = SimulatedHostProvider.inventory(HostSpec.simulated("default"));
        assertNull(inventory.toKeep());
    }

    @Test
    void aCutOrChangedKeptFileIsRefusedNamingItAndTheFix(@TempDir Path dir) throws Exception {
        HostSpec spec = keptDefault(dir);
        Path file = KeptInventory.fileOf(dir.resolve("host"));
        String text = Files.readString(file);
        List<String> broken = List.of(
                text.replace("numa=0", "numa=1"),                     // edited: the checksum says so
                text.substring(0, text.indexOf("\nconfig ") + 1),     // cut short: no end line
                "mdevgpu-simulated-inventory 2\n" + text.substring(text.indexOf('\n') + 1),
                resigned(text.replace("numa=0", "numa=x")),           // a malformed value, checksum right
                resigned(text.replaceFirst("size=4096", "size=2")));  // more config bytes than its size
        for (String b : broken) {
            Files.writeString(file, b);
            HostStateException e = assertThrows(HostStateException.class, () -> open(spec));
            assertTrue(e.getMessage().contains(file + ":"), e.getMessage());
            assertTrue(e.getMessage().contains("delete " + file), e.getMessage());
        }
    }

    /** {@code text} with its end line's checksum made right for its other lines. */
    private static String resigned(String text) {
        String body = text.substring(0, text.lastIndexOf("\nend ") + 1);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return body + "end " + java.util.HexFormat.of().toHexDigits((int) crc.getValue()) + "\n";
    }

    /** The default host, made and kept in {@code dir/host}. */
    private static HostSpec keptDefault(Path dir) {
        HostSpec spec = HostSpec.simulatedAt("default", dir.resolve("host"));
        open(spec).close();
        return spec;
    }

    private static Path copyOfDefault(Path dir) throws Exception {
        Path toml = dir.resolve("mine.toml");
        Files.writeString(toml, InventoryLoader.source("default").orElseThrow());
        return toml;
    }

    private static EngineHost open(HostSpec spec) {
        return new SimulatedHostProvider().open(spec);
    }

    @Test
    void toStringNamesTheInventory() {
        HostInventory inventory = InventoryLoader.resolve("default");
        assertEquals("KeptInventory[default: default, 3 GPU(s)]",
                new KeptInventory("default", "", inventory).toString());
        assertEquals(Optional.empty(), inventory.source());
    }
}
