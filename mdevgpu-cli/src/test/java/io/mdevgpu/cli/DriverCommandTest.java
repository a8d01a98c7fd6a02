package io.mdevgpu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mdevgpu.NotVgpuHostException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.PciId;
import io.mdevgpu.kernel.abi.nvrm.VirtualizationMode;
import io.mdevgpu.kernel.pci.LinuxPciDiscovery;
import io.mdevgpu.sim.SimNvidiaDriver;
import io.mdevgpu.sim.SimNvidiaGpu;
import io.mdevgpu.kernel.testing.FakeHost;
import io.mdevgpu.kernel.testing.SimulatedNvidia;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code mdevgpu driver} on the simulated 580 driver configured as the real H100 host of docs/hardware/h100-580.md,
 * over a sysfs tree written from that host's fixture.
 */
class DriverCommandTest {
    /** NVA081_CTRL_CMD_VGPU_CONFIG_SET_INFO and ..._MDEV_REGISTER / _UPDATE_PGPU_INFO: what must never reach it. */
    private static final int SET_INFO = 0xA0810101, REGISTER_OR_UPDATE = 0xA0810109;

    @TempDir
    Path root;
    private LinuxPciDiscovery sysfs;
    private final AtomicReference<Throwable> thrown = new AtomicReference<>();

    @BeforeEach
    void sysfsOfTheH100Host() {
        sysfs = new LinuxPciDiscovery(FakeHost.create(root).layout);
    }

    private CliRun run(SimNvidiaDriver driver, String... args) {
        return runWithDev(driver, "/dev", args);
    }

    private CliRun runWithDev(SimNvidiaDriver driver, String devDirectory, String... args) {
        return driver(new DriverCommand.Host(driver, devDirectory, "/proc/driver/nvidia", sysfs), thrown, args);
    }

    /** {@code mdevgpu driver ARGS} on {@code host}; what the command threw, if anything, goes to {@code thrown}. */
    static CliRun driver(DriverCommand.Host host, AtomicReference<Throwable> thrown, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "driver";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliRun.of(main -> main.verb("driver", parsed -> {
            DriverCommand command = new DriverCommand(parsed);
            command.host = host;
            return command;
        }).onFailure(thrown::set), all);
    }

    private static JsonNode json(CliRun run) {
        return JsonMapper.builder().build().readTree(run.out());
    }

    static JsonNode withoutRootClient(JsonNode report) {
        ObjectNode copy = (ObjectNode) report.deepCopy();
        copy.remove("root_client");
        return copy;
    }

    private static void assertNothingLeft(SimNvidiaDriver driver) {
        assertEquals(List.of(), driver.liveHandles(), "RM objects left in the driver");
        assertEquals(List.of(), driver.openPaths(), "device nodes left open");
    }

    @Test
    void registerCheckOnThePassThrough580DriverStopsBeforeSendingAnything() {
        SimNvidiaDriver driver = SimulatedNvidia.h100PassThrough580();
        CliRun run = run(driver, "--register-check");

        assertEquals(Main.FAILED, run.exitCode(), run.err());
        NotVgpuHostException e = assertInstanceOf(NotVgpuHostException.class, thrown.get());
        assertEquals(VirtualizationMode.describe(VirtualizationMode.NMOS.code()), e.virtualizationMode());
        assertTrue(run.err().contains("not a vGPU host") && run.err().contains("NMOS (pass-through guest)"), run.err());
        assertTrue(run.err().contains(FakeHost.H100), "the error names the GPU: " + run.err());
        List<Integer> sent = driver.controls();
        assertFalse(sent.contains(SET_INFO), "SET_INFO was sent: " + sent);
        assertFalse(sent.contains(REGISTER_OR_UPDATE), "register/update was sent: " + sent);
        assertTrue(sent.stream().noneMatch(c -> c >>> 16 == 0xA081), "no vGPU config control at all: " + sent);
        assertEquals(List.of(), driver.calls("ALLOC NVA081"), "not even the config object is needed to refuse");
        assertTrue(run.out().contains("refused before anything was sent"), run.out());
        assertNothingLeft(driver);
    }

