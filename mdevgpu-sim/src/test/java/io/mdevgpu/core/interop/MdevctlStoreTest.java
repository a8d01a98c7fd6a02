package io.mdevgpu.core.interop;

import io.mdevgpu.AlreadyExistsException;
import io.mdevgpu.Definitions.Definition;
import io.mdevgpu.HostStateException;
import io.mdevgpu.NoSuchDeviceException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.kernel.testing.FakeHost;
import io.mdevgpu.kernel.testing.H100Fixture;
import io.mdevgpu.kernel.testing.Mdevctl;
import io.mdevgpu.kernel.testing.TestJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class MdevctlStoreTest {
    static final UUID A = UUID.fromString("83b8f4f2-509f-382f-3c1e-e6bfe0fa1001");
    static final UUID B = UUID.fromString("9ab1e3c4-5d6f-4a70-8b91-a2b3c4d5e6f7");
    static final PciAddress P = PciAddress.parse("0000:65:00.0");
    static final PciAddress Q = PciAddress.parse("0000:17:00.0");

    @TempDir
    Path root;

    MdevctlStore store() {
        return new MdevctlStore(root.resolve("etc/mdevctl.d"));
    }

    @Test
    void definitionsLiveInMdevctlsLayoutAndFormat() throws IOException {
        MdevctlStore store = store();
        assertEquals(List.of(), store.list(), "no root yet: nothing defined");
        Definition a = new Definition(A, P, "nvidia-531", true, List.of());
        store.put(a, false);
        store.put(new Definition(B, Q, "nvidia-1", false, List.of(Map.of("k", "v"))), false);
        Path file = root.resolve("etc/mdevctl.d/0000:65:00.0/" + A);
        assertEquals(MdevctlJson.write(a), Files.readString(file));
        assertEquals(List.of(Q, P), store.list().stream().map(Definition::parent).toList(), "by parent");
        assertEquals(a, store.get(A).orElseThrow());
        assertEquals(a, store.remove(A));
        assertFalse(Files.exists(file));
        assertEquals(List.of(B), store.list().stream().map(Definition::uuid).toList());
        assertTrue(store.get(A).isEmpty());
    }

    @Test
    void aUuidIsDefinedOnceAcrossParentsAndReplacedOnlyWhenAsked() {
        MdevctlStore store = store();
        store.put(new Definition(A, P, "nvidia-531", true, List.of()), false);
        AlreadyExistsException again = assertThrows(AlreadyExistsException.class,
                () -> store.put(new Definition(A, P, "nvidia-532", true, List.of()), false));
        assertTrue(again.getMessage().contains("defined already on 0000:65:00.0 as nvidia-531"), again.getMessage());
        assertThrows(AlreadyExistsException.class, () -> store.put(new Definition(A, Q, "nvidia-531", true, List.of()), true));
        store.put(new Definition(A, P, "nvidia-532", false, List.of()), true);
        assertEquals("nvidia-532", store.get(A).orElseThrow().typeId());
        NoSuchDeviceException none = assertThrows(NoSuchDeviceException.class, () -> store.remove(B));
        assertTrue(none.getMessage().contains(B.toString()), none.getMessage());
    }

    @Test
    void whatMdevctlSkipsIsSkippedAndABrokenFileIsNamed() throws IOException {
        Path r = root.resolve("etc/mdevctl.d");
        Files.createDirectories(r.resolve("scripts.d/callouts"));
        Files.createDirectories(r.resolve("css_0_0_0072"));
        Files.writeString(r.resolve("css_0_0_0072/" + A), "{}");
        Files.writeString(r.resolve("stray-file"), "x");
        Files.createDirectories(r.resolve("0000:65:00.0"));
        Files.writeString(r.resolve("0000:65:00.0/notes.txt"), "x");
        assertEquals(List.of(), store().list());
        Files.writeString(r.resolve("0000:65:00.0/" + B), "{\"start\":\"auto\"}");
        HostStateException e = assertThrows(HostStateException.class, () -> store().list());
        assertTrue(e.getMessage().contains(B.toString()), e.getMessage());
    }

    /** Faults in each file-system call of a change; after each, another definition can be written. */
    StoreFaultSweep<MdevctlStore> faults() {
        Path r = root.resolve("etc/mdevctl.d");
        return new StoreFaultSweep<>(root.resolve("etc"), r, ops -> new MdevctlStore(r, ops), "mdev definition",
                s -> s.put(new Definition(UUID.randomUUID(), P, "nvidia-1", false, List.of()), false));
    }

    @Test
    void aFailureAtAnyFileSystemCallOfDefineLeavesEveryFileAsItWas() throws IOException {
        StoreFaultSweep<MdevctlStore> faults = faults();
        int calls = faults.sweep(s -> { }, s -> s.put(new Definition(A, P, "nvidia-531", true, List.of()), false));
        calls += faults.sweep(s -> s.put(new Definition(A, P, "nvidia-531", true, List.of()), false),
                s -> s.put(new Definition(A, P, "nvidia-532", false, List.of()), true));
        calls += faults.sweep(s -> s.put(new Definition(A, P, "nvidia-531", true, List.of()), false), s -> s.remove(A));
        assertTrue(calls >= 60, "faults injected: " + calls);
        System.out.println("define/undefine fault sweep: " + calls + " faults injected into the file-system calls of define, "
                + "replace and undefine");
    }

    @Test
    void aTemporaryFileAWriterLeftIsRemovedByTheNext() throws IOException {
        Path dir = root.resolve("etc/mdevctl.d/0000:65:00.0");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(".mdevgpu-tmp-" + A), "{ torn");
        store().put(new Definition(B, P, "nvidia-1", true, List.of()), false);
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(B.toString()), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void ofTwoThreadsDefiningOneUuidExactlyOneWins() throws Exception {
        MdevctlStore store = store();
        int threads = 8;
        CyclicBarrier start = new CyclicBarrier(threads);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int n = t;
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        store.put(new Definition(A, P, "nvidia-" + (n + 1), true, List.of()), false);
                        return true;
                    } catch (AlreadyExistsException e) {
                        return false;
                    }
                }));
            }
            int won = 0;
            for (Future<Boolean> f : results) won += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
            assertEquals(1, won);
        }
        assertEquals(1, store.list().size());
    }

    List<String> javaCommand(String... args) {
        return TestJvm.command(StoreWriterProcess.class, List.of(), args);
    }

    @Test
    void twoProcessesDefiningTheSameUuidsEachWinSomeAndNoFileIsTorn() throws Exception {
        Path r = root.resolve("etc/mdevctl.d");
        // both define UUIDs 0..59: each UUID is won by exactly one of them
        Process first = new ProcessBuilder(javaCommand("define", r.toString(), "0", "60")).redirectErrorStream(true).start();
        Process second = new ProcessBuilder(javaCommand("define", r.toString(), "0", "60")).redirectErrorStream(true).start();
        String out1 = new String(first.getInputStream().readAllBytes()), out2 = new String(second.getInputStream().readAllBytes());
        assertTrue(first.waitFor(60, TimeUnit.SECONDS) && second.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, first.exitValue(), out1);
        assertEquals(0, second.exitValue(), out2);
        int won1 = Integer.parseInt(out1.strip().replaceAll("(?s).*won (\\d+)$", "$1"));
        int won2 = Integer.parseInt(out2.strip().replaceAll("(?s).*won (\\d+)$", "$1"));
        assertEquals(60, won1 + won2, out1 + " / " + out2);
        List<Definition> all = store().list(); // every file parses: none is torn
        assertEquals(60, all.size());
        for (int i = 0; i < 60; i++) assertEquals(i % 2 == 0, store().get(StoreWriterProcess.uuid(i)).orElseThrow().autoStart());
    }

    @Test
    void aProcessKilledMidWriteLeavesNoLockAndNoDefinition() throws Exception {
        Path r = root.resolve("etc/mdevctl.d");
        Process dying = new ProcessBuilder(javaCommand("die", r.toString(), A.toString())).redirectErrorStream(true).start();
        String out = new String(dying.getInputStream().readAllBytes());
        assertTrue(dying.waitFor(60, TimeUnit.SECONDS));
        assertEquals(9, dying.exitValue(), out);
        assertTrue(out.contains("dying"), out);
        assertTrue(store().get(A).isEmpty(), "the rename never happened");
        // the lock died with the process: the next writer gets it at once and clears the half-written file
        store().put(new Definition(B, P, "nvidia-1", true, List.of()), false);
        try (Stream<Path> s = Files.list(r.resolve("0000:65:00.0"))) {
            assertEquals(List.of(B.toString()), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void debiansMdevctlListsWhatTheStoreWrote() throws Exception {
        FakeHost.create(root);
        Files.createDirectories(root.resolve("etc/mdevctl.d/scripts.d/callouts"));
        Files.createDirectories(root.resolve("etc/mdevctl.d/scripts.d/notifiers"));
        store().put(new Definition(A, H100Fixture.ADDRESS, "nvidia-529", true, List.of()), false);
        store().put(new Definition(B, H100Fixture.ADDRESS, "nvidia-530", false, List.of(Map.of("k", "v"))), false);
        String out = Mdevctl.run(root, "list", "--defined");
        assertTrue(out.contains(A + " 0000:00:06.0 nvidia-529 auto"), out);
        assertTrue(out.contains(B + " 0000:00:06.0 nvidia-530 manual"), out);
    }
}
