package io.mdevgpu.core.host;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import io.mdevgpu.DeviceBusyException;
import io.mdevgpu.Errno;
import io.mdevgpu.HostSpec;
import io.mdevgpu.MdevHost;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.MdevType;
import io.mdevgpu.PciAddress;
import io.mdevgpu.SupportedType;
import io.mdevgpu.kernel.mdev.MdevInstanceInfo;
import io.mdevgpu.sim.SimulatedKernel;
import io.mdevgpu.kernel.testing.TestJvm;

/**
 * Two JVMs on one simulated host kept in a directory (issue 7, races): applying and creating and defining at once,
 * each UUID is won once and every file parses; a process killed in the middle of its changes leaves no lock and a
 * host whose tree and kernel agree, which the next apply, create and define use at once.
 */
class TwoProcessesTest {
    private static final Path CONFIG = Path.of(System.getProperty("mdevgpu.repo", "..")).resolve("samples/config/open-vampere.toml");

    private static ProcessBuilder java(String... args) {
        return new ProcessBuilder(TestJvm.command(HostUserProcess.class,
                List.of("--enable-native-access=ALL-UNNAMED", "-Xshare:off", "-XX:TieredStopAtLevel=1"), args))
                .redirectErrorStream(true);
    }

    private static MdevHost open(Path root) throws Exception {
        // in a thread of its own: a lock left behind would block the open, and the test must say so, not hang
        try (ExecutorService opener = Executors.newSingleThreadExecutor()) {
            return opener.submit(() -> MdevHost.open(HostSpec.simulatedAt("default", root))).get(60, TimeUnit.SECONDS);
        }
    }

    private static int won(String out, String what) {
        return Integer.parseInt(out.strip().replaceAll("(?s).*" + what + " (\\d+).*", "$1"));
    }

