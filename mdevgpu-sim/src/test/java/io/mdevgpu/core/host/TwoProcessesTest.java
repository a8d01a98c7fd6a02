package io.mdevgpu.core.host;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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

    @Test
    void processesKilledInTheMiddleOfTheirChangesLeaveNoLockAndAHostThatWorks(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("host");
        for (int round = 0; round < 3; round++) {
            Process a = java("churn", root.toString(), CONFIG.toString()).start();
            Process b = java("churn", root.toString(), CONFIG.toString()).start();
            BufferedReader aOut = new BufferedReader(new InputStreamReader(a.getInputStream()));
            BufferedReader bOut = new BufferedReader(new InputStreamReader(b.getInputStream()));
            assertEquals("ready", firstLine(aOut), "a started");
            assertEquals("ready", firstLine(bOut), "b started");
            Thread.sleep(400 + 500L * round); // both churning: applies, creates, opens, defines, removes
            a.destroyForcibly(); // SIGKILL: wherever it was
            assertTrue(a.waitFor(30, TimeUnit.SECONDS));
            Thread.sleep(300); // b goes on without a, through whatever a left
            assertTrue(b.isAlive(), "b was not stopped by what a left: " + drain(bOut));
            b.destroyForcibly();
            assertTrue(b.waitFor(30, TimeUnit.SECONDS));
            drain(aOut);

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
        Process p = java("apply-stop", root.toString(), CONFIG.toString(), call).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
            assertEquals("stopped at " + call, firstLine(out, "stopped at "), "it reached the register call");
            p.destroyForcibly(); // SIGKILL: between SET_INFO and the register call
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
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
                BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream()));
                assertEquals(holdsDevice ? "open " + vgpu.uuid() + " vendor 0x10de" : "holding group " + vgpu.iommuGroup() + " of "
                        + vgpu.uuid(), firstLine(out, holdsDevice ? "open " : "holding "));
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

    private static String firstLine(BufferedReader r) throws Exception {
        return firstLine(r, "ready");
    }

    /** The first line that starts with {@code prefix} (the JVM's log lines come before it). */
    private static String firstLine(BufferedReader r, String prefix) throws Exception {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                String l;
                while ((l = r.readLine()) != null) if (l.startsWith(prefix)) return l;
                return null;
            } catch (java.io.IOException e) {
                return e.toString();
            }
        });
        return line.get(60, TimeUnit.SECONDS);
    }

    private static String read(Process p) {
        try {
            return new String(p.getInputStream().readAllBytes());
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static String drain(BufferedReader r) {
        try {
            StringBuilder b = new StringBuilder();
            while (r.ready()) b.append(r.readLine()).append('\n');
            return b.toString();
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
