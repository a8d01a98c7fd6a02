package io.mdevgpu.core.host;

import io.mdevgpu.ApplyResult;
import io.mdevgpu.MdevHost;
import io.mdevgpu.MdevType;
import io.mdevgpu.ParentDevice;
import io.mdevgpu.PciAddress;
import io.mdevgpu.Plan;
import io.mdevgpu.SupportedType;
import io.mdevgpu.core.config.ConfigLoader;
import io.mdevgpu.kernel.mdev.NvidiaTypeDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Optional;

import static io.mdevgpu.core.host.SimHosts.*;
import static org.junit.jupiter.api.Assertions.*;

/** The four sample profiles, applied to the default simulated host, as issue 8's "done when" asks. */
class SampleProfilesApplyTest {

    @ParameterizedTest
    @ValueSource(strings = {"open-vgeneric", "open-vpascal", "open-vturing", "open-vampere"})
    void eachSampleProfileAppliesCleanlyAndTheBusShowsItsTypes(String profile) {
        List<MdevType> types = ConfigLoader.load(sample(profile)).gpus().getFirst().types();
        List<PciAddress> targets = profile.equals("open-vampere") ? List.of(A100_1, A100_2) : List.of(A100_1, A100_2, T4);
        try (EngineHost host = open("default")) {
            Plan plan = host.plan(sample(profile));
            assertTrue(plan.fits(), plan::toString);
            ApplyResult result = plan.apply();
            assertEquals(targets, result.applied().stream().map(Plan.GpuPlan::address).toList());
            assertEquals(targets.size() * types.size(), result.publishedTypes().size());
            for (ParentDevice gpu : host.gpus()) {
                List<SupportedType> shown = gpu.types();
                if (!targets.contains(gpu.address())) {
                    assertEquals(List.of(), shown, gpu + " is left alone");
                    continue;
                }
                assertEquals(types.stream().map(t -> "nvidia-" + t.number()).toList(), shown.stream().map(SupportedType::id).toList());
                for (int i = 0; i < types.size(); i++) {
                    MdevType t = types.get(i);
                    SupportedType s = shown.get(i);
                    assertEquals(t.name(), s.name());
                    assertEquals("vfio-pci", s.deviceApi());
                    assertEquals(t.maxInstances(), s.availableInstances(), s::toString);
                    NvidiaTypeDescription d = NvidiaTypeDescription.parse(s.description()).orElseThrow(() -> new AssertionError(s));
                    assertEquals(t.display().heads(), d.numHeads());
                    assertEquals(t.display().frameRateLimit(), d.frlConfig());
                    assertEquals(t.framebuffer(), d.framebuffer());
                    assertEquals(t.display().maxResolutionX(), d.maxResolutionX());
                    assertEquals(t.display().maxResolutionY(), d.maxResolutionY());
                    assertEquals(t.maxInstances(), d.maxInstance());
                }
                // the driver holds exactly the profile's types, decoded from the bytes it was sent
                assertEquals(types.stream().map(MdevType::number).toList(),
                        sim(host).typeTables().get(gpu.address()).stream().map(MdevType::number).toList());
            }
            assertTrue(sim(host).leaks().isClean(), () -> sim(host).leaks().toString());
        }
    }

    @Test
    void theAmpereTypesAreDescribedAsNvidiaWritesThemAndTheT4IsLeftAloneWithANote() {
        try (MdevHost host = MdevHost.simulated()) {
            Plan plan = host.plan(sample("open-vampere"));
            assertEquals(1, plan.notes().size(), plan::toString);
            assertTrue(plan.notes().getFirst().contains("0000:b3:00.0 Tesla T4") && plan.notes().getFirst().contains("40960 MiB"),
                    plan.notes().getFirst());
            plan.apply();
            Optional<SupportedType> quarter = host.gpu("65:00.0").types().stream().filter(t -> t.id().equals("nvidia-531")).findFirst();
            assertEquals(new SupportedType("nvidia-531", "Open vAmpere/4",
                    "num_heads=4, frl_config=120, framebuffer=9536M, max_resolution=1920x1080, max_instance=4", "vfio-pci", 4),
                    quarter.orElseThrow());
            assertEquals(List.of(), host.gpu("0000:b3:00.0").types());
        }
    }

    @Test
    void theGenericProfileFitsTheT4TooWithTheGpusOwnIdentity() {
        try (MdevHost host = MdevHost.simulated("default")) {
            Plan plan = host.plan(sample("open-vgeneric"));
            Plan.GpuPlan t4 = plan.gpus().stream().filter(g -> g.address().equals(T4)).findFirst().orElseThrow();
            assertEquals("10de:1eb8 [10de:12a2]", t4.types().getFirst().guestId().toString(), "no guest id: the T4's own");
            assertEquals(10, t4.types().getFirst().instancesThatFit());
            assertEquals("num_heads=4, frl_config=120, framebuffer=896M, max_resolution=3840x2160, max_instance=10",
                    plan.apply().publishedTypes().stream().filter(s -> s.id().equals("nvidia-1")).findFirst().orElseThrow().description());
        }
    }

    @Test
    void applyingAgainReplacesTheTypesAndSaysWhatChanges() {
        try (EngineHost host = open("default")) {
            host.plan(sample("open-vgeneric")).apply();
            Plan plan = host.plan(sample("open-vampere"));
            List<String> changes = plan.gpus().getFirst().changes();
            assertTrue(changes.contains("add nvidia-529 \"Open vAmpere\" (1 x 38336MiB)"), changes::toString);
            assertTrue(changes.contains("discard nvidia-1 \"GVM [Geforce /10]\""), changes::toString);
            plan.apply();
            assertEquals(List.of("nvidia-529", "nvidia-530", "nvidia-531", "nvidia-532"),
                    host.gpu("17:00.0").types().stream().map(SupportedType::id).toList());
            // the T4 keeps the generic types: the Ampere profile leaves it alone
            assertEquals(List.of("nvidia-1", "nvidia-2", "nvidia-3"), host.gpu("b3:00.0").types().stream().map(SupportedType::id).toList());
            Plan again = host.plan(sample("open-vampere"));
            assertTrue(again.gpus().getFirst().changes().stream().allMatch(c -> c.startsWith("keep ")), again::toString);
        }
    }
}
