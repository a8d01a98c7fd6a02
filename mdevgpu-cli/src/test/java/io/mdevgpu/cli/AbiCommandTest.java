package io.mdevgpu.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import io.mdevgpu.kernel.testing.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code abi}: checked against sources the library does not own: NVIDIA's layouts in the golden tables of
 * {@code abi/nvidia-rm/} (as the compiler laid out the driver's headers), and linux/vfio.h's numbers.
 */
class AbiCommandTest {
    /** The golden table of one release: struct name to size and field base names to offsets. */
    record Golden(Map<String, Long> sizes, Map<String, Map<String, Long>> offsets) {
        static Golden read(String release) throws Exception {
            Map<String, Long> sizes = new LinkedHashMap<>();
            Map<String, Map<String, Long>> offsets = new HashMap<>();
            Map<String, Long> current = null;
            for (String line : Files.readAllLines(Repository.path("abi/nvidia-rm/" + release + ".txt"))) {
                if (!line.startsWith(" ") && line.contains(": size=")) {
                    String name = line.substring(0, line.indexOf(' '));
                    sizes.put(name, Long.parseLong(line.replaceAll(".*size=(\\d+).*", "$1")));
                    current = new HashMap<>();
                    offsets.put(name, current);
                } else if (current != null && line.contains("off=")) {
                    String field = line.strip().split("[\\s\\[]")[0];
                    current.put(field, Long.parseLong(line.replaceAll(".*off=\\s*(\\d+).*", "$1")));
                }
            }
            return new Golden(sizes, offsets);
        }
    }

    private static Map<String, JsonNode> structs(JsonNode root, String abi) {
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode s : root.get("structs")) {
            if (s.get("abi").asString().equals(abi)) byName.put(s.get("name").asString(), s);
        }
        return byName;
    }

    @Test
    void everyNvidiaStructOfThe580TableHasItsGoldenSizeAndOffsets() throws Exception {
        CliRun run = CliRun.on(new MockHost().host, "abi", "--nvidia-release", "580.65.06", "--json");
        assertEquals(Main.OK, run.exitCode(), run.all());
        JsonNode root = run.json();
        assertEquals("580.65.06", root.get("nvidia_release").asString());
        assertEquals("r580", root.get("nvidia_family").asString());
        Map<String, JsonNode> nvrm = structs(root, "nvrm r580");
        Golden golden = Golden.read("580.65.06");
        assertFalse(golden.sizes().isEmpty());
        golden.sizes().forEach((name, size) -> {
            JsonNode s = nvrm.get(name);
            assertNotNull(s, name + " is listed");
            assertEquals(size, s.get("size").asLong(), name);
            for (JsonNode f : s.get("fields")) {
                Long offset = golden.offsets().get(name).get(f.get("name").asString());
                if (offset != null) assertEquals(offset, f.get("offset").asLong(), name + "." + f.get("name").asString());
            }
        });
    }

    @Test
    void theStructsDifferBetweenFamilies() throws Exception {
        JsonNode r525 = CliRun.on(new MockHost().host, "abi", "--nvidia-release", "525.53", "--json").json();
        Golden golden = Golden.read("525.53");
        Map<String, JsonNode> nvrm = structs(r525, "nvrm r525");
        assertEquals(golden.sizes().get("NVOS64_PARAMETERS"), nvrm.get("NVOS64_PARAMETERS").get("size").asLong());
        assertNotEquals(golden.sizes().get("NVOS64_PARAMETERS"), Golden.read("580.65.06").sizes().get("NVOS64_PARAMETERS"),
                "the alloc-with-rights params grew in 535: the test tells families apart");
    }

    @Test
    void vfioStructsAndRequestsAreLinuxs() {
        JsonNode root = CliRun.on(new MockHost().host, "abi", "--nvidia-release", "550.54.14", "--json").json();
        // struct vfio_region_info { __u32 argsz, flags, index, cap_offset; __u64 size, offset; }
        JsonNode region = structs(root, "vfio").get("vfio_region_info");
        assertEquals(32, region.get("size").asInt());
        assertEquals("size", region.get("fields").get(4).get("name").asString());
        assertEquals(16, region.get("fields").get(4).get("offset").asInt());
        Map<String, Long> requests = new HashMap<>();
        for (JsonNode i : root.get("ioctls")) requests.put(i.get("name").asString(), i.get("request").asLong());
        // _IO(';', 100 + n): VFIO_GET_API_VERSION is n = 0, VFIO_DEVICE_GET_REGION_INFO n = 8
        assertEquals(0x3b64, requests.get("VFIO_GET_API_VERSION"));
        assertEquals(0x3b6c, requests.get("VFIO_DEVICE_GET_REGION_INFO"));
        // _IOWR('F', 0x2b, NVOS64_PARAMETERS of 48 bytes) from 535
        assertEquals(0xC030462BL, requests.get("NV_ESC_RM_ALLOC (NVOS64)"));
    }

    @Test
    void textListsStructsWithFieldsAndRequests() {
        CliRun run = CliRun.on(new MockHost().host, "abi", "--nvidia-release", "580.159.04");
        assertEquals(Main.OK, run.exitCode(), run.all());
        assertTrue(run.out().startsWith("VFIO (linux/vfio.h)\n  struct vfio_info_cap_header: 8 bytes\n"), run.out());
        assertTrue(run.out().contains("NVIDIA RM 580.159.04: layout family r580"), run.out());
        assertTrue(run.out().contains("VFIO_DEVICE_GET_REGION_INFO  0x00003b6c"), run.out());
    }

    @Test
    void aSimulatedHostShowsItsDriversRelease() {
        // the mock host's driver is 550.54.14
        JsonNode root = CliRun.on(new MockHost().host, "--host", "sim", "abi", "--json").json();
        assertEquals("550.54.14", root.get("nvidia_release").asString());
        assertEquals("r550", root.get("nvidia_family").asString());
    }

    @Test
    void aRealHostReadsProcDriverNvidiaVersion(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("proc/driver/nvidia"));
        Files.writeString(root.resolve("proc/driver/nvidia/version"),
                "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.159.04  Release Build  (dvs-builder@U22-I3-AF03-09-1)  Thu Jan  1 00:00:00 UTC 2026\n"
                        + "GCC version:  gcc version 12.2.0 (Debian 12.2.0-14)\n");
        CliRun run = CliRun.on(new MockHost().host, "--host", "real:" + root, "abi", "--json");
        assertEquals(Main.OK, run.exitCode(), run.all());
        assertEquals("r580", run.json().get("nvidia_family").asString());
    }

    @Test
    void aRealHostWithoutTheDriverShowsVfioOnlyAndSaysSo(@TempDir Path root) {
        CliRun run = CliRun.on(new MockHost().host, "--host", "real:" + root, "abi", "--json");
        assertEquals(Main.OK, run.exitCode(), run.all());
        assertTrue(run.json().get("nvidia_release").isNull());
        assertTrue(run.json().get("structs").valueStream().allMatch(s -> s.get("abi").asString().equals("vfio")));
    }

    @Test
    void aMalformedOrUnknownReleaseIsBadInput() {
        CliRun malformed = CliRun.on(new MockHost().host, "abi", "--nvidia-release", "latest");
        assertEquals(Main.BAD_INPUT, malformed.exitCode(), malformed.all());
        assertTrue(malformed.err().contains("580.159.04"), "shows the form: " + malformed.err());
        CliRun unknown = CliRun.on(new MockHost().host, "abi", "--nvidia-release", "470.256.02");
        assertEquals(Main.BAD_INPUT, unknown.exitCode(), unknown.all());
        assertTrue(unknown.err().contains("535-545"), "lists the known releases: " + unknown.err());
    }
}
