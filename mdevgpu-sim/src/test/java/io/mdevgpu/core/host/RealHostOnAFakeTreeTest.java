package io.mdevgpu.core.host;

import io.mdevgpu.HostSpec;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.ParentDevice;
import io.mdevgpu.Plan;
import io.mdevgpu.SupportedType;
import io.mdevgpu.kernel.KernelPorts;
import io.mdevgpu.kernel.testing.FakeHost;
import io.mdevgpu.kernel.testing.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/** The real host's code path (KernelPorts.linux over configurable roots) reading a fake tree: nothing simulated. */
class RealHostOnAFakeTreeTest {
    @TempDir
    Path root;

    @Test
    void readsGpusTypesAndInstancesFromSysfsAndThePlanSaysThereIsNoDriver() throws Exception {
        FakeHost.create(root);
        Path info = root.resolve("proc/driver/nvidia/gpus/0000:00:06.0/information");
        Files.createDirectories(info.getParent());
        Files.copy(Repository.path("fixtures/h100-sxm5-80g/nvidia-information.txt"), info);
        HostSpec spec = HostSpec.realAt(root);
        try (EngineHost host = EngineHost.over(spec, KernelPorts.linux(spec), Optional.empty())) {
            assertFalse(host.spec().isSimulated());
            assertEquals(Optional.empty(), host.driver(), "no /proc/driver/nvidia/version in the tree");
            List<ParentDevice> gpus = host.gpus();
            assertEquals(1, gpus.size(), "the NIC is no display device");
            ParentDevice h100 = gpus.getFirst();
            assertEquals("NVIDIA H100 80GB HBM3", h100.model(), "from the driver's information file");
            assertEquals(81559, h100.framebuffer().toMiB(), "from the catalogue");
            assertEquals(List.of("nvidia-529", "nvidia-530"), h100.types().stream().map(SupportedType::id).toList());
            assertEquals(11, h100.types().getFirst().availableInstances());
            assertEquals(List.of(FakeHost.INSTANCE), host.instances().stream().map(MdevInstance::uuid).toList());
            assertEquals(FakeHost.INSTANCE_GROUP, host.instances().getFirst().iommuGroup());

            Plan plan = host.plan(Path.of("..", "samples", "config", "open-vgeneric.toml"));
            assertFalse(plan.fits());
            assertTrue(plan.problems().getFirst().startsWith("no NVIDIA driver is loaded"), plan.problems()::toString);
            assertTrue(plan.problems().stream().anyMatch(p -> p.contains("1 mdev instance(s)")), plan::toString);
        }
    }
}
