package io.mdevgpu.core.host;

import io.mdevgpu.MdevException;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.MdevTypeBuilder;
import io.mdevgpu.ParentDevice;
import io.mdevgpu.Size;
import io.mdevgpu.VfioDevice;
import io.mdevgpu.core.inventory.HostInventory;
import io.mdevgpu.core.inventory.InventoryLoader;
import io.mdevgpu.kernel.testing.RealFailures;
import io.mdevgpu.sim.Faults;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static io.mdevgpu.core.host.SimHosts.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Fails every port call of the SR-IOV paths in turn (create on a VF, open, close, remove; enabling another VF count;
 * setting heterogeneous mode, whose RM controls GET/SET_VGPU_HETEROGENEOUS_MODE fail with the driver's own statuses),
 * with each errno or NV status that call can really return ({@link RealFailures}), and checks that
 * the error is typed and names its operation, and that, once a caller has cleaned up, the host is as it was: the VFs,
 * the type each holds, the owner records and the heterogeneous mode. One H100 with two VFs keeps the sweep short.
 */
class SriovFaultSweepTest {
    static final UUID U = UUID.fromString("0e1d2c3b-4a59-4687-a5b4-c3d2e1f00a1b");

    static HostInventory oneH100() {
        return InventoryLoader.parse("""
                schema = 1
                name = "one-sriov"
                description = "one H100 with two VFs"
                [driver]
                version = "580.159.04"
                [[gpu]]
                address = "0000:17:00.0"
                model = "h100-80g"
                bar0_64bit = true
                sriov = { total_vfs = 2, vf_offset = 4, vf_stride = 1, vf_device = 0x2330 }
                """, null);
    }

    static EngineHost prepared(Faults faults) {
        EngineHost host = open(oneH100(), faults);
        ParentDevice gpu = host.gpu("17:00.0");
        gpu.plan(MdevTypeBuilder.number(900).name("half").maxInstances(2).framebuffer(Size.mib(30720))
                .reserved(Size.mib(1024)).build()).apply();
        gpu.enableVirtualFunctions(2);
        return host;
    }

    /** What the host holds of the SR-IOV paths: every file under the VFs' and GPU's sysfs, and the owner records. */
    static Map<String, String> state(EngineHost host) {
        Map<String, String> out = new TreeMap<>();
        Path sys = host.kernel().layout().sys();
        Path gpu = host.kernel().layout().pciDeviceDirectory(io.mdevgpu.PciAddress.parse("0000:17:00.0")).getParent();
        Path run = sys.resolveSibling("run").resolve("mdevgpu");
        for (Path root : List.of(gpu, run)) {
            if (!Files.exists(root)) continue;
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : walk.filter(p -> Files.isRegularFile(p) && (p.toString().contains("sriov_") || p.toString().contains("/nvidia/")
                        || p.startsWith(run))).toList()) {
                    out.put(sys.getParent().relativize(p).toString(), Files.readString(p));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        out.put("heterogeneous", String.valueOf(sim(host).heterogeneousMode(io.mdevgpu.PciAddress.parse("0000:17:00.0"))));
        return out;
    }

    static void vgpuLifecycle(EngineHost host) {
        MdevInstance vgpu = host.gpu("17:00.0").create("900", U);
        try (VfioDevice device = vgpu.open()) {
            assertEquals(0x2330, device.config().read(2, 2));
        }
        vgpu.remove();
    }

    static void vfControl(EngineHost host) {
        ParentDevice gpu = host.gpu("17:00.0");
        gpu.enableVirtualFunctions(1);
        gpu.heterogeneousMode(true);
        gpu.heterogeneousMode(false);
        gpu.enableVirtualFunctions(2);
    }

    @Test
    void everyPortCallOfAVgpusLifeOnAVfFailsCleanly() {
        sweep("create/open/close/remove on a VF", SriovFaultSweepTest::vgpuLifecycle,
                host -> host.instance(U).ifPresent(MdevInstance::remove));
    }

    @Test
    void everyPortCallOfEnablingVfsAndSettingTheModeFailsCleanly() {
        sweep("enable VFs and set heterogeneous mode", SriovFaultSweepTest::vfControl, host -> {
            ParentDevice gpu = host.gpu("17:00.0");
            if (sim(host).heterogeneousMode(gpu.address()).orElse(false)) gpu.heterogeneousMode(false);
            gpu.enableVirtualFunctions(2);
        });
    }

    /**
     * Runs {@code scenario} once to count its calls, then on a fresh host fails each call with each real failure,
     * cleans up with {@code cleanup} as a caller does, and compares the state with the state before.
     */
    private static void sweep(String name, Consumer<EngineHost> scenario, Consumer<EngineHost> cleanup) {
        List<Faults.Call> calls;
        Faults counting = new Faults();
        try (EngineHost host = prepared(counting)) {
            long from = counting.calls();
            scenario.accept(host);
            calls = counting.log().stream().filter(c -> c.number() > from).toList();
        }
        assertTrue(calls.stream().anyMatch(c -> c.seam() == Faults.Seam.SRIOV), calls::toString);
        int injected = 0;
        List<String> absorbed = new ArrayList<>();
        for (int k = 0; k < calls.size(); k++) {
            for (Faults.Failure failure : RealFailures.of(calls.get(k))) {
                Faults faults = new Faults();
                try (EngineHost host = prepared(faults)) {
                    Map<String, String> before = state(host);
                    String what = name + ": " + calls.get(k) + " failing with " + failure;
                    faults.failAt(faults.calls() + k + 1, failure);
                    try {
                        scenario.accept(host);
                        absorbed.add(what);
                    } catch (MdevException e) {
                        assertNotNull(e.operation(), what);
                        assertFalse(e.operation().isBlank(), what);
                    } catch (AssertionError e) {
                        throw new AssertionError(what + ": the scenario went on with a wrong value", e);
                    }
                    cleanup.accept(host);
                    assertEquals(List.of(), host.instances(), what);
                    assertEquals(before, state(host), what);
                    assertTrue(sim(host).leaks().isClean(), what + ": " + sim(host).leaks());
                    assertEquals(1, faults.injected().size(), what);
                    injected++;
                }
            }
        }
        System.out.println(name + " fault sweep: " + calls.size() + " port calls, " + injected + " faults injected, absorbed: "
                + absorbed);
        assertTrue(injected >= calls.size());
    }
}
