package io.mdevgpu.core.host;

import io.mdevgpu.MdevType;
import io.mdevgpu.MdevTypeBuilder;
import io.mdevgpu.Plan;
import io.mdevgpu.PlanException;
import io.mdevgpu.Size;
import io.mdevgpu.SupportedType;
import io.mdevgpu.core.config.ConfigLoader;
import io.mdevgpu.core.inventory.HostInventory;
import io.mdevgpu.kernel.abi.nvrm.NvrmRelease;
import io.mdevgpu.sim.Faults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static io.mdevgpu.core.host.SimHosts.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The same apply against every driver release family the library knows, each simulated driver decoding the bytes in
 * its own layouts (a layout mistake shows up as a type the driver holds differently, or refuses).
 */
class ReleaseFamiliesTest {

    @ParameterizedTest
    @ValueSource(strings = {"510.47.03", "525.53", "530.30.02", "535.43.02", "545.23.06", "550.54.14", "555.42.02",
            "560.28.03", "565.57.01", "570.86.15", "575.51.02", "580.65.06", "590.48.01", "595.45.04"})
    void theGenericProfileAppliesOnEveryReleaseFamily(String version) {
        List<MdevType> types = ConfigLoader.load(sample("open-vgeneric")).gpus().getFirst().types();
        Faults faults = new Faults();
        try (EngineHost host = open(twoGpus(version), faults)) {
            assertEquals(version, host.driver().orElseThrow().version());
            assertEquals("r" + NvrmRelease.parse(version).abi().majors().getFirst(), host.driver().orElseThrow().layoutFamily());
            Plan plan = host.plan(sample("open-vgeneric"));
            assertTrue(plan.fits(), plan::toString);
            plan.apply();
            for (var gpu : List.of(A100_2, T4)) {
                List<MdevType> held = sim(host).typeTables().get(gpu);
                assertEquals(types.size(), held.size());
                for (int i = 0; i < types.size(); i++) {
                    MdevType want = types.get(i), got = held.get(i);
                    assertEquals(want.number(), got.number());
                    assertEquals(want.name(), got.name());
                    assertEquals(want.gpuClass(), got.gpuClass());
                    assertEquals(want.maxInstances(), got.maxInstances());
                    assertEquals(want.framebuffer(), got.framebuffer());
                    assertEquals(want.reserved(), got.reserved());
                    assertEquals(want.display(), got.display());
                    assertEquals(want.ecc(), got.ecc());
                }
                assertEquals(List.of("nvidia-1", "nvidia-2", "nvidia-3"),
                        host.gpu(gpu.toString()).types().stream().map(SupportedType::id).toList());
            }
            // the driver got each type in this release's own struct: the control the client sent has its size
            assertTrue(faults.log(Faults.Seam.NVIDIA).stream().anyMatch(c -> c.startsWith("CONTROL VGPU_CONFIG_SET_INFO")),
                    faults.log(Faults.Seam.NVIDIA)::toString);
            assertTrue(sim(host).leaks().isClean(), () -> sim(host).leaks().toString());
        }
    }

    @Test
    void release515HasNoVgpuTypeLayoutSoThePlanSaysSoAndApplyChangesNothing() {
        Faults faults = new Faults();
        // an inventory file on 515 is refused as bad input (InventoryStrictnessTest); a host made in code still meets
        // a driver of that release, as a real host can
        HostInventory two = twoGpus("550.54.14");
        HostInventory on515 = new HostInventory(two.name(), two.description(), NvrmRelease.parse("515.43.04"), two.gpus(),
                two.source());
        try (EngineHost host = open(on515, faults)) {
            Plan plan = host.plan(sample("open-vgeneric"));
            assertFalse(plan.fits());
            assertTrue(plan.problems().getFirst().contains("no vGPU type layout"), plan.problems()::toString);
            long calls = faults.calls();
            PlanException e = assertThrows(PlanException.class, plan::apply);
            assertTrue(e.getMessage().contains("515.43.04"), e.getMessage());
            assertEquals(calls, faults.calls(), "nothing was sent");
        }
    }

    @Test
    void namesOf64BytesNeedTheDriversFrom580() {
        MdevType longName = MdevTypeBuilder.number(700).name("An exceedingly descriptive vGPU name, 40B")
                .maxInstances(4).framebuffer(Size.mib(3840)).reserved(Size.mib(256)).build();
        try (EngineHost old = open(twoGpus("570.86.15"), new Faults()); EngineHost recent = open(twoGpus("580.65.06"), new Faults())) {
            Plan refused = old.gpu("0000:65:00.0").plan(longName);
            assertFalse(refused.fits());
            assertTrue(String.join(" ", refused.problems()).contains("32"), refused::toString);
            Plan fine = recent.gpu("0000:65:00.0").plan(longName);
            assertTrue(fine.fits(), fine::toString);
            fine.apply();
            assertEquals(longName.name(), sim(recent).typeTables().get(A100_2).getFirst().name());
            assertEquals(longName.name(), recent.gpu("65:00.0").types().getFirst().name());
        }
    }

    @Test
    void on510TheEarlierTypesAreTakenFromTheBusSinceTheDriverCannotReadThemBack() {
        try (EngineHost host = open(twoGpus("510.47.03"), new Faults())) {
            host.plan(sample("open-vgeneric")).apply();
            host.plan(sample("open-vturing")).apply();
            assertEquals(0x1e30, sim(host).typeTables().get(A100_2).getFirst().guestPciId().orElseThrow().device());
        }
    }
}
