package io.mdevgpu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mdevgpu.kernel.pci.LinuxPciDiscovery;
import io.mdevgpu.sim.SimNvidiaDriver;
import io.mdevgpu.kernel.testing.FakeHost;
import io.mdevgpu.kernel.testing.SimulatedNvidia;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The simulated 580 driver must answer as the real one did: the commands of docs/hardware/h100-580.md, run on the
 * simulated H100 host, give the reports recorded on the real host (2026-11-24, driver 580.159.04, H100 80GB HBM3 in
 * pass-through), and the simulated driver receives the same RM calls, in the same order, that the real one logged.
 * The only difference allowed is the root client's handle, which the real driver counts up across every client of
 * the boot (the C loop's and nvidia-smi's included).
 */
class RealH100ReplayTest {
    /** {@code [TRACE] RmClient - NV_ESC_RM_CONTROL GPU_GET_PCI_INFO on GPU (gpu id 0x6): NV_OK (0x0)} */
    private static final Pattern TRACE = Pattern.compile(".*NV_ESC_RM_(ALLOC|CONTROL|FREE) (\\S+) on .*: (\\S+) \\(0x\\p{XDigit}+\\)$");

    @TempDir
    Path root;
    private LinuxPciDiscovery sysfs;
    private SimNvidiaDriver driver;

    @BeforeEach
    void theSimulatedH100Host() {
        sysfs = new LinuxPciDiscovery(FakeHost.create(root).layout);
        driver = SimulatedNvidia.h100PassThrough580();
    }

    private static Path recorded(String name) {
        return CliRun.repo("docs/hardware/h100-580/" + name);
    }

    private static JsonNode recordedJson(String name) {
        return JsonMapper.builder().build().readTree(recorded(name).toFile());
    }

    private CliRun run(String... args) {
        return DriverCommandTest.driver(new DriverCommand.Host(driver, "/dev", "/proc/driver/nvidia", sysfs),
                new AtomicReference<>(), args);
    }

    private static JsonNode json(CliRun run) {
        return JsonMapper.builder().build().readTree(run.out());
    }

    @Test
    void theProbeReportsWhatTheRealDriverReported() {
        JsonNode real = recordedJson("driver-1.json");
        CliRun sim = run("--json");

        assertEquals(Main.OK, sim.exitCode(), sim.err());
        assertEquals(DriverCommandTest.withoutRootClient(real), DriverCommandTest.withoutRootClient(json(sim)));
        // the facts the record shows, named, so that a change to both sides still has to keep them
        assertEquals("580.159.04", real.get("handshake").get("version_string").asString());
        assertEquals(1, real.get("handshake").get("reply").asInt());
        assertEquals("r580", real.get("layouts").asString());
        assertEquals(384, real.get("probed_ids_params_size").asInt());
        assertEquals("NMOS (pass-through guest)", real.get("gpus").get(0).get("virtualization_mode").get("name").asString());
        assertEquals(0, real.get("disagreements").asInt());
    }

    @Test
    void aSecondRunReportsTheSameAsTheRealSecondRun() {
        CliRun first = run("--json");
        CliRun second = run("--json");
        JsonNode realFirst = recordedJson("driver-1.json"), realSecond = recordedJson("driver-2.json");

        assertEquals(DriverCommandTest.withoutRootClient(realSecond), DriverCommandTest.withoutRootClient(json(second)));
        assertFalse(realFirst.get("root_client").equals(realSecond.get("root_client")), "the real driver gave a new handle");
        assertFalse(json(first).get("root_client").equals(json(second).get("root_client")), "so does the simulated one");
        assertTrue(json(second).get("root_client").asString().startsWith("0xc1d0"), json(second).toString());
        assertEquals(List.of(), driver.liveHandles());
        assertEquals(List.of(), driver.openPaths());
    }

    @Test
    void theRegisterCheckIsRefusedAsOnTheRealDriver() {
        JsonNode real = recordedJson("register-check.json");
        CliRun sim = run("--register-check", "--json");

        assertEquals(Main.FAILED, sim.exitCode());
        assertEquals(DriverCommandTest.withoutRootClient(real), DriverCommandTest.withoutRootClient(json(sim)));
        assertEquals("refused", real.get("gpus").get(0).get("register_check").get("result").asString());
    }

    @Test
    void theSimulatedDriverReceivesTheCallsTheRealOneLoggedAndAnswersThemAlike() throws IOException {
        run();
        assertEquals(realCalls("trace-probe.log"), simulatedCalls());
    }

    @Test
    void theRegisterCheckSendsTheRealDriversCallsAndNoVgpuCall() throws IOException {
        run("--register-check");
        List<String> real = realCalls("trace-register-check.log");
        assertEquals(real, simulatedCalls());
        assertTrue(real.stream().noneMatch(c -> c.contains("VGPU") || c.contains("A081")), real.toString());
        assertEquals(2, real.stream().filter(c -> c.equals("CONTROL GPU_GET_VIRTUALIZATION_MODE")).count(),
                "one for the report, one in the registration path, which stops there");
    }

    /** The RM calls of a recorded trace, each checked to have been answered NV_OK, the root client's handle hidden. */
    private static List<String> realCalls(String trace) throws IOException {
        List<String> calls = new ArrayList<>();
        for (String line : Files.readAllLines(recorded(trace))) {
            Matcher m = TRACE.matcher(line);
            if (!m.matches()) continue;
            assertEquals("NV_OK", m.group(3), line);
            calls.add(m.group(1) + " " + rootHidden(m.group(2)));
        }
        assertFalse(calls.isEmpty(), trace + " logged no RM call");
        return calls;
    }

    private List<String> simulatedCalls() {
        List<String> calls = new ArrayList<>();
        for (String line : driver.calls("")) {
            String[] words = line.split(" ");
            switch (words[0]) {
                case "ALLOC", "CONTROL" -> calls.add(words[0] + " " + words[1]);
                case "FREE" -> calls.add("FREE " + rootHidden(words[1]));
                default -> { }
            }
        }
        return calls;
    }

    private static String rootHidden(String subject) {
        return subject.startsWith("0xc1d0") ? "(root client)" : subject;
    }
}
