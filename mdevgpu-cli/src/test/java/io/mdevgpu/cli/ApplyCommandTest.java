package io.mdevgpu.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.mockito.ArgumentMatchers.*;
import static org.mockito.Mockito.*;

import java.nio.file.Path;
import java.util.List;

import io.mdevgpu.ApplyResult;
import io.mdevgpu.ConfigException;
import io.mdevgpu.HostStateException;
import io.mdevgpu.MdevType;
import io.mdevgpu.MdevTypeBuilder;
import io.mdevgpu.NotVgpuHostException;
import io.mdevgpu.PciId;
import io.mdevgpu.Plan;
import io.mdevgpu.PlanException;
import io.mdevgpu.Size;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code apply} and host-mode {@code plan} over a mocked plan. */
class ApplyCommandTest {
    private static final Path CONFIG = Path.of("/etc/mdevgpu/config.toml");
    private static final MdevType HALF = MdevTypeBuilder.number(530).name("Open vAmpere/2").maxInstances(2)
            .framebuffer(Size.mib(19136)).reserved(Size.mib(1344)).build();
    private static final MdevType QUARTER = MdevTypeBuilder.number(531).name("Open vAmpere/4").maxInstances(4)
            .framebuffer(Size.mib(9536)).reserved(Size.mib(704)).build();
    private static final PciId GUEST = PciId.of(0x10de, 0x20b0, 0x10de, 0x1470);

    private final MockHost mock = new MockHost();
    private final Plan plan = mock(Plan.class);
    private final Plan.GpuPlan gpu = new Plan.GpuPlan(MockHost.H100, "NVIDIA H100 80GB HBM3",
            List.of(new Plan.TypePlan(HALF, GUEST, 2, "max instances"), new Plan.TypePlan(QUARTER, GUEST, 4, "max instances")),
            List.of("replace 0 registered type(s) with 2"));

    ApplyCommandTest() {
        when(mock.host.plan(any(Path.class), anyBoolean())).thenReturn(plan);
        when(plan.fits()).thenReturn(true);
        when(plan.problems()).thenReturn(List.of());
        when(plan.gpus()).thenReturn(List.of(gpu));
        when(plan.apply()).thenReturn(new ApplyResult(List.of(gpu), List.of(), List.of(MockHost.QUARTER,
                new io.mdevgpu.SupportedType("nvidia-530", "Open vAmpere/2", "", "vfio-pci", 2)),
                List.of("register nvidia-530 on 0000:00:06.0", "register nvidia-531 on 0000:00:06.0", "publish 0000:00:06.0")));
    }

    @Test
    void aGpuThatHasItsTypesAlreadyIsSaidToBeLeftAsItIs() {
        when(mock.host.spec()).thenReturn(io.mdevgpu.HostSpec.real());
        when(plan.apply()).thenReturn(new ApplyResult(List.of(gpu), List.of(gpu.address()), List.of(MockHost.QUARTER),
                List.of("GPU 0000:00:06.0 has nvidia-530, nvidia-531 already, as planned: nothing sent to it")));
        CliRun run = CliRun.on(mock.host, "apply", "-c", CONFIG.toString());
        assertEquals(Main.OK, run.exitCode(), run.all());
        List<String> lines = run.out().lines().toList();
        assertEquals("opened GPU 0000:00:06.0 NVIDIA H100 80GB HBM3: it has these types already, nothing sent to it", lines.get(0));
        assertTrue(lines.get(1).startsWith("  kept type nvidia-530 \"Open vAmpere/2\": 2 instances"), lines.get(1));
        assertEquals("applied " + CONFIG + ": 1 GPU(s), 0 type(s) registered, 2 there already, 1 published on the mdev bus, "
                + "in 1 step(s)", lines.get(3));
        CliRun json = CliRun.on(mock.host, "--json", "apply", "-c", CONFIG.toString());
        assertTrue(json.out().contains("\"unchanged\" : [ \"0000:00:06.0\" ]"), json.out());
    }

