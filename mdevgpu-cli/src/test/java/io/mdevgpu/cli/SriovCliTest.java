package io.mdevgpu.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * vGPUs on SR-IOV virtual functions from the command line (issue 14, "Done when"): on the built-in {@code sriov}
 * host kept in a directory, each command its own process, as a shell runs them.
 */
class SriovCliTest {
    private static final String H100 = "0000:17:00.0";

    @Test
    void applyThenCreateListInspectRemoveOnAVf(@TempDir Path dir) throws Exception {
        String host = "--host=sim:sriov@" + dir.resolve("host");
        CliRun apply = SimulatedHostCliTest.inProcess(host, "apply", "-c", CliRun.repo("samples/config/open-vampere.toml").toString());
        assertEquals(Main.OK, apply.exitCode(), apply.all());
        assertTrue(apply.out().contains("offered on the GPUs' virtual functions"), apply.out());

        CliRun create = SimulatedHostCliTest.inProcess(host, "create", "nvidia-532", "--parent", H100);
        assertEquals(Main.OK, create.exitCode(), create.all());
        UUID uuid = UUID.fromString(create.out().strip());

        CliRun list = SimulatedHostCliTest.inProcess(host, "--json", "list");
        JsonNode vgpu = list.json().get("instances").get(0);
        assertEquals(uuid.toString(), vgpu.get("uuid").asString());
        assertEquals("0000:17:00.4", vgpu.get("vf").asString(), "the VF's address: " + list.all());
        assertEquals(H100, vgpu.get("parent").asString());
        assertEquals("nvidia-532", vgpu.get("type").asString());
        Path current = dir.resolve("host/sys/bus/pci/devices/0000:17:00.4/nvidia/current_vgpu_type");
        assertEquals("532", Files.readString(current).strip());

        CliRun inspect = SimulatedHostCliTest.inProcess(host, "inspect", uuid.toString(), "--check-bar", "1");
        assertEquals(Main.OK, inspect.exitCode(), inspect.all());
        assertTrue(inspect.out().contains("vGPU " + uuid + ": nvidia-532 on VF 0000:17:00.4 of GPU " + H100), inspect.out());
        assertTrue(inspect.out().contains("VFIO device 0000:17:00.4"), inspect.out());
        assertTrue(inspect.out().contains("through the device fd"), inspect.out());

        CliRun gpus = SimulatedHostCliTest.inProcess(host, "--json", "gpus");
        JsonNode backend = gpus.json().get("gpus").get(0).get("backend");
        assertEquals("sriov", backend.get("kind").asString());
        assertEquals(32, backend.get("enabled_vfs").asInt());
        assertEquals(1, backend.get("assigned_vfs").asInt());

        CliRun remove = SimulatedHostCliTest.inProcess(host, "remove", uuid.toString());
        assertEquals(Main.OK, remove.exitCode(), remove.all());
        assertEquals("0", Files.readString(current).strip(), "the VF is free again");
        assertEquals("no vGPUs", SimulatedHostCliTest.inProcess(host, "list").out().strip());
        assertFalse(Files.exists(dir.resolve("host/sys/class/mdev_bus")) && Files.list(dir.resolve("host/sys/class/mdev_bus")).findAny().isPresent(),
                "no mdev parent on a vendor-VFIO host");
    }

    @Test
    void createNamesATypeByNumberAndAVfByAddress(@TempDir Path dir) throws Exception {
        String host = "--host=sim:sriov@" + dir.resolve("host");
        assertEquals(Main.OK, CliRun.of(host, "apply", "-c", CliRun.repo("samples/config/open-vampere.toml").toString()).exitCode());
        CliRun onVf = CliRun.of(host, "--json", "create", "531", "--parent", "0000:65:00.7");
        assertEquals(Main.OK, onVf.exitCode(), onVf.all());
        assertEquals("0000:65:00.7", onVf.json().get("vf").asString());
        assertEquals("0000:65:00.0", onVf.json().get("parent").asString());
        CliRun busy = CliRun.of(host, "create", "531", "--parent", "0000:65:00.7");
        assertEquals(Main.FAILED, busy.exitCode(), busy.all());
        assertTrue(busy.err().contains("EBUSY"), busy.err());
        CliRun verbose = CliRun.of(host, "gpus", "-v");
        assertTrue(verbose.out().contains("vGPU backend: SR-IOV vendor VFIO: 32 of 32 VFs enabled, 31 free, 1 assigned"), verbose.out());
        assertTrue(verbose.out().contains("0000:65:00.7 virtfn3 nvidia-531 owner "), verbose.out());
    }
}
