package io.mdevgpu.core.interop;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.mdevgpu.AlreadyExistsException;
import io.mdevgpu.DeviceBusyException;
import io.mdevgpu.HostStateException;
import io.mdevgpu.NoSuchDeviceException;
import io.mdevgpu.PciAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VfDefinitionStoreTest {
    static final UUID A = UUID.fromString("83b8f4f2-509f-382f-3c1e-e6bfe0fa1001");
    static final UUID B = UUID.fromString("9ab1e3c4-5d6f-4a70-8b91-a2b3c4d5e6f7");
    static final PciAddress P = PciAddress.parse("0000:41:00.0");
    static final PciAddress Q = PciAddress.parse("0000:17:00.0");
    static final PciAddress P_VF0 = PciAddress.parse("0000:41:00.4");

    @TempDir
    Path root;

    Path storeRoot() {
        return root.resolve("etc/mdevgpu/vf.d");
    }

    VfDefinitionStore store() {
        return new VfDefinitionStore(storeRoot());
    }

    static VfDefinition def(UUID uuid, PciAddress pf, PciAddress vf, int typeId, boolean auto) {
        return new VfDefinition(uuid, pf, Optional.ofNullable(vf), typeId, "NVIDIA H100-" + typeId + "C", auto, Optional.empty());
    }

    @Test
    void definitionsLiveInTheDocumentedLayoutAndFormat() throws IOException {
        VfDefinitionStore store = store();
        assertEquals(List.of(), store.list(), "no root yet: nothing defined");
        VfDefinition a = def(A, P, P_VF0, 1414, true);
        store.put(a, false);
        store.put(def(B, Q, null, 1415, false), false);
        Path file = storeRoot().resolve("0000:41:00.0/" + A + ".json");
        assertEquals(file, store.file(P, A));
        assertEquals(VfDefinitionJson.write(a), Files.readString(file));
        assertEquals(List.of(Q, P), store.list().stream().map(VfDefinition::pf).toList(), "by GPU");
        assertEquals(a, store.get(A).orElseThrow());
        assertEquals(Optional.of(a), store.pinning(P_VF0));
        assertEquals(a, store.remove(A));
        assertFalse(Files.exists(file));
        assertEquals(List.of(B), store.list().stream().map(VfDefinition::uuid).toList());
        assertTrue(store.get(A).isEmpty());
        assertTrue(store.pinning(P_VF0).isEmpty());
    }

    @Test
    void aUuidIsDefinedOnceAcrossGpusAndReplacedOnlyWhenAsked() {
        VfDefinitionStore store = store();
        store.put(def(A, P, null, 1414, true), false);
        AlreadyExistsException again = assertThrows(AlreadyExistsException.class, () -> store.put(def(A, P, null, 1415, true), false));
        assertTrue(again.getMessage().contains("defined already on 0000:41:00.0 as type 1414 (NVIDIA H100-1414C)"), again.getMessage());
        assertThrows(AlreadyExistsException.class, () -> store.put(def(A, Q, null, 1414, true), true));
        store.put(def(A, P, P_VF0, 1415, false), true);
        assertEquals(1415, store.get(A).orElseThrow().typeId());
        NoSuchDeviceException none = assertThrows(NoSuchDeviceException.class, () -> store.remove(B));
        assertTrue(none.getMessage().contains(B.toString()), none.getMessage());
    }

    @Test
    void aVfIsPinnedByOneDefinitionAtMost() {
        VfDefinitionStore store = store();
        store.put(new VfDefinition(A, P, Optional.of(P_VF0), 1414, "T", true, Optional.of("vm-a")), false);
        DeviceBusyException e = assertThrows(DeviceBusyException.class, () -> store.put(def(B, P, P_VF0, 1414, true), false));
        assertTrue(e.getMessage().contains("VF 0000:41:00.4 is pinned already by " + A + " (owner vm-a)"), e.getMessage());
        assertEquals(List.of(A), store.list().stream().map(VfDefinition::uuid).toList(), "nothing written");
        store.put(def(A, P, P_VF0, 1415, true), true); // re-pinning its own VF is no conflict
        store.put(def(B, P, null, 1414, true), false); // nor is taking any free VF
    }

    @Test
    void whatIsNoDefinitionIsSkippedAndABrokenFileIsNamed() throws IOException {
        Path r = storeRoot();
        Files.createDirectories(r.resolve("not-a-gpu"));
        Files.writeString(r.resolve("not-a-gpu/" + A + ".json"), "{}");
        Files.writeString(r.resolve("stray-file"), "x");
        Files.createDirectories(r.resolve("0000:41:00.0/" + B + ".json.d"));
        Files.writeString(r.resolve("0000:41:00.0/notes.json"), "x");
        Files.writeString(r.resolve("0000:41:00.0/" + A), "x");
        Files.writeString(r.resolve("0000:41:00.0/.mdevgpu-tmp-" + A + ".json"), "{ torn");
        assertEquals(List.of(), store().list());
        Files.writeString(r.resolve("0000:41:00.0/" + B + ".json"), "{\"schema\": 1}");
        HostStateException e = assertThrows(HostStateException.class, () -> store().list());
        assertTrue(e.getMessage().contains(r.resolve("0000:41:00.0/" + B + ".json") + " key \"uuid\""), e.getMessage());
    }

    @Test
    void anOversizedFileIsRefusedWithoutReadingItAll() throws IOException {
        Path file = storeRoot().resolve("0000:41:00.0/" + A + ".json");
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[3 << 20]);
        HostStateException e = assertThrows(HostStateException.class, () -> store().list());
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("more than 1048576 bytes"), e.getMessage());
    }

    @Test
    void aFailureAtAnyFileSystemCallLeavesEveryFileAsItWas() throws IOException {
        Path r = storeRoot();
        StoreFaultSweep<VfDefinitionStore> faults = new StoreFaultSweep<>(root.resolve("etc"), r,
                ops -> new VfDefinitionStore(r, ops), "VF vGPU definition",
                s -> s.put(def(UUID.randomUUID(), P, null, 1, false), false));
        int calls = faults.sweep(s -> { }, s -> s.put(def(A, P, P_VF0, 1414, true), false));
        calls += faults.sweep(s -> s.put(def(A, P, null, 1414, true), false), s -> s.put(def(A, P, P_VF0, 1415, false), true));
        calls += faults.sweep(s -> s.put(def(A, P, null, 1414, true), false), s -> s.remove(A));
        assertTrue(calls >= 60, "faults injected: " + calls);
    }

    @Test
    void ofThreadsPinningOneVfExactlyOneWins() throws Exception {
        VfDefinitionStore store = store();
        int threads = 8;
        CyclicBarrier start = new CyclicBarrier(threads);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        store.put(def(UUID.randomUUID(), P, P_VF0, 1414, true), false);
                        return true;
                    } catch (DeviceBusyException e) {
                        return false;
                    }
                }));
            }
            int won = 0;
            for (Future<Boolean> f : results) won += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
            assertEquals(1, won);
        }
        assertEquals(1, store.list().size());
        try (Stream<Path> s = Files.list(storeRoot().resolve("0000:41:00.0"))) {
            assertEquals(1, s.count(), "no temporary file left");
        }
    }
}