    @Test
    void applyPrintsEachGpuAndTypeThenASummaryAndTheNextStep() {
        when(mock.host.spec()).thenReturn(io.mdevgpu.HostSpec.real());
        CliRun run = CliRun.on(mock.host, "apply", "-c", CONFIG.toString());
        assertEquals(Main.OK, run.exitCode(), run.all());
        List<String> lines = run.out().lines().toList();
        assertEquals("opened GPU 0000:00:06.0 NVIDIA H100 80GB HBM3", lines.get(0));
        assertEquals("  created type nvidia-530 \"Open vAmpere/2\": 2 instances x 19136MiB (+1344MiB reserved), guest 10de:20b0 [10de:1470]", lines.get(1));
        assertTrue(lines.get(2).startsWith("  created type nvidia-531 \"Open vAmpere/4\": 4 instances"), lines.get(2));
        assertEquals("applied " + CONFIG + ": 1 GPU(s), 2 type(s) registered, 2 published on the mdev bus, in 3 step(s)", lines.get(3));
        assertEquals("create an instance: mdevgpu create nvidia-531 --parent 0000:00:06.0", lines.get(4));
        verify(mock.host).plan(CONFIG, false);
        verify(mock.host).close();
    }

    @Test
    void onASimulatedHostTheNextStepKeepsItInADirectoryOrIsInJShell() {
        // a simulated host lasts one run: a second `mdevgpu --host sim create` would start a fresh one
        String last = CliRun.on(mock.host, "apply", "-c", CONFIG.toString()).out().lines().toList().getLast();
        assertTrue(last.contains("./mdevgpu jshell") && last.contains("host.gpu(\"0000:00:06.0\").create(\"nvidia-531\")"), last);
        assertTrue(last.contains("mdevgpu --host sim:mock@DIR apply -c " + CONFIG + ", then mdevgpu --host sim:mock@DIR create nvidia-531 "
                + "--parent 0000:00:06.0"), last);
    }

    @Test
    void onAKeptSimulatedHostTheNextStepIsTheCreateCommandOnIt() {
        when(mock.host.spec()).thenReturn(io.mdevgpu.HostSpec.simulatedAt("a100x2", Path.of("/var/tmp/h")));
        String last = CliRun.on(mock.host, "apply", "-c", CONFIG.toString()).out().lines().toList().getLast();
        assertEquals("create an instance: mdevgpu --host sim:a100x2@/var/tmp/h create nvidia-531 --parent 0000:00:06.0", last);
    }

    @Test
    void keepIsPassedToThePlan() {
        assertEquals(Main.OK, CliRun.on(mock.host, "apply", "-c", CONFIG.toString(), "--keep").exitCode());
        verify(mock.host).plan(CONFIG, true);
    }

    @Test
    void dryRunPrintsThePlanAndAppliesNothing() {
        CliRun run = CliRun.on(mock.host, "apply", "-c", CONFIG.toString(), "--dry-run");
        assertEquals(Main.OK, run.exitCode(), run.all());
        assertTrue(run.out().startsWith("GPU 0000:00:06.0 NVIDIA H100 80GB HBM3\n  TYPE"), run.out());
        assertTrue(run.out().contains("nvidia-531  \"Open vAmpere/4\"  Compute  4/4"), run.out());
        assertTrue(run.out().contains("    - replace 0 registered type(s) with 2"), run.out());
        assertTrue(run.out().contains("fits: every type fits"), run.out());
        verify(plan, never()).apply();
    }

    @Test
    void jsonOfApplyAndOfThePlan() {
        JsonNode applied = CliRun.on(mock.host, "apply", "-c", CONFIG.toString(), "--json").json();
        assertEquals("0000:00:06.0", applied.get("applied").get(0).get("address").asString());
        assertEquals("nvidia-531", applied.get("applied").get(0).get("types").get(1).get("type").asString());
        assertEquals(4, applied.get("applied").get(0).get("types").get(1).get("instances_that_fit").asInt());
        assertEquals("0x1470", applied.get("applied").get(0).get("types").get(1).get("guest_subsystem_device").asString());
        assertEquals(2, applied.get("published_types").size());
        assertEquals(3, applied.get("steps").size());
        JsonNode planned = CliRun.on(mock.host, "plan", "-c", CONFIG.toString(), "--json").json();
        assertTrue(planned.get("fits").asBoolean());
        assertEquals(9536, planned.get("gpus").get(0).get("types").get(1).get("framebuffer_mib").asInt());
        assertEquals("num_heads=1, frl_config=120, framebuffer=9536M, max_resolution=1024x1024, max_instance=4",
                planned.get("gpus").get(0).get("types").get(1).get("description").asString());
    }

