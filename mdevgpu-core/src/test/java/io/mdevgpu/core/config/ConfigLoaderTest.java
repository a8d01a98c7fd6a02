package io.mdevgpu.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdevgpu.ConfigException;
import io.mdevgpu.Display;
import io.mdevgpu.GpuFilter;
import io.mdevgpu.MdevType;
import io.mdevgpu.PciAddress;
import io.mdevgpu.PciId;
import io.mdevgpu.Size;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Good configurations: defaults, every TOML spelling the schema accepts, boundaries, and where keys are. */
class ConfigLoaderTest {

    static MdevType only(MdevConfig c) {
        assertEquals(1, c.gpus().size());
        assertEquals(1, c.gpus().getFirst().types().size());
        return c.gpus().getFirst().types().getFirst();
    }

    @Test
    void defaultsAreThePredecessors() {
        MdevConfig c = ConfigLoader.parse(BadConfigTest.type(""));
        assertFalse(c.keep());
        assertEquals(GpuFilter.ANY, c.gpus().getFirst().filter());
        MdevType t = only(c);
        assertEquals(1, t.number());
        assertEquals("Arc GPU", t.name());
        assertEquals("Compute", t.gpuClass());
        assertEquals(2, t.maxInstances());
        assertEquals(Size.gib(1), t.framebuffer());
        assertEquals(Size.mib(64), t.reserved());
        assertEquals(Size.mib(24), t.mappableVideo());
        assertEquals(Size.mib(0x100), t.bar1());
        assertEquals(Optional.empty(), t.guestPciId());
        assertEquals(Optional.empty(), t.hostPciId());
        assertFalse(t.ecc());
        assertFalse(t.multiVgpu());
        assertEquals(100, t.encoderCapacity());
        assertEquals(new Display(1, 1024, 1024, 120, false), t.display());
    }

    @Test
    void partialDisplayKeepsTheOtherDefaults() {
        Display d = only(ConfigLoader.parse(BadConfigTest.type("display = { heads = 2 }\n"))).display();
        assertEquals(new Display(2, 1024, 1024, 120, false), d);
        assertEquals(new Display(1, 1024, 1024, 120, false),
                only(ConfigLoader.parse(BadConfigTest.type("[gpu.type.display]\n"))).display());
    }

    @Test
    void integersInHexOctalBinaryAndWithUnderscores() {
        MdevType t = only(ConfigLoader.parse("""
                schema = 0x1
                [[gpu]]
                [[gpu.type]]
                number = 0x213
                max_instances = 0o10
                encoder_capacity = 0b110010
                framebuffer = "9536MiB"
                reserved = "704MiB"
                guest_pci_id = 0x20B0_1470
                host_pci_id = 0x20b0_145f
                display.heads = +4
                """));
        assertEquals(531, t.number());
        assertEquals(8, t.maxInstances());
        assertEquals(50, t.encoderCapacity());
        assertEquals(Optional.of(new PciId(0x10DE, 0x20B0, 0x10DE, 0x1470)), t.guestPciId());
        assertEquals(Optional.of(new PciId(0x10DE, 0x20B0, 0x10DE, 0x145F)), t.hostPciId());
        assertEquals(4, t.display().heads());
    }

    @Test
    void everythingInlineOnOneLine() {
        MdevConfig inline = ConfigLoader.parse("schema = 1\ngpu = [ { filter = { bus = 0x65 }, type = [ { number = 1, "
                + "max_instances = 2, framebuffer = \"1GiB\", reserved = \"64MiB\", display = { heads = 2 } } ] } ]\n");
        MdevConfig tables = ConfigLoader.parse("""
                schema = 1
                [[gpu]]
                [gpu.filter]
                bus = 0x65
                [[gpu.type]]
                number = 1
                max_instances = 2
                framebuffer = "1GiB"
                reserved = "64MiB"
                [gpu.type.display]
                heads = 2
                """);
        assertEquals(tables, inline);
        assertEquals(GpuFilter.ANY.bus(0x65), inline.gpus().getFirst().filter());
        assertEquals(Optional.of(new ConfigLocation(2, 140)), inline.location("gpu[0].type[0].display.heads"));
    }

    @Test
    void quotedKeysLiteralAndMultiLineStrings() {
        MdevType t = only(ConfigLoader.parse("""
                "schema" = 1
                [["gpu"]]
                [['gpu'."type"]]
                "number" = 7
                'max_instances' = 1
                framebuffer = '1GiB'
                reserved = \"""64MiB\"""
                name = '''Open \\ vGPU'''
                class = \"""\\
                    Quadro\"""
                """));
        assertEquals(7, t.number());
        assertEquals("Open \\ vGPU", t.name());
        assertEquals("Quadro", t.gpuClass());
    }

