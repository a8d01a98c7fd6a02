package io.mdevgpu.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.mdevgpu.MdevType;
import io.mdevgpu.core.config.ConfigLoader;
import io.mdevgpu.core.config.MdevConfig;
import io.mdevgpu.kernel.testing.TestJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** The verbs end to end on simulated hosts: the engine, the simulated kernel and NVIDIA driver beneath them. */
class SimulatedHostCliTest {
    private static final String A100 = "0000:17:00.0", A100B = "0000:65:00.0", T4 = "0000:b3:00.0";

    private static Path profile(String name) {
        return CliRun.repo("samples/config/" + name + ".toml");
    }

    /** The description NVIDIA's driver writes for a type, spelled out here from the profile's values. */
    private static String nvidiaDescription(MdevType t) {
        return "num_heads=" + t.display().heads() + ", frl_config=" + t.display().frameRateLimit() + ", framebuffer="
                + t.framebuffer().toMiB() + "M, max_resolution=" + t.display().maxResolutionX() + "x"
                + t.display().maxResolutionY() + ", max_instance=" + t.maxInstances();
    }

    @ParameterizedTest
    @ValueSource(strings = {"open-vgeneric", "open-vpascal", "open-vturing", "open-vampere"})
    void eachSampleProfileAppliesAndTypesShowsItsTypes(String name) {
        MdevConfig config = ConfigLoader.load(profile(name));
        List<MdevType> types = config.gpus().getFirst().types();
        // the generic profiles (10 x 1 GiB) fit every GPU; Ampere's sizes are made for a 40 GB A100 and skip the T4
        List<String> gpus = name.equals("open-vampere") ? List.of(A100, A100B) : List.of(A100, A100B, T4);
        try (SharedHost sim = SharedHost.simulated("default")) {
            CliRun apply = sim.run("apply", "-c", profile(name).toString());
            assertEquals(Main.OK, apply.exitCode(), apply.all());
            for (String gpu : gpus) {
                assertTrue(apply.out().contains("opened GPU " + gpu + " "), apply.out());
            }
            for (MdevType t : types) {
                assertTrue(apply.out().contains("  created type " + t.sysfsName() + " \"" + t.name() + "\": "), apply.out());
            }
            assertTrue(apply.out().contains("applied " + profile(name) + ": " + gpus.size() + " GPU(s), "
                    + gpus.size() * types.size() + " type(s) registered"), apply.out());
            assertTrue(apply.out().contains("./mdevgpu jshell"), "where to go on: " + apply.out());
            if (gpus.size() == 2) {
                assertTrue(apply.out().contains("note: ") && apply.out().contains(T4), "says why the T4 was left alone: " + apply.out());
            }

            JsonNode listed = sim.run("types", "--json").json().get("types");
            List<String> seen = new ArrayList<>();
            for (JsonNode t : listed) {
                seen.add(t.get("parent").asString() + " " + t.get("type").asString());
                MdevType expected = types.stream().filter(x -> x.sysfsName().equals(t.get("type").asString())).findFirst().orElseThrow();
                assertEquals(expected.name(), t.get("name").asString());
                assertEquals(nvidiaDescription(expected), t.get("description").asString());
                assertEquals(expected.maxInstances(), t.get("available_instances").asInt(), t.toString());
            }
            List<String> wanted = new ArrayList<>();
            for (String gpu : gpus) {
                for (MdevType t : types) wanted.add(gpu + " " + t.sysfsName());
            }
            assertEquals(wanted, seen);
            String text = sim.run("types").out();
            assertTrue(text.contains(types.getFirst().sysfsName() + "  " + types.getFirst().name()), text);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"a100-510", "t4-535", "a100x2", "a100-595"})
    void applyWorksOnEveryDriverFamilysHost(String inventory) {
        try (SharedHost sim = SharedHost.simulated(inventory)) {
            CliRun apply = sim.run("apply", "-c", profile("open-vgeneric").toString());
            assertEquals(Main.OK, apply.exitCode(), apply.all());
            assertEquals(3, sim.run("types", "--json").json().get("types").size() / sim.host.gpus().size());
        }
    }