    @Test
    void aPlanThatDoesNotFitExits3WithTheProblemsAndChangesNothing() {
        when(plan.fits()).thenReturn(false);
        List<String> problems = List.of("nvidia-529 on 0000:00:06.0 needs 40960MiB, the GPU has 15360MiB");
        when(plan.problems()).thenReturn(problems);
        when(plan.apply()).thenThrow(new PlanException("apply " + CONFIG, problems));
        CliRun dry = CliRun.on(mock.host, "apply", "-c", CONFIG.toString(), "--dry-run");
        assertEquals(Main.DOES_NOT_FIT, dry.exitCode(), dry.all());
        assertTrue(dry.out().contains("does not fit:\n  - nvidia-529"), dry.out());
        assertTrue(dry.err().contains("40960MiB"), dry.err());
        CliRun planned = CliRun.on(mock.host, "plan", "-c", CONFIG.toString());
        assertEquals(Main.DOES_NOT_FIT, planned.exitCode());
        CliRun applied = CliRun.on(mock.host, "apply", "-c", CONFIG.toString());
        assertEquals(Main.DOES_NOT_FIT, applied.exitCode());
        assertTrue(applied.err().contains("40960MiB"), applied.err());
    }

    @Test
    void aBadConfigurationExits2() {
        when(mock.host.plan(any(Path.class), anyBoolean())).thenThrow(
                new ConfigException(CONFIG, "gpu[0].type[1].framebuffer", 12, 15, "\"9 GiB\" is not a size"));
        CliRun run = CliRun.on(mock.host, "apply", "-c", CONFIG.toString());
        assertEquals(Main.BAD_INPUT, run.exitCode());
        assertTrue(run.err().contains(CONFIG + ":12:15") && run.err().contains("gpu[0].type[1].framebuffer"), run.err());
        assertEquals(Main.BAD_INPUT, CliRun.on(mock.host, "apply").exitCode(), "-c is required");
    }

    @Test
    void aDriverThatIsNotAVgpuHostOrAFailedRollbackExits1() {
        when(plan.apply()).thenThrow(new NotVgpuHostException("0000:00:06.0", "pass-through"));
        CliRun run = CliRun.on(mock.host, "apply", "-c", CONFIG.toString());
        assertEquals(Main.FAILED, run.exitCode());
        assertTrue(run.err().contains("pass-through"), run.err());
        assertEquals("", run.out());
        reset(plan);
        when(plan.apply()).thenThrow(new HostStateException("apply", "0000:00:06.0", "read-back shows 1 type, planned 2", null, null));
        assertEquals(Main.FAILED, CliRun.on(mock.host, "apply", "-c", CONFIG.toString()).exitCode());
    }

    @Test
    void anApplyWhoseUndoFailedExits4AndTheHostChangedSinceThePlanExits5() {
        when(plan.apply()).thenThrow(new HostStateException("apply (register types)", "configuration " + CONFIG,
                "NV_ERR_NO_MEMORY; and undoing what was done could not restore: GPU 0000:00:06.0", "reload the driver",
                null, true));
        CliRun notRestored = CliRun.on(mock.host, "apply", "-c", CONFIG.toString());
        assertEquals(Main.NOT_RESTORED, notRestored.exitCode(), notRestored.all());
        assertEquals(4, Main.NOT_RESTORED);
        reset(plan);
        when(plan.fits()).thenReturn(true);
        when(plan.apply()).thenThrow(new PlanException("configuration " + CONFIG, List.of("GPU 0000:00:06.0 has 1 mdev "
                + "instance(s)"), true));
        CliRun changed = CliRun.on(mock.host, "apply", "-c", CONFIG.toString());
        assertEquals(Main.CHANGED_SINCE_PLAN, changed.exitCode(), changed.all());
        assertEquals(5, Main.CHANGED_SINCE_PLAN);
        assertTrue(changed.err().contains("the host changed since the plan"), changed.err());
    }

    @Test
    void theHelpListsEveryExitCode() {
        CliRun help = CliRun.on(mock.host, "--help");
        for (String line : List.of("0 ", "1 ", "2 ", "3 ", "4 ", "5 ")) {
            assertTrue(help.out().lines().anyMatch(l -> l.strip().startsWith(line)), line + "in:\n" + help.out());
        }
        assertTrue(help.out().contains("not restored") && help.out().contains("changed since the plan"), help.out());
    }

    @Test
    void planOnTheHostTakesKeepButNotDriverLimits() {
        assertEquals(Main.OK, CliRun.on(mock.host, "plan", "-c", CONFIG.toString(), "--keep").exitCode());
        verify(mock.host).plan(CONFIG, true);
        clearInvocations(plan);
        CliRun limits = CliRun.on(mock.host, "plan", "-c", CONFIG.toString(), "--driver-limits", "pre-580");
        assertEquals(Main.BAD_INPUT, limits.exitCode());
        assertTrue(limits.err().contains("--gpu"), limits.err());
        verifyNoInteractions(plan);
    }
}