    @Test
    void twoProcessesApplyingCreatingAndDefiningWinEachUuidOnce(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("host");
        Process first = java("race", root.toString(), CONFIG.toString(), "8").start();
        Process second = java("race", root.toString(), CONFIG.toString(), "8").start();
        CompletableFuture<String> out1 = CompletableFuture.supplyAsync(() -> read(first));
        String out2 = read(second);
        assertTrue(first.waitFor(120, TimeUnit.SECONDS) && second.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, first.exitValue(), out1.get());
        assertEquals(0, second.exitValue(), out2);
        assertEquals(8, won(out1.get(), "created") + won(out2, "created"), out1.get() + " / " + out2);
        assertEquals(8, won(out1.get(), "defined") + won(out2, "defined"), out1.get() + " / " + out2);

        try (MdevHost host = open(root)) {
            assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6, 7), host.instances().stream().map(i -> uuidNumber(i.uuid()))
                    .collect(Collectors.toSet()));
            assertEquals(8, host.definitions().list().size(), "every definition parses: none is torn");
            for (String gpu : List.of("0000:17:00.0", "0000:65:00.0")) {
                assertEquals(List.of("nvidia-529", "nvidia-530", "nvidia-531", "nvidia-532"),
                        host.gpu(gpu).types().stream().map(SupportedType::id).toList(), gpu);
            }
            assertEquals(0, host.gpu("0000:17:00.0").types().get(3).availableInstances(), "the eight took every eighth");
            assertConsistent(host);
        }
    }

    /** How long a churner may take to report its next step: far beyond a step's time, short of a hang. */
    private static final Duration REPORT = Duration.ofSeconds(60);
    /** Where a is killed in each round: right after it reports this step, so in the middle of the next one. */
    private static final List<String> KILL_AFTER = List.of("applied", "created", "defined");

    private static Predicate<String> step(String name) {
        return l -> l.startsWith("step ") && l.endsWith(" " + name);
    }

    @Test
    void processesKilledInTheMiddleOfTheirChangesLeaveNoLockAndAHostThatWorks(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("host");
        for (int round = 0; round < KILL_AFTER.size(); round++) {
            ChildReports a = new ChildReports(java("churn", root.toString(), CONFIG.toString()).start(), "churner a");
            ChildReports b = new ChildReports(java("churn", root.toString(), CONFIG.toString()).start(), "churner b");
            try {
                a.await("ready"::equals, REPORT, "ready");
                b.await("ready"::equals, REPORT, "ready");
                b.await(l -> l.startsWith("step "), REPORT, "a first step"); // both churning
                for (int i = 0; i <= round; i++) a.await(step(KILL_AFTER.get(round)), REPORT, "step " + KILL_AFTER.get(round));
                a.process().destroyForcibly(); // SIGKILL: in the step after the one it reported
                assertTrue(a.process().waitFor(30, TimeUnit.SECONDS));
                // b goes on without a, through whatever a left: two whole rounds of its own, each step reported
                b.skipReported();
                b.await(step("done"), REPORT, "a whole round after a was killed");
                b.await(step("done"), REPORT, "a second whole round after a was killed");
            } finally {
                a.process().destroyForcibly();
                b.process().destroyForcibly();
            }
            assertTrue(b.process().waitFor(30, TimeUnit.SECONDS));

            try (MdevHost host = open(root)) {
                assertConsistent(host);
                // what the killed churners had made and not yet removed stays, whole: instances and definitions
                for (MdevInstance left : host.instances()) left.remove();
                for (var left : host.definitions().list()) host.definitions().undefine(left.uuid());
                host.plan(CONFIG).apply();
                UUID u = UUID.randomUUID();
                host.definitions().define(u, HostUserProcess.A100, HostUserProcess.TYPE, true);
                MdevInstance started = host.definitions().start(u);
                try (var device = started.open()) {
                    assertEquals(0x10de, device.config().read(0, 2), "the vendor of the guest's config space");
                }
                host.definitions().stop(u);
                host.definitions().undefine(u);
                assertEquals(List.of(), host.instances());
                assertEquals(List.of(), host.definitions().list());
                assertConsistent(host);
            }
        }
        try (Stream<Path> files = Files.walk(root.resolve("etc/mdevctl.d"))) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().startsWith(".mdevgpu-tmp-")).toList(),
                    "no temporary file left after the last writer");
        }
    }

    /**
     * Killed after the driver took the new table (SET_INFO) and before the types were published on the mdev bus: the
     * driver holds 529-532 while the bus still shows 1-3. The next apply of the same file publishes them (issue 12,
     * item 13), since "already there" means the driver's table and the bus.
     */
    @Test
    void aProcessKilledBetweenRegisteringAndPublishingLeavesAHostTheNextApplyPublishes(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("host");
        Path generic = CONFIG.resolveSibling("open-vgeneric.toml");
        try (MdevHost host = open(root)) {
            host.plan(generic).apply();
            assertEquals("nvidia-1", host.gpu(HostUserProcess.A100.toString()).types().getFirst().id());
        }
        String call = "CONTROL VGPU_CONFIG_MDEV_REGISTER";
        ChildReports stopped = new ChildReports(java("apply-stop", root.toString(), CONFIG.toString(), call).start(),
                "apply stopping at " + call);
        try {
            stopped.await(("stopped at " + call)::equals, REPORT, "it reached the register call");
            stopped.process().destroyForcibly(); // SIGKILL: between SET_INFO and the register call
            assertTrue(stopped.process().waitFor(30, TimeUnit.SECONDS));
        } finally {
            stopped.process().destroyForcibly();
        }
        try (MdevHost host = open(root)) {
            SimulatedKernel kernel = (SimulatedKernel) ((EngineHost) host).kernel();
            assertEquals(List.of("nvidia-1", "nvidia-2", "nvidia-3"), host.gpu(HostUserProcess.A100.toString()).types()
                    .stream().map(SupportedType::id).toList(), "the bus still shows the earlier types");
            var result = host.plan(CONFIG).apply();
            assertEquals(List.of(), result.unchanged(), "the types were not published, so not already there");
            for (String gpu : List.of("0000:17:00.0", "0000:65:00.0")) {
                assertEquals(List.of("nvidia-529", "nvidia-530", "nvidia-531", "nvidia-532"),
                        host.gpu(gpu).types().stream().map(SupportedType::id).toList(), gpu);
            }
            assertThrows(io.mdevgpu.MdevException.class, () -> host.gpu(HostUserProcess.A100.toString()).create("nvidia-1"),
                    "the stale type is gone");
            assertConsistent(host);
            assertTrue(kernel.leaks().isClean());
            assertEquals(2, host.plan(CONFIG).apply().unchanged().size(), "then it is there already");
        }
    }

    /** The waits above fail on a process that is alive but reports nothing more, where isAlive() would pass. */
    @Test
    void aChurnerThatHangsFailsTheWaitForItsNextReport(@TempDir Path dir) throws Exception {
        ChildReports hung = new ChildReports(java("churn", dir.resolve("host").toString(), CONFIG.toString(), "1").start(),
                "churner hanging after a round");
        try {
            hung.await(step("done"), REPORT, "its one round");
            AssertionError e = assertThrows(AssertionError.class,
                    () -> hung.await(step("done"), Duration.ofSeconds(5), "a second round"));
            assertTrue(hung.process().isAlive(), "alive all the same: what the old check took for progress");
            assertTrue(e.getMessage().contains("alive: hung or deadlocked"), e.getMessage());
        } finally {
            hung.process().destroyForcibly();
        }
    }

    @ParameterizedTest(name = "the other process holds {0}")
    @ValueSource(strings = {"its device", "only its group"})
    void aDeviceOpenInAnotherProcessIsBusyHereUntilThatProcessEnds(String what, @TempDir Path dir) throws Exception {
        Path root = dir.resolve("host");
        try (MdevHost host = open(root)) {
            host.plan(CONFIG).apply();
            MdevInstance vgpu = host.gpu(HostUserProcess.A100.toString()).create(HostUserProcess.TYPE);
            boolean holdsDevice = what.equals("its device");
            Process holder = java(holdsDevice ? "open" : "hold-group", root.toString(), vgpu.uuid().toString()).start();
            try {
                String prefix = holdsDevice ? "open " : "holding ";
                String held = new ChildReports(holder, "holder").await(l -> l.startsWith(prefix), REPORT, "what it holds");
                assertEquals(holdsDevice ? "open " + vgpu.uuid() + " vendor 0x10de" : "holding group " + vgpu.iommuGroup() + " of "
                        + vgpu.uuid(), held);
                // the kernel opens a VFIO group once on the whole host: the holder keeps it open with its device
                DeviceBusyException busy = assertThrows(DeviceBusyException.class, vgpu::open);
                assertEquals(Errno.EBUSY, busy.errno());
                assertTrue(busy.getMessage().contains("/dev/vfio/"), busy.getMessage());
                assertTrue(((SimulatedKernel) ((EngineHost) host).kernel()).leaks().isClean(), "the refused open left nothing");
                holder.destroyForcibly(); // SIGKILL: the kernel releases what the process held
                assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
                try (var device = vgpu.open()) {
                    assertEquals(0x10de, device.config().read(0, 2));
                }
                vgpu.remove();
            } finally {
                holder.destroyForcibly();
            }
        }
    }

    /**
     * NVIDIA's driver refuses to free a VF (current_vgpu_type 0) while its VFIO device is open, whichever process holds
     * it: the remove here is EBUSY, typed, and changes nothing, until the holder closes the device or is killed.
     */
    @ParameterizedTest(name = "the holder {0}")
    @ValueSource(strings = {"exits", "is killed"})
    void aVfOpenInAnotherProcessIsNotFreedHereUntilThatProcessLetsItGo(String end, @TempDir Path dir) throws Exception {
        Path root = dir.resolve("host");
        try (MdevHost host = MdevHost.open(HostSpec.simulatedAt("sriov", root))) {
            host.plan(CONFIG).apply();
            MdevInstance vgpu = host.gpu("17:00.0").create("532");
            PciAddress vf = vgpu.virtualFunction().orElseThrow();
            Process holder = java("open", root.toString(), vgpu.uuid().toString(), "sriov").start();
            try {
                ChildReports reports = new ChildReports(holder, "holder");
                assertEquals("open " + vgpu.uuid() + " vendor 0x10de", reports.await(l -> l.startsWith("open "), REPORT, "its open"));
                DeviceBusyException busy = assertThrows(DeviceBusyException.class, vgpu::remove);
                assertEquals(Errno.EBUSY, busy.errno());
                assertTrue(busy.getMessage().contains(vf.toString()) && busy.getMessage().contains("is open"), busy.getMessage());
                assertEquals("532", Files.readString(((EngineHost) host).kernel().layout().nvidiaVfCurrentType(vf)).strip(),
                        "the VF keeps its vGPU");
                assertTrue(host.instance(vgpu.uuid()).isPresent());
                if (end.equals("exits")) {
                    holder.getOutputStream().close();
                    assertEquals("closed", reports.await(l -> l.equals("closed"), REPORT, "its close"));
                } else {
                    holder.destroyForcibly(); // SIGKILL: the kernel releases what the process held
                }
                assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
                vgpu.remove();
                assertTrue(host.instances().isEmpty());
                assertFalse(Files.readString(root.resolve("run/mdevgpu-sim/kernel.state")).contains("\nholder "),
                        "no holder left in the shared state");
            } finally {
                holder.destroyForcibly();
            }
        }
    }

    /** The tree (what the bus reads) and the simulated kernel's own state agree: instances and published types. */
    private static void assertConsistent(MdevHost host) {
        SimulatedKernel kernel = (SimulatedKernel) ((EngineHost) host).kernel();
        Set<UUID> inTree = host.instances().stream().map(MdevInstance::uuid).collect(Collectors.toSet());
        Set<UUID> inKernel = new HashSet<>(kernel.instances().stream().map(MdevInstanceInfo::uuid).toList());
        assertEquals(inKernel, inTree, "instances: kernel vs tree");
        kernel.publishedTypes().forEach((gpu, types) -> assertEquals(types.stream().map(MdevType::sysfsName).toList(),
                host.gpu(gpu.toString()).types().stream().map(SupportedType::id).toList(), "types of " + gpu));
    }

    private static int uuidNumber(UUID u) {
        return Integer.parseInt(u.toString().substring(24));
    }

    private static String read(Process p) {
        try {
            return new String(p.getInputStream().readAllBytes());
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