    @Test
    void aPassThroughDriverIsRefusedBeforeAnythingChanges() {
        // the h100-580 inventory mirrors the real H100 host: driver 580, virtualization mode pass-through
        try (SharedHost sim = SharedHost.simulated("h100-580")) {
            CliRun plan = sim.run("plan", "-c", profile("open-vgeneric").toString());
            assertEquals(Main.OK, plan.exitCode(), plan.all());
            assertTrue(plan.out().contains("note: GPU 0000:00:06.0 (NVIDIA H100 80GB HBM3) is not a vGPU host: the driver "
                    + "reports virtualization mode NMOS (pass-through guest), so apply will be refused there"), plan.out());
            CliRun apply = sim.run("apply", "-c", profile("open-vgeneric").toString());
            assertEquals(Main.FAILED, apply.exitCode(), apply.all());
            assertTrue(apply.err().toLowerCase().contains("pass-through") || apply.err().toLowerCase().contains("passthrough"), apply.err());
            assertEquals(0, sim.run("types", "--json").json().get("types").size());
        }
    }

    @Test
    void createInspectCheckBar1AndRemoveThroughTheCli() {
        try (SharedHost sim = SharedHost.simulated("default")) {
            assertEquals(Main.OK, sim.run("apply", "-c", profile("open-vampere").toString()).exitCode());
            CliRun create = sim.run("create", "nvidia-531", "--parent", "65:00.0");
            assertEquals(Main.OK, create.exitCode(), create.all());
            UUID uuid = UUID.fromString(create.out().strip());

            CliRun list = sim.run("list");
            assertTrue(list.out().contains(uuid + "  " + A100B + "  nvidia-531  active"), list.out());
            assertEquals(3, sim.run("types", "--json", "--parent", A100B).json().get("types").get(2).get("available_instances").asInt(),
                    "one of the four quarters is taken");

            CliRun inspect = sim.run("inspect", uuid.toString(), "--check-bar", "1");
            assertEquals(Main.OK, inspect.exitCode(), inspect.all());
            // the guest sees the profile's identity: guest_pci_id = 0x20B01470
            assertTrue(inspect.out().contains("\tPCI 10de:20b0 [10de:1470]"), inspect.out());
            assertTrue(inspect.out().contains("Capabilities: ["), inspect.out());
            // sized by the VFIO regions: BAR0's register is 0 until the guest's firmware assigns it, yet it is there
            assertTrue(inspect.out().contains("Region 0: Memory at 0 (32-bit, non-prefetchable) [size=16MiB]"), inspect.out());
            assertTrue(inspect.out().contains("Region 1: Memory at 0 (64-bit, prefetchable) [size=1GiB]"), inspect.out());
            assertTrue(inspect.out().contains("BAR1 mapped (1GiB): wrote 0x2175706776656d64, read back 0x2175706776656d64 "
                    + "through the mapping and 0x2175706776656d64 through the device fd"), inspect.out());
            JsonNode json = sim.run("inspect", uuid.toString(), "--json").json();
            JsonNode bar1 = json.get("regions").valueStream().filter(r -> r.get("index").asInt() == 1).findFirst().orElseThrow();
            assertEquals(1L << 30, bar1.get("size").asLong(), "the profile's bar1 = 1GiB");
            assertTrue(bar1.get("mappable").asBoolean());
            assertEquals("0x1470", json.get("config_space").get("subsystem_device").asString());

            CliRun remove = sim.run("remove", uuid.toString());
            assertEquals(Main.OK, remove.exitCode(), remove.all());
            assertEquals("no vGPUs\n", sim.run("list").out());
            assertEquals(Main.BAD_INPUT, sim.run("inspect", uuid.toString()).exitCode(), "gone");
        }
    }

    /** A process's run of {@link #process}, for tests beside this one. */
    static CliRun inProcess(String... args) throws Exception {
        return process(args);
    }

