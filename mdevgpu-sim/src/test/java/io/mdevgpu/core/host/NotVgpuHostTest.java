package io.mdevgpu.core.host;

import io.mdevgpu.MdevHost;
import io.mdevgpu.NotVgpuHostException;
import io.mdevgpu.Plan;
import io.mdevgpu.core.inventory.InventoryLoader;
import io.mdevgpu.sim.Faults;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.mdevgpu.core.host.SimHosts.*;
import static org.junit.jupiter.api.Assertions.*;

/** The real H100 runs a 580 driver in pass-through mode: no vGPU host, so applying is refused before anything is sent. */
class NotVgpuHostTest {

    @Test
    void theH100InPassThroughRefusesTypesAndTheDriverNeverSawARegistration() {
        Faults faults = new Faults();
        try (EngineHost host = open(InventoryLoader.builtIn("h100-580"), faults)) {
            assertEquals("580.159.04", host.driver().orElseThrow().version());
            assertEquals("NVIDIA H100 80GB HBM3", host.gpu("00:06.0").model());
            Plan plan = host.plan(sample("open-vgeneric"));
            assertTrue(plan.fits(), "the types themselves fit: " + plan);
            // the plan says so already: the operator learns it from `mdevgpu plan`, not only from a failed apply
            assertEquals(List.of("GPU 0000:00:06.0 (NVIDIA H100 80GB HBM3) is not a vGPU host: the driver reports virtualization "
                    + "mode NMOS (pass-through guest), so apply will be refused there before it changes anything; NVIDIA's "
                    + "vGPU host driver (mode HOST) takes vGPU types"), plan.notes());
            assertEquals(plan.notes(), host.gpu("00:06.0").plan(host.plan(sample("open-vgeneric")).gpus().getFirst().types()
                    .stream().map(t -> t.type()).toList()).notes(), "a GPU's own plan says the same");
            NotVgpuHostException e = assertThrows(NotVgpuHostException.class, plan::apply);
            assertTrue(e.virtualizationMode().startsWith("NMOS"), e.virtualizationMode());
            assertTrue(e.getMessage().contains("0000:00:06.0"), e.getMessage());
            assertTrue(e.getMessage().contains("nothing was changed"), e.getMessage());
            List<String> rm = faults.log(Faults.Seam.NVIDIA);
            assertTrue(rm.stream().anyMatch(c -> c.contains("GET_VIRTUALIZATION_MODE")), rm::toString);
            assertTrue(rm.stream().noneMatch(c -> c.contains("SET_INFO") || c.contains("MDEV_REGISTER") || c.contains("UPDATE_PGPU_INFO")
                    || c.contains("A081")), rm::toString);
            assertEquals(Map.of(), tables(host));
            assertEquals(List.of(), host.gpu("0000:00:06.0").types());
            assertTrue(sim(host).leaks().isClean(), () -> sim(host).leaks().toString());
        }
    }

    @Test
    void onAHostWithOneGpuInPassThroughNoGpuIsChanged() {
        Faults faults = new Faults();
        var mixed = InventoryLoader.parse("""
                schema = 1
                name = "mixed"
                description = "a vGPU host A100 and an A100 in pass-through"
                [driver]
                version = "550.54.14"
                [[gpu]]
                address = "0000:17:00.0"
                model = "a100-40g"
                [[gpu]]
                address = "0000:65:00.0"
                model = "a100-40g"
                virtualization_mode = "passthrough"
                """, null);
        try (EngineHost host = open(mixed, faults)) {
            Plan plan = host.plan(sample("open-vampere"));
            assertEquals(1, plan.notes().stream().filter(n -> n.contains("is not a vGPU host")).count(), plan.notes()::toString);
            assertTrue(plan.notes().stream().anyMatch(n -> n.startsWith("GPU 0000:65:00.0 ")), plan.notes()::toString);
            NotVgpuHostException e = assertThrows(NotVgpuHostException.class, plan::apply);
            assertTrue(e.getMessage().contains("0000:65:00.0"), e.getMessage());
            assertEquals(Map.of(), tables(host), "the vGPU host GPU was not touched either");
            assertTrue(faults.log(Faults.Seam.NVIDIA).stream().noneMatch(c -> c.contains("SET_INFO")));
        }
    }

    @Test
    void aSimulatedHostCanBeMaterialisedWhereOtherProgramsReadIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        java.nio.file.Path root = dir.resolve("sim");
        try (MdevHost host = MdevHost.open(io.mdevgpu.HostSpec.simulatedAt("h100-580", root))) {
            assertEquals(root.resolve("sys"), host.spec().sysfsRoot());
            assertEquals(1, host.gpus().size());
        }
        assertTrue(java.nio.file.Files.isDirectory(root.resolve("sys/bus/pci/devices/0000:00:06.0")), "kept after close");
        assertTrue(java.nio.file.Files.exists(root.resolve("proc/driver/nvidia/version")));
    }

    @Test
    void theServiceLoaderFindsTheEngineForEveryBuiltInHost() {
        for (String name : InventoryLoader.BUILT_IN) {
            try (MdevHost host = MdevHost.simulated(name)) {
                assertTrue(host.spec().isSimulated());
                assertEquals("simulated host (" + name + ")", host.spec().toString());
                assertEquals(InventoryLoader.builtIn(name).gpus().size(), host.gpus().size());
                assertTrue(host.driver().isPresent());
            }
        }
    }
}
