package io.mdevgpu.core.host;

import io.mdevgpu.Definitions;
import io.mdevgpu.Definitions.Request;
import io.mdevgpu.Definitions.StartResult;
import io.mdevgpu.InvalidArgumentException;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.NoSuchDeviceException;
import io.mdevgpu.ParentDevice;
import io.mdevgpu.VgpuBackend;
import io.mdevgpu.sim.Faults;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.mdevgpu.core.host.VfDefinitionsTest.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link Definitions#startAll()}, what boot runs ({@code mdevgpu start --all}), on the host of {@link VfDefinitionsTest}
 * (an SR-IOV H100 whose VFs are disabled, an mdev A100): VFs enabled, heterogeneous mode, order, failures, idempotence.
 */
class StartAllTest {
    @Test
    void startAllEnablesTheVfsSetsHeterogeneousModeStartsEveryAutoDefinitionAndGoesOnPastAFailure() throws Exception {
        try (EngineHost host = booted(new Faults())) {
            Definitions defs = host.definitions();
            defs.define(Request.newBuilder(H100, "531").uuid(A).autoStart(true).build());
            defs.define(Request.newBuilder(H100, "532").uuid(B).autoStart(true).virtualFunction(vf(6)).build());
            defs.define(Request.newBuilder(H100, "532").uuid(C).build()); // manual: not started
            defs.define(D, A100, "nvidia-531", true);
            defs.define(E, H100, "530", true);
            Path e = vfFile(host, E);
            Files.writeString(e, Files.readString(e).replace("Open vAmpere/2", "renamed"));
            UUID activeMdev = UUID.fromString("f0000000-0000-4000-8000-000000000006");
            defs.define(activeMdev, A100, "nvidia-531", true);
            defs.start(activeMdev);

            List<StartResult> results = defs.startAll();
            assertEquals(List.of(A, B, E, D, activeMdev), results.stream().map(StartResult::uuid).toList(), "list order, auto only");
            assertEquals(new StartResult(A, "sriov", H100, Optional.of(vf(4)), StartResult.State.STARTED, Optional.empty()), results.get(0));
            assertEquals(new StartResult(B, "sriov", H100, Optional.of(vf(6)), StartResult.State.STARTED, Optional.empty()), results.get(1));
            assertEquals(StartResult.State.FAILED, results.get(2).state());
            assertTrue(results.get(2).error().orElseThrow().getMessage().contains("\"renamed\""), results.get(2).toString());
            assertEquals(new StartResult(D, "mdev", A100, Optional.empty(), StartResult.State.STARTED, Optional.empty()), results.get(3));
            assertEquals(StartResult.State.ACTIVE, results.get(4).state());

            VgpuBackend.SriovVfio vfs = assertInstanceOf(VgpuBackend.SriovVfio.class, host.gpu(H100.toString()).backend());
            assertEquals(8, vfs.enabled(), "every VF enabled");
            assertEquals(Optional.of(true), vfs.heterogeneous(), "531 beside 532 needs it");
            assertEquals("531", currentType(host, vf(4)));
            assertEquals("532", currentType(host, vf(6)));

            Map<String, String> before = SriovFaultSweepTest.state(host);
            Map<String, String> files = definitionFiles(host);
            List<StartResult> again = defs.startAll();
            assertEquals(List.of(StartResult.State.ACTIVE, StartResult.State.ACTIVE, StartResult.State.FAILED,
                    StartResult.State.ACTIVE, StartResult.State.ACTIVE), again.stream().map(StartResult::state).toList());
            assertEquals(Optional.of(vf(4)), again.getFirst().virtualFunction());
            assertEquals(before, SriovFaultSweepTest.state(host), "a second run changes nothing");
            assertEquals(files, definitionFiles(host));
        }
    }

    @Test
    void startAllFailsTheDefinitionsOfAGpuThatIsGoneOrNoSriovHostAndChangesNothingThere() throws Exception {
        try (EngineHost host = booted(new Faults())) {
            host.definitions().define(A, H100, "532", true);
            String text = Files.readString(vfFile(host, A));
            // by hand: the same definition under a GPU that is not there, and under the mdev A100
            for (String gpu : List.of("0000:99:00.0", A100.toString())) {
                UUID u = gpu.equals(A100.toString()) ? C : B;
                Path file = host.kernel().vfDefinitionsRoot().resolve(gpu).resolve(u + ".json");
                Files.createDirectories(file.getParent());
                Files.writeString(file, text.replace(A.toString(), u.toString()).replace(H100.toString(), gpu));
            }
            Map<String, String> a100 = SimHosts.tables(host).get(A100).stream().collect(
                    java.util.stream.Collectors.toMap(t -> t.sysfsName(), t -> t.name()));
            List<StartResult> results = host.definitions().startAll();
            assertEquals(List.of(A, C, B), results.stream().map(StartResult::uuid).toList(), results.toString());
            assertEquals(StartResult.State.STARTED, results.get(0).state(), results.toString());
            NoSuchDeviceException noSriov = assertInstanceOf(NoSuchDeviceException.class, results.get(1).error().orElseThrow());
            assertTrue(noSriov.getMessage().contains("0000:65:00.0") && noSriov.getMessage().contains("mdev parent"),
                    noSriov.getMessage());
            NoSuchDeviceException gone = assertInstanceOf(NoSuchDeviceException.class, results.get(2).error().orElseThrow());
            assertTrue(gone.getMessage().contains("0000:99:00.0"), gone.getMessage());
            assertEquals(List.of(A), host.instances().stream().map(MdevInstance::uuid).toList());
            assertEquals(a100, SimHosts.tables(host).get(A100).stream().collect(
                    java.util.stream.Collectors.toMap(t -> t.sysfsName(), t -> t.name())), "the A100 as it was");
        }
    }

    @Test
    void withoutHeterogeneousModeTheSizeThatCannotFitFailsNamed() {
        try (EngineHost host = booted(new Faults())) {
            ParentDevice gpu = host.gpu(H100.toString());
            gpu.enableVirtualFunctions(8);
            MdevInstance other = gpu.create("532", UUID.randomUUID()); // holds a VF: the mode can no longer be set
            host.definitions().define(A, H100, "531", true);
            host.definitions().define(B, H100, "532", true);
            List<StartResult> results = host.definitions().startAll();
            assertEquals(StartResult.State.FAILED, results.get(0).state(), results.toString());
            InvalidArgumentException e = assertInstanceOf(InvalidArgumentException.class, results.get(0).error().orElseThrow());
            assertTrue(e.getMessage().contains("nvidia-531"), e.getMessage());
            assertEquals(StartResult.State.STARTED, results.get(1).state(), results.toString());
            assertEquals(Optional.of(false), host.kernel().nvidiaVf().heterogeneousMode(H100));
            other.remove();
        }
    }
}
