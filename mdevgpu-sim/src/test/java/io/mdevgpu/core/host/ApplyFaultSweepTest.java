package io.mdevgpu.core.host;

import io.mdevgpu.HostStateException;
import io.mdevgpu.MdevException;
import io.mdevgpu.MdevType;
import io.mdevgpu.ParentDevice;
import io.mdevgpu.PciAddress;
import io.mdevgpu.Plan;
import io.mdevgpu.SupportedType;
import io.mdevgpu.core.inventory.InventoryLoader;
import io.mdevgpu.kernel.abi.nvrm.NvStatus;
import io.mdevgpu.kernel.mdev.OpenDeviceRegistry;
import io.mdevgpu.sim.Faults;
import io.mdevgpu.kernel.testing.RealFailures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.mdevgpu.core.host.SimHosts.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Fails every port call of an apply in turn, with each errno or NV status that call can really return
 * ({@link RealFailures}), and checks after each
 * that the error is typed and names the failed step, the driver's type tables and what the mdev bus shows equal
 * what they were before, no RM client, handle or fd is left, and no file changed.
 */
class ApplyFaultSweepTest {

    /**
     * What can be compared before and after. Published tables count only when not empty: a GPU whose new types were
     * published before the failure gets its empty table back, published, and so stays an mdev parent without types
     * (the RM API publishes tables; it cannot unregister a parent).
     */
    record HostState(Map<PciAddress, List<MdevType>> tables, Map<PciAddress, List<MdevType>> published,
                     Map<PciAddress, List<SupportedType>> bus, Map<String, String> files, int instances) {
        static HostState of(EngineHost host) {
            Map<PciAddress, List<SupportedType>> bus = new LinkedHashMap<>();
            for (ParentDevice g : host.gpus()) bus.put(g.address(), g.types());
            Map<PciAddress, List<MdevType>> published = new LinkedHashMap<>();
            sim(host).publishedTypes().forEach((a, t) -> {
                if (!t.isEmpty()) published.put(a, t);
            });
            return new HostState(SimHosts.tables(host), published, bus, definitionFiles(host), host.instances().size());
        }
    }

    /**
     * mdevctl's udev rule starts a parent's auto instances when the parent registers, which is in the middle of an
     * apply: when a later GPU then fails, the undo must not take the new types from under those instances.
     */
    @Test
    void anInstanceAutoStartedOnANewlyRegisteredGpuKeepsItsTypesWhenALaterGpuFails() {
        Faults faults = new Faults();
        try (EngineHost host = open(InventoryLoader.builtIn("default"), faults)) {
            UUID auto = UUID.fromString("1b4e28ba-2fa1-41d2-883f-0016d3cca427");
            sim(host).onParentRegistered(gpu -> {
                if (gpu.equals(A100_1)) sim(host).mdev(OpenDeviceRegistry.NONE).create(A100_1.toString(), "nvidia-532", auto);
            });
            Plan plan = host.plan(sample("open-vampere"));
            faults.fail(Faults.Seam.NVIDIA, "CONTROL VGPU_CONFIG_SET_INFO", 5, 1, Faults.Failure.status(NvStatus.NV_ERR_NO_MEMORY));
            HostStateException e = assertThrows(HostStateException.class, plan::apply); // the 5th: 65:00.0's first type
            assertTrue(e.getMessage().contains("could not restore: GPU 0000:17:00.0 (its earlier types none: instance(s) of "
                    + "its new types were created meanwhile, e.g. by mdevctl's auto-start: " + auto + " nvidia-532; it keeps "
                    + "the new types)"), e.getMessage());
            assertTrue(e.getMessage().contains("NV_ERR_NO_MEMORY"), "the cause stays first: " + e.getMessage());
            assertEquals(List.of("nvidia-529", "nvidia-530", "nvidia-531", "nvidia-532"),
                    tables(host).get(A100_1).stream().map(MdevType::sysfsName).toList(), "17:00.0 keeps the instance's type");
            assertEquals(List.of(), tables(host).getOrDefault(A100_2, List.of()), "65:00.0 is back to what it had: nothing");
            assertEquals(List.of(auto), host.instances().stream().map(i -> i.uuid()).toList());
            assertTrue(sim(host).leaks().isClean(), () -> sim(host).leaks().toString());
        }
    }

