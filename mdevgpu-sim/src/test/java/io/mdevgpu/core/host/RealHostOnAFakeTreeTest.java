package io.mdevgpu.core.host;

import io.mdevgpu.HostSpec;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.ParentDevice;
import io.mdevgpu.PermissionDeniedException;
import io.mdevgpu.Plan;
import io.mdevgpu.SupportedType;
import io.mdevgpu.kernel.KernelPorts;
import io.mdevgpu.kernel.testing.FakeHost;
import io.mdevgpu.kernel.testing.H100Fixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The real host's code path (KernelPorts.linux over configurable roots) reading a fake tree: nothing simulated. */
class RealHostOnAFakeTreeTest {
    @TempDir
    Path root;

    @Test
    void readsGpusTypesAndInstancesFromSysfsAndThePlanSaysThereIsNoDriver() throws Exception {
        FakeHost.create(root);
        Path info = root.resolve("proc/driver/nvidia/gpus/0000:00:06.0/information");
        Files.createDirectories(info.getParent());
        Files.copy(H100Fixture.shared().resolve("fixtures/h100-sxm5-80g/nvidia-information.txt"), info);
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

    /** Hosts of one root share a Vfio while one is open; closing the last lets it go (a daemon does not accumulate). */
    @Test
    void theVfioSharedByHostsOfOneRootLivesAsLongAsTheyDo() throws Exception {
        FakeHost.create(root);
        HostSpec spec = HostSpec.realAt(root);
        int before = EngineHost.sharedVfioRoots();
        EngineHost first = EngineHost.over(spec, KernelPorts.linux(spec), Optional.empty());
        try (EngineHost second = EngineHost.over(spec, KernelPorts.linux(spec), Optional.empty())) {
            assertSame(first.vfio(), second.vfio(), "one registry of open devices per machine");
            assertEquals(before + 1, EngineHost.sharedVfioRoots());
            first.close();
            assertEquals(before + 1, EngineHost.sharedVfioRoots(), "the second host still uses it");
        }
        assertEquals(before, EngineHost.sharedVfioRoots(), "released with the last host of the root");
        for (int i = 0; i < 3; i++) EngineHost.over(spec, KernelPorts.linux(spec), Optional.empty()).close();
        assertEquals(before, EngineHost.sharedVfioRoots());
    }

    /** A version file this process may not read: the plan says permission and the fix, not "no driver loaded". */
    @Test
    void aVersionFileThatMayNotBeReadIsAPermissionProblemNotNoDriver() throws Exception {
        Path writeOnly = Path.of("/sys/bus/pci/rescan"); // refused even to root, as a 0600 file is to a user
        assumeTrue(Files.exists(writeOnly), "needs sysfs");
        FakeHost.create(root);
        Path version = root.resolve("proc/driver/nvidia/version");
        Files.createDirectories(version.getParent());
        Files.createSymbolicLink(version, writeOnly);
        HostSpec spec = HostSpec.realAt(root);
        try (EngineHost host = EngineHost.over(spec, KernelPorts.linux(spec), Optional.empty())) {
            Plan plan = host.plan(Path.of("..", "samples", "config", "open-vgeneric.toml"));
            assertFalse(plan.fits());
            String problem = plan.problems().getFirst();
            assertFalse(problem.contains("no NVIDIA driver"), problem);
            assertTrue(problem.contains(version + ": EACCES (Permission denied)") && problem.contains("run as root")
                    && problem.contains("/dev/nvidiactl"), problem);
            assertThrows(PermissionDeniedException.class, host::driver, "the API says why too");
        }
    }
}