    @Test
    void crlfCommentsAndBlankLines() {
        String text = """
                # comment before everything
                schema = 1   # the version

                [[gpu]]      # every GPU
                # a comment between the headers
                [[gpu.type]] # one type
                number = 9
                max_instances = 1 # one
                framebuffer = "2GiB"
                reserved = "0MiB"
                """.replace("\n", "\r\n");
        MdevConfig c = ConfigLoader.parse(text);
        assertEquals(9, only(c).number());
        assertEquals(Optional.of(new ConfigLocation(8, 17)), c.location("gpu[0].type[0].max_instances"));
    }

    @Test
    void filterWithEveryKeyMatchesOnlyThatGpu() {
        MdevConfig c = ConfigLoader.parse("""
                schema = 1
                [[gpu]]
                filter = { domain = 0, bus = 0x65, slot = 0, function = 0, vendor = 0x10DE, device = 0x20B0, subsystem_vendor = 0x10DE, subsystem_device = 0x145F, rm_gpu_id = 0x6500 }
                [[gpu.type]]
                number = 1
                max_instances = 1
                framebuffer = "1GiB"
                reserved = "0MiB"
                """);
        GpuEntry entry = c.gpus().getFirst();
        assertEquals(GpuFilter.ANY.domain(0).bus(0x65).slot(0).function(0).vendor(0x10DE).device(0x20B0)
                .subsystemVendor(0x10DE).subsystemDevice(0x145F).rmGpuId(0x6500), entry.filter());
        PciId a100 = new PciId(0x10DE, 0x20B0, 0x10DE, 0x145F);
        assertTrue(entry.matches(PciAddress.parse("0000:65:00.0"), a100));
        assertFalse(entry.matches(PciAddress.parse("0000:66:00.0"), a100));
        assertFalse(entry.matches(PciAddress.parse("0000:65:00.0"), a100.withSubsystem(0x10DE, 0x1450)));
    }

    @Test
    void emptyFilterMatchesEverything() {
        assertEquals(GpuFilter.ANY, ConfigLoader.parse(BadConfigTest.filter("")).gpus().getFirst().filter());
    }

    @Test
    void keepAndSeveralEntriesReusingNumbers() {
        MdevConfig c = ConfigLoader.parse("""
                schema = 1
                keep = true
                [[gpu]]
                filter.bus = 0x65
                [[gpu.type]]
                number = 1
                max_instances = 1
                framebuffer = "1GiB"
                reserved = "0MiB"
                [[gpu]]
                filter.bus = 0x66
                [[gpu.type]]
                number = 1
                max_instances = 2
                framebuffer = "512MiB"
                reserved = "0MiB"
                """);
        assertTrue(c.keep());
        assertEquals(2, c.gpus().size());
        assertEquals(2, c.gpus().get(1).types().getFirst().maxInstances());
        assertFalse(c.withKeep(false).keep());
        assertEquals(c.location("gpu[1]"), c.withKeep(false).location("gpu[1]"));
        assertEquals(Optional.of(new ConfigLocation(10, 1)), c.location("gpu[1]"));
    }

