package io.mdevgpu.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Persistent vGPUs on SR-IOV virtual functions from the command line, on the built-in {@code sriov} host kept in a
 * directory with its types registered and its VFs disabled, as after a boot: define (pinned, with an owner), list,
 * {@code start --all} as {@code mdevgpu-vgpus.service} runs it (twice), inventory, stop, undefine.
 */
class VfDefinitionsCliTest {
    private static final String H100 = "0000:17:00.0";
    private static final UUID PINNED = UUID.fromString("b0000000-0000-4000-8000-000000000002");

    /** open-vampere's types, the VFs left disabled. */
    private static Path typesOnly(Path dir) throws IOException {
        String config = Files.readString(CliRun.repo("samples/config/open-vampere.toml"));
        return Files.writeString(dir.resolve("types-only.toml"), config + "\n[gpu.sriov]\nvirtual_functions = 0\n");
    }

    /** What start changes on the host: every VF's type, every PF's VF count, the owner records. */
    private static Map<String, String> hostState(Path host) {
        Map<String, String> out = new TreeMap<>();
        for (Path root : List.of(host.resolve("sys/bus/pci/devices"), host.resolve("run/mdevgpu"))) {
            if (!Files.exists(root)) continue;
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : walk.filter(p -> p.endsWith("current_vgpu_type") || p.endsWith("sriov_numvfs")
                        || p.startsWith(host.resolve("run")) && Files.isRegularFile(p)).toList()) {
                    out.put(host.relativize(p).toString(), Files.readString(p));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    @Test
    void defineStartAllInventoryStopUndefineOnVfs(@TempDir Path dir) throws Exception {
        Path hostDir = dir.resolve("host");
        String host = "--host=sim:sriov@" + hostDir;
        CliRun apply = CliRun.of(host, "apply", "-c", typesOnly(dir).toString());
        assertEquals(Main.OK, apply.exitCode(), apply.all());
        assertEquals("0", Files.readString(hostDir.resolve("sys/bus/pci/devices/" + H100 + "/sriov_numvfs")).strip());

        CliRun unpinned = CliRun.of(host, "--json", "define", "531", "--parent", H100, "--auto", "--owner", "vm-1");
        assertEquals(Main.OK, unpinned.exitCode(), unpinned.all());
        JsonNode d = unpinned.json();
        assertEquals("sriov", d.get("kind").asString());
        assertEquals("nvidia-531", d.get("type").asString());
        assertEquals("Open vAmpere/4", d.get("type_name").asString(), "read from the driver's table: no VF is enabled");
        assertTrue(d.get("vf").isNull());
        assertEquals("vm-1", d.get("owner").asString());
        UUID a = UUID.fromString(d.get("uuid").asString());
        assertTrue(Files.isRegularFile(hostDir.resolve("etc/mdevgpu/vf.d/" + H100 + "/" + a + ".json")));

        CliRun pinned = CliRun.of(host, "define", "nvidia-531", "--parent", H100, "--vf", "0000:17:00.6", "--auto",
                "--uuid", PINNED.toString());
        assertEquals(Main.OK, pinned.exitCode(), pinned.all());
        CliRun manual = CliRun.of(host, "define", "531", "--parent", H100);
        assertEquals(Main.OK, manual.exitCode(), manual.all());
        UUID m = UUID.fromString(manual.out().strip());
        CliRun broken = CliRun.of(host, "define", "530", "--parent", "0000:65:00.0", "--auto");
        UUID b = UUID.fromString(broken.out().strip());
        Path brokenFile = hostDir.resolve("etc/mdevgpu/vf.d/0000:65:00.0/" + b + ".json");
        Files.writeString(brokenFile, Files.readString(brokenFile).replace("Open vAmpere/2", "NVIDIA H100-2-40C"));

        CliRun unknown = CliRun.of(host, "define", "999", "--parent", H100);
        assertEquals(Main.BAD_INPUT, unknown.exitCode(), unknown.all());
        assertTrue(unknown.err().contains(H100) && unknown.err().contains("nvidia-532 (Open vAmpere/8)"), unknown.err());

        CliRun list = CliRun.of(host, "list", "--defined");
        assertTrue(list.out().startsWith("UUID"), list.out());
        assertTrue(list.out().lines().findFirst().orElseThrow().matches("UUID +PARENT +KIND +VF +TYPE +STATE"), list.out());
        assertTrue(list.out().contains(PINNED + "  " + H100 + "  sriov  0000:17:00.6  nvidia-531  defined (auto)"), list.out());
        JsonNode listed = CliRun.of(host, "--json", "list", "--defined").json().get("instances");
        assertEquals(4, listed.size());
        JsonNode first = null;
        for (JsonNode e : listed) if (e.get("uuid").asString().equals(a.toString())) first = e;
        assertNotNull(first, listed.toString());
        assertEquals("vm-1", first.get("owner").asString());
        assertEquals("Open vAmpere/4", first.get("type_name").asString());

        CliRun startAll = CliRun.of(host, "--json", "start", "--all");
        assertEquals(Main.FAILED, startAll.exitCode(), startAll.all());
        JsonNode results = startAll.json();
        assertEquals(3, results.size(), "the auto definitions: " + startAll.out());
        Map<String, JsonNode> byUuid = new TreeMap<>();
        results.forEach(r -> byUuid.put(r.get("uuid").asString(), r));
        assertEquals("started", byUuid.get(a.toString()).get("state").asString());
        assertEquals("0000:17:00.4", byUuid.get(a.toString()).get("vf").asString());
        assertEquals("sriov", byUuid.get(a.toString()).get("kind").asString());
        assertTrue(byUuid.get(a.toString()).get("error").isNull());
        assertEquals("0000:17:00.6", byUuid.get(PINNED.toString()).get("vf").asString());
        JsonNode failed = byUuid.get(b.toString());
        assertEquals("failed", failed.get("state").asString());
        assertTrue(failed.get("error").asString().contains("\"NVIDIA H100-2-40C\"")
                && failed.get("error").asString().contains("\"Open vAmpere/2\""), failed.toString());
        assertTrue(startAll.err().contains(b + " not started"), startAll.err());
        assertEquals("32", Files.readString(hostDir.resolve("sys/bus/pci/devices/" + H100 + "/sriov_numvfs")).strip(),
                "every VF enabled");
        assertEquals("32", Files.readString(hostDir.resolve("sys/bus/pci/devices/0000:65:00.0/sriov_numvfs")).strip(),
                "the failing definition's GPU made ready too");
        assertEquals("531", Files.readString(hostDir.resolve("sys/bus/pci/devices/0000:17:00.4/nvidia/current_vgpu_type")).strip());

        Map<String, String> before = hostState(hostDir);
        CliRun again = CliRun.of(host, "start", "--all");
        assertEquals(Main.FAILED, again.exitCode(), again.all());
        assertTrue(again.out().lines().findFirst().orElseThrow().matches("UUID +KIND +PARENT +VF +STATE"), again.out());
        assertTrue(again.out().contains(a + "  sriov  " + H100 + "  0000:17:00.4  active"), again.out());
        assertEquals(before, hostState(hostDir), "a second run changes nothing");

        JsonNode inventory = CliRun.of(host, "inventory").json();
        assertEquals(1, inventory.get("schema").asInt());
        Map<String, JsonNode> entries = new TreeMap<>();
        inventory.get("vgpus").forEach(e -> entries.put(e.get("uuid").asString(), e));
        assertEquals(4, entries.size(), inventory.toString());
        assertEquals("active", entries.get(a.toString()).get("state").asString());
        assertEquals("vm-1", entries.get(a.toString()).get("owner").asString());
        assertEquals("Open vAmpere/4", entries.get(a.toString()).get("type_name").asString());
        assertEquals("defined", entries.get(m.toString()).get("state").asString());
        assertTrue(entries.get(m.toString()).get("vf").isNull());

        assertEquals(Main.OK, CliRun.of(host, "stop", a.toString()).exitCode());
        assertEquals("0", Files.readString(hostDir.resolve("sys/bus/pci/devices/0000:17:00.4/nvidia/current_vgpu_type")).strip());
        assertEquals(Main.OK, CliRun.of(host, "start", a.toString()).exitCode());
        assertEquals(Main.OK, CliRun.of(host, "stop", a.toString()).exitCode());
        assertEquals(Main.OK, CliRun.of(host, "undefine", a.toString()).exitCode());
        assertFalse(Files.exists(hostDir.resolve("etc/mdevgpu/vf.d/" + H100 + "/" + a + ".json")));
        CliRun gone = CliRun.of(host, "start", a.toString());
        assertEquals(Main.BAD_INPUT, gone.exitCode(), gone.all());
        assertTrue(gone.err().contains("list --defined"), gone.err());
    }

    @Test
    void startTakesAUuidOrAllNotBoth(@TempDir Path dir) {
        String host = "--host=sim:sriov@" + dir.resolve("host");
        for (List<String> args : List.of(List.of("start"), List.of("start", "--all", PINNED.toString()),
                List.of("start", "--all", "--parent", H100))) {
            CliRun run = CliRun.of(Stream.concat(Stream.of(host), args.stream()).toArray(String[]::new));
            assertEquals(Main.BAD_INPUT, run.exitCode(), args + ": " + run.all());
            assertTrue(run.err().contains("--all"), run.err());
        }
        CliRun none = CliRun.of(host, "--json", "start", "--all");
        assertEquals(Main.OK, none.exitCode(), none.all());
        assertEquals(0, none.json().size());
    }

    @Test
    void definingAnActiveVgpuPinsItsVf(@TempDir Path dir) throws Exception {
        String host = "--host=sim:sriov@" + dir.resolve("host");
        assertEquals(Main.OK, CliRun.of(host, "apply", "-c", CliRun.repo("samples/config/open-vampere.toml").toString()).exitCode());
        CliRun create = CliRun.of(host, "create", "532", "--parent", "0000:17:01.1");
        UUID u = UUID.fromString(create.out().strip());
        JsonNode d = CliRun.of(host, "--json", "define", "--uuid", u.toString(), "--auto").json();
        assertEquals("0000:17:01.1", d.get("vf").asString(), d.toString());
        assertEquals("sriov", d.get("kind").asString());
        CliRun list = CliRun.of(host, "list");
        assertTrue(list.out().contains(u + "  " + H100 + "  sriov  0000:17:01.1  nvidia-532  active, defined (auto)"), list.out());
    }
}
