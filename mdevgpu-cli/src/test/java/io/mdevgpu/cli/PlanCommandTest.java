package io.mdevgpu.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class PlanCommandTest {
    private static final String AMPERE = CliRun.repo("samples/config/open-vampere.toml").toString();

    @Test
    void ampereProfileFitsAnA100With1248Instances() {
        CliRun run = CliRun.of("plan", "-c", AMPERE, "--gpu", "a100-40g");
        assertEquals(Main.OK, run.exitCode(), run.err());
        assertTrue(run.out().contains("nvidia-531  \"Open vAmpere/4\"  Compute  4/4"), run.out());
        assertTrue(run.out().contains("10de:20b0 [10de:1470]"), run.out());
        assertTrue(run.out().contains("fits: every type fits"), run.out());
    }

    @Test
    void jsonNamesEveryTypeWithItsPlacements() {
        CliRun run = CliRun.of("plan", "-c", AMPERE, "--gpu", "A100-40G", "--json");
        assertEquals(Main.OK, run.exitCode(), run.err());
        JsonNode root = JsonMapper.builder().build().readTree(run.out());
        assertTrue(root.get("fits").asBoolean());
        assertEquals(4, root.get("types").size());
        JsonNode eighth = root.get("types").get(3);
        assertEquals("nvidia-532", eighth.get("type").asString());
        assertEquals(8, eighth.get("instances_that_fit").asInt());
        assertEquals(8, eighth.get("placements").size());
        assertEquals(4736, eighth.get("framebuffer_mib").asInt());
        assertEquals("0x146f", eighth.get("guest_subsystem_device").asString());
    }

    @Test
    void aPlanThatDoesNotFitExits3AndSaysWhy() {
        // the whole-A100 type needs 40960 MiB; a T4 has 15360
        CliRun run = CliRun.of("plan", "-c", AMPERE, "--gpu", "t4");
        assertEquals(Main.DOES_NOT_FIT, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("nvidia-529"), run.err());
        assertTrue(run.err().contains("MiB"), run.err());
        assertTrue(run.out().contains("does not fit:"), run.out());
    }

    @Test
    void badConfigurationExits2WithFileKeyAndLine(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.toml");
        Files.writeString(bad, "schema = 1\n[[gpu]]\n[[gpu.type]]\nnumber = 1\nmax_instances = 4\nframebuffer = \"1GiB\"\nreserved = \"64MiB\"\nframebufer = \"2GiB\"\n");
        CliRun run = CliRun.of("plan", "-c", bad.toString(), "--gpu", "t4");
        assertEquals(Main.BAD_INPUT, run.exitCode(), run.err());
        assertTrue(run.err().contains(bad + ":8:1"), run.err());
        assertTrue(run.err().contains("gpu[0].type[0].framebufer"), run.err());
    }

    @Test
    void theTuringProfileFitsTenInstancesOnAT4() {
        // ten 256 MiB guest BAR1 windows on the T4's 256 MiB aperture: guests' BAR1 is not carved out of it
        CliRun run = CliRun.of("plan", "-c", CliRun.repo("samples/config/open-vturing.toml").toString(), "--gpu", "t4", "--json");
        assertEquals(Main.OK, run.exitCode(), run.out() + run.err());
        JsonNode root = JsonMapper.builder().build().readTree(run.out());
        assertTrue(root.get("fits").asBoolean());
        for (JsonNode type : root.get("types")) {
            assertEquals(10, type.get("instances_that_fit").asInt(), type.toString());
            JsonNode last = type.get("placements").get(9);
            assertEquals(256L << 20, last.get("bar1_size").asLong());
            assertNull(last.get("bar1_offset"), "a guest's BAR1 has no place in the aperture");
            assertEquals(9L * 1024 << 20, last.get("framebuffer_offset").asLong());
        }
    }

    @Test
    void unknownModelAndBadOptionsExit2() {
        CliRun run = CliRun.of("plan", "-c", AMPERE, "--gpu", "gtx-480");
        assertEquals(Main.BAD_INPUT, run.exitCode());
        assertTrue(run.err().contains("a100-40g"), "lists the known models: " + run.err());
        assertEquals(Main.BAD_INPUT, CliRun.of("plan", "--gpu", "t4").exitCode());
        assertEquals(Main.BAD_INPUT, CliRun.of("plan", "-c", AMPERE, "--gpu", "t4", "--driver-limits", "470").exitCode());
    }
}
