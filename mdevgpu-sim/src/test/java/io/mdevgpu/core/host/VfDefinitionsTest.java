package io.mdevgpu.core.host;

import io.mdevgpu.AlreadyExistsException;
import io.mdevgpu.DeviceBusyException;
import io.mdevgpu.Definitions;
import io.mdevgpu.Definitions.Definition;
import io.mdevgpu.Definitions.Request;
import io.mdevgpu.Errno;
import io.mdevgpu.HostStateException;
import io.mdevgpu.MdevException;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.NoSuchDeviceException;
import io.mdevgpu.ParentDevice;
import io.mdevgpu.PciAddress;
import io.mdevgpu.ValidationException;
import io.mdevgpu.VgpuBackend;
import io.mdevgpu.core.interop.VfInventory;
import io.mdevgpu.core.inventory.HostInventory;
import io.mdevgpu.core.inventory.InventoryLoader;
import io.mdevgpu.kernel.testing.RealFailures;
import io.mdevgpu.sim.Faults;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

import static io.mdevgpu.core.host.SimHosts.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Persistent vGPUs on SR-IOV virtual functions through {@link Definitions}, beside mdev definitions: define, list,
 * start, stop, undefine; pinned VFs; a type id whose name changed; a UUID in both stores; the inventory;
 * and a start that fails at any port call leaving the host and the files as they were ({@link StartAllTest}: boot).
 */
class VfDefinitionsTest {
    static final PciAddress H100 = PciAddress.parse("0000:17:00.0");
    static final PciAddress A100 = PciAddress.parse("0000:65:00.0");
    static final UUID A = UUID.fromString("a0000000-0000-4000-8000-000000000001");
    static final UUID B = UUID.fromString("b0000000-0000-4000-8000-000000000002");
    static final UUID C = UUID.fromString("c0000000-0000-4000-8000-000000000003");
    static final UUID D = UUID.fromString("d0000000-0000-4000-8000-000000000004");
    static final UUID E = UUID.fromString("e0000000-0000-4000-8000-000000000005");

    static PciAddress vf(int function) {
        return PciAddress.of(0, 0x17, 0, function);
    }

    /** An H100 80GB in vendor-VFIO mode and an A100 40GB on the mdev bus, one 580 driver. */
    static HostInventory mixed() {
        return InventoryLoader.parse("""
                schema = 1
                name = "mixed"
                description = "an SR-IOV H100 and an mdev A100"
                [driver]
                version = "580.159.04"
                [[gpu]]
                address = "0000:17:00.0"
                model = "h100-80g"
                bar0_64bit = true
                sriov = { total_vfs = 8, vf_offset = 4, vf_stride = 1, vf_device = 0x2330 }
                [[gpu]]
                address = "0000:65:00.0"
                model = "a100-40g"
                """, null);
    }

    /** The mixed host with open-vampere's types registered and the H100's VFs disabled again, as after a boot. */
    static EngineHost booted(Faults faults) {
        EngineHost host = open(mixed(), faults);
        host.plan(sample("open-vampere")).apply();
        host.gpu(H100.toString()).disableVirtualFunctions();
        return host;
    }

    static Path vfFile(EngineHost host, UUID uuid) {
        return host.kernel().vfDefinitionsRoot().resolve(H100.toString()).resolve(uuid + ".json");
    }

    static String currentType(EngineHost host, PciAddress vf) throws IOException {
        return Files.readString(host.kernel().layout().nvidiaVfCurrentType(vf)).strip();
    }