    @Test
    void boundaryValuesAreAccepted() {
        MdevType t = only(ConfigLoader.parse("""
                schema = 1
                [[gpu]]
                [[gpu.type]]
                number = 2147483647
                name = "€€€€€€€€€€€€€€€€€€€€€"
                class = "ééééééééééééééééééééééééééééééé"
                max_instances = 48
                framebuffer = "1MiB"
                reserved = "0B"
                mappable_video = "0MiB"
                bar1 = "4095TiB"
                guest_pci_id = 0xFFFFFFFF
                host_pci_id = 0
                encoder_capacity = 0
                display = { heads = 16, max_resolution = "16384x16384", frame_rate_limit = 1000, frame_rate_limiter = true }
                """));
        assertEquals(Integer.MAX_VALUE, t.number());
        assertEquals(63, t.name().getBytes(StandardCharsets.UTF_8).length);
        assertEquals(62, t.gpuClass().getBytes(StandardCharsets.UTF_8).length);
        assertEquals(48, t.maxInstances());
        assertEquals(Size.ZERO, t.reserved());
        assertEquals(Size.tib(4095), t.bar1());
        assertEquals(Optional.of(new PciId(0x10DE, 0xFFFF, 0x10DE, 0xFFFF)), t.guestPciId());
        assertEquals(Optional.of(new PciId(0x10DE, 0, 0x10DE, 0)), t.hostPciId());
        assertEquals(new Display(16, 16384, 16384, 1000, true), t.display());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1GiB", "1G", "1GB", "1 GiB", "1024MiB", "1024M", "1048576KiB", "1073741824B", "1gib"})
    void sizeSpellings(String size) {
        MdevType t = only(ConfigLoader.parse(BadConfigTest.type("").replace("\"1GiB\"", "\"" + size + "\"")));
        assertEquals(Size.gib(1), t.framebuffer());
    }

    @Test
    void locationsOfEveryKeyInTheSamplesMatchTheText() throws IOException {
        for (String sample : List.of("open-vgeneric.toml", "open-vpascal.toml", "open-vturing.toml", "open-vampere.toml")) {
            Path file = SampleProfilesTest.SAMPLES.resolve(sample);
            List<String> lines = Files.readAllLines(file);
            MdevConfig c = ConfigLoader.load(file);
            List<Integer> headers = new java.util.ArrayList<>();
            for (int i = 0; i < lines.size(); i++) if (lines.get(i).startsWith("[[gpu.type]]")) headers.add(i);
            assertEquals(c.gpus().getFirst().types().size(), headers.size());
            int checked = 0;
            for (int j = 0; j < headers.size(); j++) {
                String type = "gpu[0].type[" + j + "]";
                assertEquals(Optional.of(new ConfigLocation(headers.get(j) + 1, 1)), c.location(type), sample + " " + type);
                int end = j + 1 < headers.size() ? headers.get(j + 1) : lines.size();
                String table = type;
                for (int i = headers.get(j) + 1; i < end; i++) {
                    String line = lines.get(i);
                    if (line.startsWith("[gpu.type.display]")) {
                        table = type + ".display";
                        assertEquals(Optional.of(new ConfigLocation(i + 1, 1)), c.location(table));
                        continue;
                    }
                    int eq = line.indexOf(" = ");
                    if (line.startsWith("#") || eq < 0) continue;
                    String key = line.substring(0, eq);
                    assertEquals(Optional.of(new ConfigLocation(i + 1, eq + 4)), c.location(table + "." + key),
                            sample + " " + table + "." + key);
                    checked++;
                }
            }
            assertTrue(checked > 40, "checked " + checked + " keys in " + sample);
        }
    }

    @Test
    void laterErrorsAreLocatedInTheFile() {
        Path file = SampleProfilesTest.SAMPLES.resolve("open-vampere.toml");
        MdevConfig c = ConfigLoader.load(file);
        ConfigException e = c.error("gpu[0].type[2].framebuffer", "4 x (9536MiB + 704MiB) does not fit 24GiB");
        ConfigLocation at = c.location("gpu[0].type[2].framebuffer").orElseThrow();
        assertEquals(file, e.file());
        assertEquals(at.line(), e.line());
        assertEquals(15, e.column());
        assertEquals("configuration " + file + ":" + at.line() + ":15 at gpu[0].type[2].framebuffer: "
                + "4 x (9536MiB + 704MiB) does not fit 24GiB", e.getMessage());
        // a key left at its default is reported at its type's header
        assertEquals(c.location("gpu[0].type[1]"), c.location("gpu[0].type[1].host_pci_id"));
        assertEquals(c.location("gpu[0]"), c.location("gpu[0].filter"));
        assertEquals(Optional.of(ConfigLocation.START), c.location("nothing.here"));
    }

    @Test
    void aConfigurationMadeInCodeHasNoLocations() {
        MdevType t = only(ConfigLoader.parse(BadConfigTest.type("")));
        MdevConfig c = MdevConfig.of(GpuEntry.of(GpuFilter.ANY, t));
        assertEquals(Optional.empty(), c.source());
        assertEquals(Optional.empty(), c.location("gpu[0]"));
        ConfigException e = c.error("gpu[0].type[0]", "does not fit");
        assertEquals(0, e.line());
        assertEquals("configuration <text> at gpu[0].type[0]: does not fit", e.getMessage());
        assertEquals(ConfigLoader.parse(BadConfigTest.type("")), c);
    }

    @Test
    void fileTextAndBytesLoadAlike() throws IOException {
        Path file = SampleProfilesTest.SAMPLES.resolve("open-vturing.toml");
        MdevConfig loaded = ConfigLoader.load(file);
        assertEquals(Optional.of(file), loaded.source());
        assertEquals(loaded, ConfigLoader.parse(Files.readString(file)));
        assertEquals(loaded, ConfigLoader.parse(Files.readAllBytes(file), Path.of("stdin")));
        assertEquals(Optional.of(Path.of("stdin")), ConfigLoader.parse(Files.readAllBytes(file), Path.of("stdin")).source());
    }

    @Test
    void printsForJShell() {
        MdevConfig c = ConfigLoader.load(SampleProfilesTest.SAMPLES.resolve("open-vampere.toml"));
        String s = c.toString();
        assertTrue(s.startsWith("MdevConfig[" + SampleProfilesTest.SAMPLES.resolve("open-vampere.toml") + ", schema 1, replace existing types"), s);
        assertTrue(s.contains("gpu[0] GpuEntry[every GPU, 4 types:"), s);
        assertTrue(s.contains("MdevType[nvidia-531 \"Open vAmpere/4\" Compute: 4 x 9536MiB (+704MiB reserved)"), s);
        assertEquals("12:5", new ConfigLocation(12, 5).toString());
    }
}