    /** One JVM per command, as a shell runs them: {@code java -cp <the test class path> io.mdevgpu.cli.Main ARGS}. */
    private static CliRun process(String... args) throws Exception {
        Process p = new ProcessBuilder(TestJvm.command(Main.class,
                List.of("--enable-native-access=ALL-UNNAMED", "-Xshare:off", "-XX:TieredStopAtLevel=1"), args))
                .redirectError(ProcessBuilder.Redirect.PIPE).start();
        java.util.concurrent.CompletableFuture<String> err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes());
            } catch (java.io.IOException e) {
                return e.toString();
            }
        });
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "the command ended");
        return new CliRun(p.exitValue(), out, err.get());
    }

    @Test
    void aHostKeptInADirectoryGoesFromOneCommandToTheNext(@TempDir Path dir) throws Exception {
        String host = "--host=sim@" + dir.resolve("host");
        // each command its own process: apply, create, inspect, list, remove
        CliRun apply = process(host, "apply", "-c", profile("open-vampere").toString());
        assertEquals(Main.OK, apply.exitCode(), apply.all());
        CliRun create = process(host, "create", "nvidia-531", "--parent", "65:00.0");
        assertEquals(Main.OK, create.exitCode(), create.all());
        UUID uuid = UUID.fromString(create.out().strip());
        CliRun inspect = process(host, "inspect", uuid.toString(), "--check-bar", "1");
        assertEquals(Main.OK, inspect.exitCode(), inspect.all());
        assertTrue(inspect.out().contains("\tPCI 10de:20b0 [10de:1470]"), inspect.out());
        assertTrue(inspect.out().contains("BAR1 mapped (1GiB): wrote "), inspect.out());
        CliRun types = process(host, "types", "--json", "--parent", A100B);
        assertEquals(3, types.json().get("types").get(2).get("available_instances").asInt(), types.all());

        // and in-process commands, each opening and closing the host, see the same host
        CliRun list = CliRun.of(host, "list");
        assertTrue(list.out().contains(uuid + "  " + A100B + "  nvidia-531  active"), list.all());
        CliRun define = CliRun.of(host, "define", "nvidia-2", "--parent", A100, "--auto");
        assertEquals(Main.OK, define.exitCode(), define.all());

        CliRun remove = process(host, "remove", uuid.toString());
        assertEquals(Main.OK, remove.exitCode(), remove.all());
        CliRun after = process(host, "list");
        assertFalse(after.out().contains(uuid.toString()), after.all());
        assertTrue(after.out().contains(define.out().strip() + "  " + A100 + "  nvidia-2  defined (auto)"), after.all());
        assertEquals(Main.BAD_INPUT, process(host, "inspect", uuid.toString()).exitCode(), "gone for every later command");
        // the tree is there for other programs: an mdev parent with the profile's types
        assertTrue(Files.isDirectory(dir.resolve("host/sys/class/mdev_bus/" + A100B + "/mdev_supported_types/nvidia-531")));

        CliRun other = process("--host=sim:a100x2@" + dir.resolve("host"), "gpus");
        assertEquals(Main.BAD_INPUT, other.exitCode(), other.all());
        assertTrue(other.err().contains("it holds another simulated host"), other.err());
    }

    @Test
    void theKernelsRefusalsExit1WithTheirErrno() {
        try (SharedHost sim = SharedHost.simulated("default")) {
            assertEquals(Main.OK, sim.run("apply", "-c", profile("open-vampere").toString()).exitCode());
            CliRun whole = sim.run("create", "nvidia-529", "--parent", A100);
            assertEquals(Main.OK, whole.exitCode(), whole.all());
            CliRun second = sim.run("create", "nvidia-529", "--parent", A100);
            assertEquals(Main.FAILED, second.exitCode(), second.all());
            assertTrue(second.err().startsWith("mdevgpu: ") && second.err().contains(A100), second.err());
            UUID uuid = UUID.fromString(whole.out().strip());
            CliRun again = sim.run("create", "nvidia-532", "--parent", A100B, "--uuid", uuid.toString());
            assertEquals(Main.FAILED, again.exitCode(), again.all());
            assertTrue(again.err().contains("EEXIST") || again.err().contains(uuid.toString()), again.err());
            assertEquals(Main.BAD_INPUT, sim.run("create", "nvidia-999").exitCode());
        }
    }

    @Test
    void defineStartStopUndefineLikeMdevctl() {
        try (SharedHost sim = SharedHost.simulated("default")) {
            assertEquals(Main.OK, sim.run("apply", "-c", profile("open-vgeneric").toString()).exitCode());
            CliRun define = sim.run("define", "nvidia-2", "--parent", T4, "--auto");
            assertEquals(Main.OK, define.exitCode(), define.all());
            String uuid = define.out().strip();
            assertTrue(sim.run("list").out().contains(uuid + "  " + T4 + "  nvidia-2  defined (auto)"));
            assertEquals(Main.OK, sim.run("start", uuid).exitCode());
            assertTrue(sim.run("list").out().contains(uuid + "  " + T4 + "  nvidia-2  active, defined (auto)"));
            assertEquals(Main.OK, sim.run("stop", uuid).exitCode());
            assertEquals(Main.OK, sim.run("undefine", uuid).exitCode());
            assertEquals("no vGPUs\n", sim.run("list").out());
        }
    }

    @Test
    void plansAndBadInputOnTheSimulatedHost(@TempDir Path dir) throws Exception {
        try (SharedHost sim = SharedHost.simulated("default")) {
            CliRun plan = sim.run("plan", "-c", profile("open-vturing").toString(), "--json");
            assertEquals(Main.OK, plan.exitCode(), plan.all());
            assertEquals(3, plan.json().get("gpus").size());
            assertEquals("0x1e30", plan.json().get("gpus").get(2).get("types").get(0).get("guest_device").asString());

            Path huge = dir.resolve("huge.toml");
            Files.writeString(huge, "schema = 1\n[[gpu]]\nfilter = { bus = 0x17 }\n[[gpu.type]]\nnumber = 77\nmax_instances = 1\n"
                    + "framebuffer = \"60GiB\"\nreserved = \"1GiB\"\n");
            CliRun tooBig = sim.run("apply", "-c", huge.toString());
            assertEquals(Main.DOES_NOT_FIT, tooBig.exitCode(), tooBig.all());
            assertTrue(tooBig.err().contains("nvidia-77"), tooBig.err());
            assertEquals(Main.DOES_NOT_FIT, sim.run("plan", "-c", huge.toString()).exitCode());
            assertEquals(0, sim.run("types", "--json").json().get("types").size(), "nothing applied");

            Path typo = dir.resolve("typo.toml");
            Files.writeString(typo, "schema = 1\n[[gpu]]\n[[gpu.type]]\nnumber = 1\nmax_instances = 1\nframebuffer = \"1GiB\"\nreserved = \"64MiB\"\nfbLen = 3\n");
            CliRun bad = sim.run("apply", "-c", typo.toString());
            assertEquals(Main.BAD_INPUT, bad.exitCode(), bad.all());
            assertTrue(bad.err().contains(typo + ":8:1") && bad.err().contains("framebuffer"), bad.err());
        }
    }

    @Test
    void gpusAndAbiOnTheSimulatedHost() {
        try (SharedHost sim = SharedHost.simulated("default")) {
            CliRun gpus = sim.run("gpus");
            assertTrue(gpus.out().contains(A100 + "  10de:20b0"), gpus.out());
            assertTrue(gpus.out().contains("driver: nvidia 550.54.14"), gpus.out());
            JsonNode verbose = sim.run("gpus", "-v", "--json").json().get("gpus");
            assertEquals(3, verbose.size());
            for (JsonNode gpu : verbose) {
                assertFalse(gpu.get("config_space").get("capabilities").isEmpty(), gpu.toString());
            }
            JsonNode abi = sim.run("--host", "sim", "abi", "--json").json();
            assertEquals("550.54.14", abi.get("nvidia_release").asString());
            assertEquals("r550", abi.get("nvidia_family").asString());
        }
    }

    /** Issue 5, item 1, on a fake sysfs tree of the real H100: address, ids, class, driver, BARs, the capability chain. */
    @Test
    void gpusOnARealHostTreeShowsTheH100(@TempDir Path root) {
        io.mdevgpu.kernel.testing.FakeHost.create(root);
        CliRun run = CliRun.of("--host", "real:" + root, "gpus", "-v");
        assertEquals(Main.OK, run.exitCode(), run.all());
        String out = run.out();
        assertTrue(out.startsWith("0000:00:06.0  "), out);
        assertTrue(out.contains("10de:2330 [10de:16c1]") && out.contains("driver nvidia"), out);
        assertTrue(out.contains("Region 0: Memory at 102002000000 (64-bit, prefetchable) [size=16MiB]"), out);
        assertTrue(out.contains("Region 2: Memory at 100000000000 (64-bit, prefetchable) [size=128GiB]"), out);
        assertTrue(out.contains("Region 4: Memory at 102000000000 (64-bit, prefetchable) [size=32MiB]"), out);
        int pm = out.indexOf("[40] Power Management"), msi = out.indexOf("[48] MSI"), exp = out.indexOf("[60] Express"),
                msix = out.indexOf("[b0] MSI-X");
        assertTrue(pm > 0 && pm < msi && msi < exp && exp < msix, out);
        assertFalse(out.contains("0000:03:00.0"), "the Ethernet controller is not a GPU: " + out);
        CliRun table = CliRun.of("--host", "real:" + root, "gpus");
        assertTrue(table.out().contains("0000:00:06.0  10de:2330 [10de:16c1]  3D controller [030200]  nvidia"), table.out());
        assertTrue(table.out().contains("0:16MiB 2:128GiB 4:32MiB"), table.out());
    }
}