    @Test
    void registerCheckInJsonNamesTheExceptionAndTheMode() {
        SimNvidiaDriver driver = SimulatedNvidia.h100PassThrough580();
        CliRun run = run(driver, "--register-check", "--json");

        assertEquals(Main.FAILED, run.exitCode());
        JsonNode check = json(run).get("gpus").get(0).get("register_check");
        assertEquals("refused", check.get("result").asString());
        assertEquals("NotVgpuHostException", check.get("exception").asString());
        assertEquals("NMOS (pass-through guest)", check.get("virtualization_mode").asString());
        assertFalse(driver.controls().contains(SET_INFO));
    }

    @Test
    void onAVgpuHostTheRegisterCheckIsSkippedRatherThanRegisteringAType() {
        SimNvidiaDriver driver = new SimNvidiaDriver("580.65.06").gpu(new SimNvidiaGpu(0x600,
                PciAddress.parse(FakeHost.H100), PciId.of(0x10DE, 0x2330, 0x10DE, 0x16C1), 0xA1, 0, 0, VirtualizationMode.HOST.code()));
        CliRun run = run(driver, "--register-check", "--json");

        assertNull(thrown.get(), run.err());
        assertEquals("skipped", json(run).get("gpus").get(0).get("register_check").get("result").asString());
        assertTrue(driver.controls().stream().noneMatch(c -> c >>> 16 == 0xA081), driver.controls().toString());
        assertNothingLeft(driver);
    }

    @Test
    void everyAnswerOfTheSimulatedHostAgreesWithItsSysfs() {
        SimNvidiaDriver driver = SimulatedNvidia.h100PassThrough580();
        CliRun run = run(driver);

        assertEquals(Main.OK, run.exitCode(), run.out() + run.err());
        assertFalse(run.out().contains("DISAGREE"), run.out());
        assertTrue(run.out().contains("QUERY -> reply 1 (recognized), version string \"580.159.04\""), run.out());
        assertTrue(run.out().contains("r580 for 580.159.04"), run.out());
        assertTrue(run.out().contains("0x40 Power Management -> 0x48 MSI -> 0x60 Express -> 0xb0 MSI-X"), run.out());
        assertTrue(run.out().contains("RM objects allocated 3, freed 3; device nodes opened 2, closed 2: nothing"), run.out());
        assertNothingLeft(driver);
    }

    /** What the device run reads on the lent GPU: the heterogeneous mode by GET only, with the driver's status. */
    @Test
    void theHeterogeneousModeIsReadNeverSetWithItsStatus() {
        SimNvidiaDriver driver = SimulatedNvidia.h100PassThrough580();
        CliRun plain = run(driver);
        assertFalse(plain.out().contains("HETEROGENEOUS"), "only asked for: the recorded real runs stay comparable");
        assertEquals(0, driver.received(0x800298));
        CliRun run = run(driver, "--heterogeneous-mode");
        assertTrue(run.out().contains("GPU_GET_VGPU_HETEROGENEOUS_MODE") && run.out().contains("off [NV_OK]"), run.out());
        assertEquals(1, driver.received(0x800298), "one GET");
        assertEquals(0, driver.received(0x800297), "never a SET");
        JsonNode mode = json(run(driver, "--heterogeneous-mode", "--json")).get("gpus").get(0).get("vgpu_heterogeneous_mode");
        assertEquals("NV_OK", mode.get("status").asString(), String.valueOf(mode));
        assertFalse(mode.get("on").asBoolean());

        SimNvidiaDriver old = new SimNvidiaDriver("535.43.02").gpu(new SimNvidiaGpu(0x600, PciAddress.parse(FakeHost.H100),
                PciId.of(0x10DE, 0x2330, 0x10DE, 0x16C1), 0xA1, 0, 0, VirtualizationMode.NMOS.code()));
        CliRun before550 = run(old, "--heterogeneous-mode");
        assertTrue(before550.out().contains("not in this release") && before550.out().contains("R550"), before550.out());
        assertEquals(0, old.received(0x800298), "nothing sent before 550");
    }