    /**
     * The undo reads the restored table back: a restore the driver answered with success but did not make (here a
     * warning status and no change) is named, with what was expected and what the driver holds.
     */
    @Test
    void anUndoTheDriverDidNotMakeIsReportedWithExpectedAndFound() {
        Faults faults = new Faults();
        try (EngineHost host = prepared("open-vgeneric", faults)) {
            List<MdevType> earlier = tables(host).get(A100_1);
            Plan plan = host.plan(sample("open-vampere"));
            faults.fail(Faults.Seam.NVIDIA, "CONTROL VGPU_CONFIG_SET_INFO", 5, 1, Faults.Failure.status(NvStatus.NV_ERR_NO_MEMORY));
            // the 6th: the undo's first SET_INFO on 17:00.0 (discard, and its first earlier type)
            faults.fail(Faults.Seam.NVIDIA, "CONTROL VGPU_CONFIG_SET_INFO", 6, 1, Faults.Failure.status(NvStatus.NV_WARN_NOTHING_TO_DO));
            HostStateException e = assertThrows(HostStateException.class, plan::apply);
            assertTrue(e.hostChanged(), "the host was changed and not restored");
            List<MdevType> found = tables(host).get(A100_1);
            assertNotEquals(earlier, found, "the restore did not happen");
            String names = String.join(", ", earlier.stream().map(MdevType::sysfsName).toList());
            String held = String.join(", ", found.stream().map(MdevType::sysfsName).toList());
            assertTrue(e.getMessage().contains("could not restore: GPU 0000:17:00.0") && e.getMessage().contains(
                    "expected " + names + ", found " + held), e.getMessage());
        }
    }

    /** A host after {@code before}: "none", a profile applied, or one with "+instance" (an instance on 65:00.0). */
    EngineHost prepared(String before, Faults faults) {
        EngineHost host = open(InventoryLoader.builtIn("default"), faults);
        String profile = before.replace("+instance", "");
        if (!profile.equals("none")) host.plan(sample(profile)).apply();
        if (before.endsWith("+instance")) host.gpu(A100_2.toString()).create("nvidia-532");
        return host;
    }

    @ParameterizedTest(name = "{0} then {1}")
    // the third: applied again while a guest's instance runs, so nothing may be sent to the A100s
    @CsvSource({"none, open-vampere", "open-vampere, open-vturing", "open-vampere+instance, open-vampere"})
    void everyPortCallOfAnApplyFailsCleanly(String before, String profile) {
        // count the calls of a clean apply, and what it leaves
        List<Faults.Call> calls;
        HostState applied;
        Faults counting = new Faults();
        try (EngineHost host = prepared(before, counting)) {
            Plan plan = host.plan(sample(profile));
            long from = counting.calls();
            plan.apply();
            calls = counting.log().stream().filter(c -> c.number() > from).toList();
            applied = HostState.of(host);
        }
        assertTrue(calls.size() > 20, "calls of an apply: " + calls.size());

        int injected = 0;
        List<String> tolerated = new ArrayList<>();
        int expected = 0;
        for (int k = 0; k < calls.size(); k++) {
            Faults.Call call = calls.get(k);
            for (Faults.Failure f : RealFailures.of(call)) {
                expected++;
                Faults faults = new Faults();
                try (EngineHost host = prepared(before, faults)) {
                    Plan plan = host.plan(sample(profile));
                    HostState start = HostState.of(host);
                    faults.failAt(faults.calls() + k + 1, f);
                    String what = call + " failing with " + f;
                    try {
                        plan.apply();
                        // faults absorbed by design: the version file, which 535 and later do not need, a status
                        // that asks for the call again (the RM client retries it), a close's EINTR (the fd is closed)
                        assertTrue(call.text().startsWith("READ") || RealFailures.asksForARetry(f)
                                || RealFailures.closedAnyway(call, f), "apply went through despite " + what);
                        assertEquals(applied.tables(), tables(host), what);
                        tolerated.add(what);
                    } catch (MdevException e) {
                        assertFalse(e instanceof HostStateException h && h.getMessage().contains("could not restore"),
                                () -> what + ": the undo was incomplete: " + e.getMessage());
                        assertTrue(e.getMessage().startsWith("apply ("), () -> what + ": the error does not name the step: " + e.getMessage());
                        assertEquals(start, HostState.of(host), () -> what + " -> " + e.getMessage());
                    }
                    assertTrue(sim(host).leaks().isClean(), what + ": " + sim(host).leaks());
                    assertEquals(1, faults.injected().size(), what);
                    injected++;
                }
            }
        }
        assertEquals(expected, injected);
        System.out.println("apply fault sweep (" + before + " then " + profile + "): " + calls.size() + " port calls, "
                + injected + " faults injected, absorbed: " + tolerated);
        assertTrue(tolerated.stream().allMatch(t -> t.contains("READ") || t.contains("BUSY_RETRY") || t.endsWith("EINTR")),
                tolerated::toString);
    }
}
