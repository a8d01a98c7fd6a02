package io.mdevgpu.core.inventory;

import io.mdevgpu.Bar;
import io.mdevgpu.ConfigException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.PciId;
import io.mdevgpu.Size;
import io.mdevgpu.ValidationException;
import io.mdevgpu.core.pci.Capability;
import io.mdevgpu.core.pci.PciConfigSpace;
import io.mdevgpu.kernel.abi.nvrm.VirtualizationMode;
import io.mdevgpu.kernel.pci.PciDevice;
import io.mdevgpu.kernel.pci.PciResource;
import io.mdevgpu.kernel.testing.H100Fixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class InventoryLoaderTest {
    static final Path SAMPLES = Path.of("..", "samples", "hosts");
    static final List<String> BUILT_IN = InventoryLoader.BUILT_IN;

    @Test
    void theBuiltInListIsExactlyTheSampleFiles() throws IOException {
        try (Stream<Path> files = Files.list(SAMPLES)) {
            List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".toml"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
            assertEquals(BUILT_IN.stream().sorted().toList(), names);
        }
    }

    @ParameterizedTest
    @FieldSource("BUILT_IN")
    void everyBuiltInLoadsFromTheJarAndEqualsItsSampleFile(String name) {
        HostInventory builtIn = InventoryLoader.builtIn(name);
        HostInventory file = InventoryLoader.load(SAMPLES.resolve(name + ".toml"));
        assertEquals(name, builtIn.name());
        assertEquals(file.gpus(), builtIn.gpus());
        assertEquals(file.driver(), builtIn.driver());
        assertFalse(builtIn.gpus().isEmpty());
        for (InventoryGpu gpu : builtIn.gpus()) {
            PciDevice d = gpu.device();
            // what sysfs would show reads back through the core's own parser, BAR sizes included
            PciConfigSpace space = PciConfigSpace.parse(d.config(), d.resources());
            assertEquals(d.id(), space.pciId());
            assertEquals(d.classCode(), space.classCode());
            assertEquals(d.revision(), space.revision());
            assertEquals(3, space.bars().size(), "three memory windows: " + space.bars());
            assertEquals(List.of(0x01, 0x05, 0x10, 0x11), space.capabilities().stream().map(Capability::id).toList());
            assertTrue(d.isDisplay());
            assertEquals("nvidia", d.driver().orElseThrow());
        }
    }

    @Test
    void theH100InventoryMirrorsTheRealMachine() {
        HostInventory h100 = InventoryLoader.builtIn("h100-580");
        assertEquals("580.159.04", h100.driver().version());
        InventoryGpu gpu = h100.gpus().getFirst();
        PciDevice real = H100Fixture.device(12);
        PciDevice made = gpu.device();
        assertEquals(real.address(), made.address());
        assertEquals(PciId.parse("10de:2330 10de:16c1"), made.id());
        assertEquals(real.id(), made.id());
        assertEquals(0xa1, made.revision());
        assertEquals(real.classCode(), made.classCode());
        // the very windows of the real machine, flags included
        for (int i = 0; i < 6; i++) {
            assertEquals(real.resources().get(i), made.resources().get(i), "resource " + i);
        }
        PciConfigSpace realSpace = PciConfigSpace.parse(real.config(), real.resources());
        PciConfigSpace madeSpace = PciConfigSpace.parse(made.config(), made.resources());
        assertEquals(realSpace.bars(), madeSpace.bars());
        assertEquals(realSpace.capabilities(), madeSpace.capabilities());
        assertEquals(Size.mib(81559), gpu.framebuffer());
        assertEquals(VirtualizationMode.NMOS, gpu.virtualizationMode());
    }

    @Test
    void theDefaultHostHasTwoA100sAndAT4OnA550VgpuHost() {
        HostInventory host = InventoryLoader.resolve("default");
        assertEquals(550, host.driver().major());
        assertEquals(List.of("0000:17:00.0", "0000:65:00.0", "0000:b3:00.0"),
                host.gpus().stream().map(g -> g.device().address().toString()).toList());
        assertEquals(List.of("a100-40g", "a100-40g", "t4"), host.gpus().stream().map(InventoryGpu::catalogueId).toList());
        assertEquals(Size.mib(15360), host.gpus().get(2).framebuffer());
        assertTrue(host.gpus().stream().allMatch(g -> g.virtualizationMode() == VirtualizationMode.HOST));
        Bar aperture = host.gpus().get(1).device().bar(1).orElseThrow().toBar();
        assertEquals(Size.gib(64), aperture.size());
        assertTrue(aperture.is64Bit() && aperture.prefetchable());
        Bar registers = host.gpus().get(1).device().bar(0).orElseThrow().toBar();
        assertFalse(registers.is64Bit());
        assertTrue(registers.start() < 1L << 32);
        assertEquals(101, host.gpus().get(1).device().iommuGroup().getAsInt());
    }

    @Test
    void windowsOfDifferentGpusDoNotOverlap() {
        HostInventory host = InventoryLoader.builtIn("default");
        List<PciResource> all = host.gpus().stream().flatMap(g -> g.device().bars().stream()).toList();
        for (PciResource a : all) {
            for (PciResource b : all) {
                if (a == b) continue;
                assertTrue(a.end() < b.start() || b.end() < a.start(), a + " overlaps " + b);
            }
        }
    }

    @Test
    void aFileIsResolvedByPathAndOverridesApply(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("mine.toml");
        Files.writeString(file, """
                schema = 1
                name = "mine"
                description = "an odd A100"
                [driver]
                version = "535.129.03"
                [[gpu]]
                address = "81:00.0"
                model = "a100-40g"
                device = 0x20F1
                subsystem_device = 0x145F
                framebuffer = "20480MiB"
                bar1 = "32GiB"
                numa_node = 1
                virtualization_mode = "none"
                """);
        HostInventory host = InventoryLoader.resolve(file.toString());
        InventoryGpu gpu = host.gpus().getFirst();
        assertEquals(PciAddress.parse("0000:81:00.0"), gpu.device().address());
        assertEquals(PciId.of(0x10de, 0x20f1, 0x10de, 0x145f), gpu.device().id());
        assertEquals(Size.mib(20480), gpu.framebuffer());
        assertEquals(Size.gib(32), gpu.device().bar(1).orElseThrow().size());
        assertEquals(1, gpu.device().numaNode());
        assertEquals(0x81, gpu.device().iommuGroup().getAsInt(), "the bus number by default");
        assertEquals(VirtualizationMode.NONE, gpu.virtualizationMode());
        assertEquals(file, host.source().orElseThrow());
    }

    @Test
    void anUnknownNameListsTheBuiltInOnes() {
        ConfigException e = assertThrows(ConfigException.class, () -> InventoryLoader.resolve("a100x3"));
        assertTrue(e.getMessage().contains("default, a100x2"), e.getMessage());
        assertThrows(ValidationException.class, () -> InventoryLoader.resolve(" "));
        assertThrows(ValidationException.class, () -> InventoryLoader.builtIn("nope"));
    }

    static final String HEAD = """
            schema = 1
            name = "x"
            description = "d"
            [driver]
            version = "550.54.14"
            """;

    record Bad(String name, String text, String keyPath, int line, String words) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Bad> BAD = List.of(
            new Bad("no schema", "name = \"x\"\n", "schema", 1, "missing required key \"schema\""),
            new Bad("schema 2", "schema = 2\n", "schema", 1, "unsupported schema version 2"),
            new Bad("unknown top key", "schema = 1\ngpus = 1\n", "gpus", 2, "did you mean \"gpu\""),
            new Bad("no gpu", HEAD, "gpu", 1, "missing required key \"gpu\""),
            new Bad("no name", "schema = 1\ndescription = \"d\"\n", "name", 1, "missing required key \"name\""),
            new Bad("bad name", HEAD.replace("\"x\"", "\"My Host\"") + "[[gpu]]\naddress = \"65:00.0\"\nmodel = \"t4\"\n",
                    "name", 2, "not an inventory name"),
            new Bad("no driver", "schema = 1\nname = \"x\"\ndescription = \"d\"\n", "driver", 1, "missing required key \"driver\""),
            new Bad("bad version", HEAD.replace("550.54.14", "five-fifty") + "[[gpu]]\naddress = \"65:00.0\"\nmodel = \"t4\"\n",
                    "driver.version", 5, "MAJOR.MINOR"),
            new Bad("unknown release", HEAD.replace("550.54.14", "470.82.01") + "[[gpu]]\naddress = \"65:00.0\"\nmodel = \"t4\"\n",
                    "driver.version", 5, "no layout family"),
            new Bad("bad driver mode", HEAD + "virtualization_mode = \"sriov\"\n[[gpu]]\naddress = \"65:00.0\"\nmodel = \"t4\"\n",
                    "driver.virtualization_mode", 6, "not a virtualization mode"),
            new Bad("unknown driver key", HEAD + "release = 1\n", "driver.release", 6, "allowed here: version, virtualization_mode"),
            new Bad("gpu without address", HEAD + "[[gpu]]\nmodel = \"t4\"\n", "gpu[0].address", 6, "missing required key \"address\""),
            new Bad("gpu without model", HEAD + "[[gpu]]\naddress = \"65:00.0\"\n", "gpu[0].model", 6, "a100-40g, a100-80g, t4"),
            new Bad("unknown model", HEAD + "[[gpu]]\naddress = \"65:00.0\"\nmodel = \"v100\"\n", "gpu[0].model", 8, "known models"),
            new Bad("bad address", HEAD + "[[gpu]]\naddress = \"65:00\"\nmodel = \"t4\"\n", "gpu[0].address", 7, "DDDD:BB:SS.F"),
            new Bad("address twice", HEAD + "[[gpu]]\naddress = \"65:00.0\"\nmodel = \"t4\"\n[[gpu]]\naddress = \"0000:65:00.0\"\nmodel = \"t4\"\n",
                    "gpu[1].address", 10, "already the address of gpu[0]"),
            new Bad("device too large", HEAD + "[[gpu]]\naddress = \"65:00.0\"\nmodel = \"t4\"\ndevice = 0x10000\n",
                    "gpu[0].device", 9, "out of range"),
            new Bad("framebuffer not MiB", HEAD + "[[gpu]]\naddress = \"65:00.0\"\nmodel = \"t4\"\nframebuffer = \"1000KiB\"\n",
                    "gpu[0].framebuffer", 9, "whole number of MiB"),
            new Bad("bar1 not a power of two", HEAD + "[[gpu]]\naddress = \"65:00.0\"\nmodel = \"t4\"\nbar1 = \"96MiB\"\n",
                    "gpu[0].bar1", 9, "power of two"),
            new Bad("negative iommu group", HEAD + "[[gpu]]\naddress = \"65:00.0\"\nmodel = \"t4\"\niommu_group = -1\n",
                    "gpu[0].iommu_group", 9, "out of range"),
            new Bad("unknown gpu key", HEAD + "[[gpu]]\naddress = \"65:00.0\"\nmodel = \"t4\"\nbar2 = \"1GiB\"\n",
                    "gpu[0].bar2", 9, "did you mean \"bar1\""),
            new Bad("not function 0", HEAD + "[[gpu]]\naddress = \"65:00.1\"\nmodel = \"t4\"\n", "gpu[0].address", 7, "not function 0"),
            new Bad("one IOMMU group twice", HEAD + "[[gpu]]\naddress = \"65:00.0\"\nmodel = \"t4\"\niommu_group = 7\n"
                    + "[[gpu]]\naddress = \"66:00.0\"\nmodel = \"t4\"\niommu_group = 7\n", "gpu[1].iommu_group", 13, "already gpu[0]'s"),
            new Bad("syntax", HEAD + "[[gpu]\n", "", 6, "syntax"));

    @ParameterizedTest
    @FieldSource("BAD")
    void everyBadInventoryIsALocatedConfigException(Bad bad) {
        ConfigException e = assertThrows(ConfigException.class, () -> InventoryLoader.parse(bad.text(), Path.of("bad.toml")));
        if (!bad.keyPath().isEmpty()) assertEquals(bad.keyPath(), e.keyPath(), e.getMessage());
        assertEquals(bad.line(), e.line(), e.getMessage());
        assertEquals(Path.of("bad.toml"), e.file());
        assertTrue(e.getMessage().contains(bad.words()), e.getMessage());
    }

    @Test
    void aMissingFileAndADirectoryAreRefusedAsInventoryFiles(@TempDir Path dir) {
        ConfigException missing = assertThrows(ConfigException.class, () -> InventoryLoader.load(dir.resolve("none.toml")));
        assertTrue(missing.getMessage().contains("the inventory file does not exist"), missing.getMessage());
        ConfigException directory = assertThrows(ConfigException.class, () -> InventoryLoader.resolve(dir.toString()));
        assertTrue(directory.getMessage().contains("is a directory"), directory.getMessage());
    }
}