    @Test
    void aSecondRunGivesTheSameAnswersAndBothLeaveNothingBehind() {
        SimNvidiaDriver driver = SimulatedNvidia.h100PassThrough580();
        CliRun first = run(driver, "--json");
        assertNothingLeft(driver);
        CliRun second = run(driver, "--json");
        assertNothingLeft(driver);

        assertEquals(Main.OK, second.exitCode(), second.err());
        // like the real driver's, each root client gets a new handle; everything else is the same
        assertEquals(withoutRootClient(json(first)), withoutRootClient(json(second)));
        assertFalse(json(first).get("root_client").equals(json(second).get("root_client")));
        JsonNode ledger = json(second).get("ledger");
        assertEquals(ledger.get("objects_allocated"), ledger.get("objects_freed"));
        assertEquals(ledger.get("nodes_opened"), ledger.get("nodes_closed"));
        assertEquals(0, ledger.get("live").asInt());
    }

    @Test
    void aDriverThatDisagreesWithSysfsFailsTheRunAndSaysWhere() {
        SimNvidiaDriver driver = new SimNvidiaDriver("580.65.06").gpu(new SimNvidiaGpu(0x600,
                PciAddress.parse(FakeHost.H100), PciId.of(0x10DE, 0x2330, 0x10DE, 0x1234), 0xA1, 0, 0, VirtualizationMode.NMOS.code()));
        CliRun run = run(driver);

        assertEquals(Main.FAILED, run.exitCode());
        String subsystem = run.out().lines().filter(l -> l.contains("subsystem")).findFirst().orElseThrow();
        assertTrue(subsystem.contains("DISAGREE") && subsystem.contains("10de:1234") && subsystem.contains("10de:16c1"), subsystem);
        assertTrue(run.err().contains("disagree with sysfs"), run.err());
        assertNothingLeft(driver);
    }

    @Test
    void benchTimesTheControlRoundTripThroughTheLibrary() {
        SimNvidiaDriver driver = SimulatedNvidia.h100PassThrough580();
        CliRun run = run(driver, "--bench", "500", "--json");

        assertEquals(Main.OK, run.exitCode(), run.err());
        JsonNode bench = json(run).get("bench");
        assertEquals(500, bench.get("calls").asInt());
        assertTrue(bench.get("median_ns").asLong() > 0 && bench.get("p99_ns").asLong() >= bench.get("median_ns").asLong(),
                bench.toString());
        long pciInfo = driver.calls("CONTROL GPU_GET_PCI_INFO").size();
        assertTrue(pciInfo >= 3 * 500, "three passes of 500 calls reached the driver: " + pciInfo);
        assertNothingLeft(driver);
    }

    @Test
    void aBenchOfNoCallsIsBadInput() {
        SimNvidiaDriver driver = SimulatedNvidia.h100PassThrough580();
        assertEquals(Main.BAD_INPUT, run(driver, "--bench", "-1").exitCode());
        CliRun tooMany = run(driver, "--bench", "20000000");
        assertEquals(Main.BAD_INPUT, tooMany.exitCode());
        assertTrue(tooMany.err().contains("--bench"), tooMany.err());
        assertNothingLeft(driver);
    }

    @Test
    void withoutTheControlDeviceTheErrorNamesItAndTheFix() {
        SimNvidiaDriver driver = SimulatedNvidia.h100PassThrough580();
        CliRun run = runWithDev(driver, "/nowhere", "--json");

        assertEquals(Main.FAILED, run.exitCode());
        assertTrue(run.err().contains("/nowhere/nvidiactl") && run.err().contains("modprobe nvidia"), run.err());
        assertEquals("", run.out());
    }
}