    /** Every definition file of both stores, with its content (lock files left out). */
    static Map<String, String> definitionFiles(EngineHost host) {
        Map<String, String> out = new TreeMap<>();
        for (Path root : List.of(host.kernel().mdevctlRoot(), host.kernel().vfDefinitionsRoot())) {
            if (!Files.exists(root)) continue;
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : walk.filter(p -> Files.isRegularFile(p) && !p.endsWith(".mdevgpu.lock")).toList()) {
                    out.put(root.getFileName() + "/" + root.relativize(p), Files.readString(p));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    @Test
    void defineListStartStopUndefineOnAVf() throws Exception {
        try (EngineHost host = booted(new Faults())) {
            Definitions defs = host.definitions();
            // VFs disabled: the type's name comes from the driver's table
            Definition d = defs.define(Request.newBuilder(H100, "532").uuid(A).autoStart(true).owner("vm-7").build());
            assertEquals("sriov", d.kind());
            assertEquals("nvidia-532", d.typeId());
            assertEquals(Optional.of(new Definitions.Sriov(Optional.empty(), "Open vAmpere/8", Optional.of("vm-7"))), d.sriov());
            assertTrue(Files.readString(vfFile(host, A)).contains("\"type_name\": \"Open vAmpere/8\""));
            assertEquals(d + "", A + " 0000:17:00.0 nvidia-532 \"Open vAmpere/8\" owner=vm-7 auto");
            Definition mdev = defs.define(B, A100, "nvidia-531", false);
            assertEquals("mdev", mdev.kind());
            assertEquals(List.of(d, mdev), defs.list(), "both kinds, by parent");
            assertEquals(Optional.of(d), defs.get(A));
            assertEquals(Optional.of(d), defs.get(A, H100));
            assertEquals(Optional.empty(), defs.get(A, A100));

            NoSuchDeviceException noVfs = assertThrows(NoSuchDeviceException.class, () -> defs.start(A));
            assertTrue(noVfs.getMessage().contains("no VFs enabled"), noVfs.getMessage());
            host.gpu(H100.toString()).enableVirtualFunctions(8);
            MdevInstance started = defs.start(A);
            assertEquals(Optional.of(vf(4)), started.virtualFunction());
            assertEquals(A, started.uuid());
            assertEquals("532", currentType(host, vf(4)));
            assertEquals(Optional.of(vf(4)), host.instance(A).orElseThrow().virtualFunction());
            assertThrows(AlreadyExistsException.class, () -> defs.start(A), "active already");

            defs.stop(A);
            assertEquals("0", currentType(host, vf(4)));
            assertTrue(host.instance(A).isEmpty());
            assertTrue(defs.get(A).isPresent(), "stop keeps the definition");
            defs.undefine(A);
            assertFalse(Files.exists(vfFile(host, A)));
            assertThrows(NoSuchDeviceException.class, () -> defs.start(A));
            assertThrows(NoSuchDeviceException.class, () -> defs.undefine(A));
            defs.undefine(B, A100);
            assertEquals(List.of(), defs.list());
        }
    }

    @Test
    void aTypeTheGpuDoesNotKnowIsRefusedNamingTheGpuAndItsTypes() {
        try (EngineHost host = booted(new Faults())) {
            ValidationException e = assertThrows(ValidationException.class, () -> host.definitions().define(A, H100, "nvidia-999", true));
            assertTrue(e.getMessage().contains("0000:17:00.0") && e.getMessage().contains("nvidia-999")
                    && e.getMessage().contains("nvidia-529 (Open vAmpere)") && e.getMessage().contains("nvidia-532 (Open vAmpere/8)"),
                    e.getMessage());
            assertThrows(ValidationException.class, () -> host.definitions().define(Request.newBuilder(H100, "532")
                    .virtualFunction(PciAddress.parse("0000:17:02.0")).build()), "not one of its 8 VFs");
            assertThrows(ValidationException.class, () -> host.definitions().define(Request.newBuilder(A100, "nvidia-531")
                    .owner("vm-1").build()), "mdevctl's format keeps no owner");
            assertEquals(Map.of(), definitionFiles(host));
        }
    }

    @Test
    void aPinnedVfIsTakenOnlyByItsDefinitionAndABusyOneRefusesTheStart() throws Exception {
        try (EngineHost host = booted(new Faults())) {
            ParentDevice gpu = host.gpu(H100.toString());
            gpu.enableVirtualFunctions(8);
            Definitions defs = host.definitions();
            defs.define(Request.newBuilder(H100, "532").uuid(A).virtualFunction(vf(4)).build());
            DeviceBusyException twice = assertThrows(DeviceBusyException.class, () ->
                    defs.define(Request.newBuilder(H100, "532").uuid(B).virtualFunction(vf(4)).build()));
            assertTrue(twice.getMessage().contains(A.toString()), twice.getMessage());
            defs.define(B, H100, "532", false);
            assertEquals(Optional.of(vf(5)), defs.start(B).virtualFunction(), "the first free VF no other definition pins");

            MdevInstance squatter = gpu.create("532", C, vf(4));
            Map<String, String> files = definitionFiles(host);
            DeviceBusyException busy = assertThrows(DeviceBusyException.class, () -> defs.start(A));
            assertEquals(Errno.EBUSY, busy.errno());
            assertTrue(busy.getMessage().contains("0000:17:00.4") && busy.getMessage().contains(C.toString()), busy.getMessage());
            assertEquals(files, definitionFiles(host));
            squatter.remove();
            assertEquals(Optional.of(vf(4)), defs.start(A).virtualFunction());
        }
    }

    @Test
    void aTypeIdThatNamesAnotherTypeNowIsRefusedNamingBoth() throws Exception {
        try (EngineHost host = booted(new Faults())) {
            host.gpu(H100.toString()).enableVirtualFunctions(8);
            host.definitions().define(A, H100, "532", true);
            // as after a driver update that gave the id to another type
            Path file = vfFile(host, A);
            Files.writeString(file, Files.readString(file).replace("Open vAmpere/8", "NVIDIA H100-1-10C"));
            HostStateException e = assertThrows(HostStateException.class, () -> host.definitions().start(A));
            assertTrue(e.getMessage().contains("\"Open vAmpere/8\"") && e.getMessage().contains("\"NVIDIA H100-1-10C\""),
                    e.getMessage());
            for (int f = 4; f < 12; f++) assertEquals("0", currentType(host, PciAddress.of(0, 0x17, f / 8, f % 8)));
            assertEquals(List.of(), host.instances());
            Files.writeString(file, Files.readString(file).replace("\"type_id\": 532", "\"type_id\": 777"));
            HostStateException gone = assertThrows(HostStateException.class, () -> host.definitions().start(A));
            assertTrue(gone.getMessage().contains("no type nvidia-777"), gone.getMessage());
        }
    }

    /** The check under the VF's lock, for a name that changed after the start looked: the VF's own list decides. */
    @Test
    void theVfsOwnListIsCheckedUnderItsLockBeforeTheWrite() throws Exception {
        try (EngineHost host = booted(new Faults())) {
            EngineParentDevice gpu = (EngineParentDevice) host.gpu(H100.toString());
            gpu.enableVirtualFunctions(8);
            VgpuBackend.SriovVfio backend = host.vfBackends().sriovOf(gpu).orElseThrow();
            for (Optional<PciAddress> vf : List.of(Optional.<PciAddress>empty(), Optional.of(vf(5)))) {
                HostStateException e = assertThrows(HostStateException.class, () ->
                        host.vfLifecycle().create(gpu, backend, "532", A, vf, Optional.of("NVIDIA H100-1-10C")));
                assertTrue(e.getMessage().contains("lists nvidia-532 \"Open vAmpere/8\"")
                        && e.getMessage().contains("\"NVIDIA H100-1-10C\""), e.getMessage());
            }
            assertEquals(List.of(), host.instances());
            assertEquals(Optional.of(vf(4)), host.vfLifecycle().create(gpu, backend, "532", A, Optional.empty(),
                    Optional.of("Open vAmpere/8")).virtualFunction());
        }
    }

    @Test
    void aUuidIsDefinedInOneStoreOnly() throws Exception {
        try (EngineHost host = booted(new Faults())) {
            Definitions defs = host.definitions();
            defs.define(A, A100, "nvidia-531", true);
            AlreadyExistsException vfAfterMdev = assertThrows(AlreadyExistsException.class, () -> defs.define(A, H100, "532", true));
            assertTrue(vfAfterMdev.getMessage().contains("as mdev nvidia-531 on 0000:65:00.0"), vfAfterMdev.getMessage());
            defs.define(B, H100, "532", true);
            AlreadyExistsException mdevAfterVf = assertThrows(AlreadyExistsException.class, () -> defs.define(B, A100, "nvidia-531", true));
            assertTrue(mdevAfterVf.getMessage().contains("as VF vGPU nvidia-532 on 0000:17:00.0"), mdevAfterVf.getMessage());
            assertEquals(2, defs.list().size());

            // by hand, in both: found, but not acted on without naming the parent
            Path mdevFile = host.kernel().mdevctlRoot().resolve(A100.toString()).resolve(B.toString());
            Files.writeString(mdevFile, "{\"mdev_type\": \"nvidia-531\", \"start\": \"manual\", \"attrs\": []}");
            HostStateException both = assertThrows(HostStateException.class, () -> defs.get(B));
            assertTrue(both.getMessage().contains(vfFile(host, B).toString()) && both.getMessage().contains(mdevFile.toString()),
                    both.getMessage());
            assertThrows(HostStateException.class, () -> defs.undefine(B));
            defs.undefine(B, A100);
            assertEquals("sriov", defs.get(B).orElseThrow().kind());
        }
    }

    /** An mdev and a VF define of one UUID at once: one wins, the other is EEXIST, and neither waits on the other forever. */
    @Test
    void racingDefinesOfOneUuidInBothStoresLeaveItInOne() throws Exception {
        try (EngineHost host = booted(new Faults())) {
            var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                for (int i = 0; i < 10; i++) {
                    UUID u = UUID.randomUUID();
                    var latch = new java.util.concurrent.CountDownLatch(1);
                    var mdev = pool.submit(() -> { latch.await(); return host.definitions().define(u, A100, "nvidia-531", true); });
                    var vf = pool.submit(() -> { latch.await(); return host.definitions().define(u, H100, "532", true); });
                    latch.countDown();
                    int won = 0;
                    for (var f : List.of(mdev, vf)) {
                        try {
                            f.get(60, java.util.concurrent.TimeUnit.SECONDS);
                            won++;
                        } catch (java.util.concurrent.ExecutionException e) {
                            assertInstanceOf(AlreadyExistsException.class, e.getCause());
                        }
                    }
                    assertEquals(1, won, "round " + i);
                    assertEquals(1, host.definitions().list().stream().filter(d -> d.uuid().equals(u)).count(), "round " + i);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void theInventoryListsActiveAndDefinedVfVgpus() {
        try (EngineHost host = booted(new Faults())) {
            ParentDevice gpu = host.gpu(H100.toString());
            gpu.enableVirtualFunctions(8);
            host.definitions().define(Request.newBuilder(H100, "532").uuid(A).owner("vm-7").build());
            host.definitions().start(A);
            host.definitions().define(Request.newBuilder(H100, "532").uuid(B).virtualFunction(vf(7)).build());
            gpu.create("532", C); // no definition
            String json = VfInventory.json(host.definitions().vfInventory());
            assertEquals("""
                    {
                      "schema": 1,
                      "vgpus": [
                        {
                          "gpu": "0000:17:00.0",
                          "vf": "0000:17:00.4",
                          "type_id": 532,
                          "type_name": "Open vAmpere/8",
                          "uuid": "a0000000-0000-4000-8000-000000000001",
                          "state": "active",
                          "owner": "vm-7"
                        },
                        {
                          "gpu": "0000:17:00.0",
                          "vf": "0000:17:00.5",
                          "type_id": 532,
                          "type_name": "Open vAmpere/8",
                          "uuid": "c0000000-0000-4000-8000-000000000003",
                          "state": "active",
                          "owner": null
                        },
                        {
                          "gpu": "0000:17:00.0",
                          "vf": "0000:17:00.7",
                          "type_id": 532,
                          "type_name": "Open vAmpere/8",
                          "uuid": "b0000000-0000-4000-8000-000000000002",
                          "state": "defined",
                          "owner": null
                        }
                      ]
                    }
                    """, json);
        }
    }

    /**
     * A start of a VF definition fails at each of its port calls in turn, with each failure that call can really
     * return: the error is typed and names its operation, and the host (VFs, types, owner records, mode) and the
     * definition files are as they were.
     */
    @Test
    void aStartThatFailsAtAnyPortCallLeavesTheHostAndTheFilesAsTheyWere() {
        List<Faults.Call> calls;
        Faults counting = new Faults();
        try (EngineHost host = SriovFaultSweepTest.prepared(counting)) {
            host.definitions().define(A, H100, "900", true);
            long from = counting.calls();
            host.definitions().start(A);
            calls = counting.log().stream().filter(c -> c.number() > from).toList();
        }
        assertTrue(calls.stream().anyMatch(c -> c.seam() == Faults.Seam.SRIOV), calls::toString);
        int injected = 0;
        for (int k = 0; k < calls.size(); k++) {
            for (Faults.Failure failure : RealFailures.of(calls.get(k))) {
                Faults faults = new Faults();
                try (EngineHost host = SriovFaultSweepTest.prepared(faults)) {
                    host.definitions().define(A, H100, "900", true);
                    Map<String, String> before = SriovFaultSweepTest.state(host);
                    Map<String, String> files = definitionFiles(host);
                    String what = calls.get(k) + " failing with " + failure;
                    faults.failAt(faults.calls() + k + 1, failure);
                    try {
                        host.definitions().start(A);
                        assertTrue(host.instance(A).isPresent(), what + ": absorbed, so started");
                        continue;
                    } catch (MdevException e) {
                        assertFalse(e.operation().isBlank(), what);
                    }
                    assertEquals(before, SriovFaultSweepTest.state(host), what);
                    assertEquals(files, definitionFiles(host), what);
                    assertEquals(List.of(), host.instances(), what);
                    injected++;
                }
            }
        }
        assertTrue(injected >= calls.size() / 2, injected + " of " + calls.size());
    }
}
