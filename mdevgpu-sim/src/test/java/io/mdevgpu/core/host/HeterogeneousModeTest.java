package io.mdevgpu.core.host;

import io.mdevgpu.DriverException;
import io.mdevgpu.InvalidArgumentException;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.ParentDevice;
import io.mdevgpu.kernel.abi.nvrm.NvControl;
import io.mdevgpu.kernel.abi.nvrm.NvStatus;
import io.mdevgpu.kernel.nvrm.RmClient;
import io.mdevgpu.kernel.nvrm.RmGpu;
import io.mdevgpu.core.inventory.InventoryLoader;
import io.mdevgpu.sim.Faults;
import io.mdevgpu.sim.RmControl;
import io.mdevgpu.sim.SimNvidiaDriver;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static io.mdevgpu.core.host.SimHosts.*;
import static io.mdevgpu.core.host.SriovVgpuTest.H100;
import static io.mdevgpu.core.host.SriovVgpuTest.applied;
import static io.mdevgpu.core.host.SriovVgpuTest.sriov;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The heterogeneous vGPU mode on the built-in {@code sriov} host goes through the driver's RM controls
 * ({@code GPU_SET/GET_VGPU_HETEROGENEOUS_MODE} on the device object), as {@code nvidia-smi vgpu -shm} sets it, and the
 * simulated driver's answer decides what the VFs offer: two sizes on one GPU only with the mode on.
 */
class HeterogeneousModeTest {

    private static SimNvidiaDriver driver(EngineHost host) {
        return sim(host).nvidia();
    }

    @Test
    void enablingVfsThenSettingTheModeThroughRmLetsOneGpuHoldTwoSizes() {
        try (EngineHost host = applied()) {
            ParentDevice gpu = host.gpu("17:00.0");
            assertTrue(sriov(gpu).enabled() > 0, "apply enabled the VFs");
            assertEquals(Optional.of(false), sriov(gpu).heterogeneous(), "read through GET_VGPU_HETEROGENEOUS_MODE");
            int sets = driver(host).received(NvControl.NV0080_CTRL_CMD_GPU_SET_VGPU_HETEROGENEOUS_MODE);

            gpu.heterogeneousMode(true);
            assertEquals(sets + 1, driver(host).received(NvControl.NV0080_CTRL_CMD_GPU_SET_VGPU_HETEROGENEOUS_MODE),
                    "the mode is set with the driver's RM control");
            assertEquals(Optional.of(true), sim(host).heterogeneousMode(H100), "the driver holds it");
            assertEquals(Optional.of(true), sriov(gpu).heterogeneous());
            gpu.heterogeneousMode(true); // as it is: nothing sent
            assertEquals(sets + 1, driver(host).received(NvControl.NV0080_CTRL_CMD_GPU_SET_VGPU_HETEROGENEOUS_MODE));

            MdevInstance small = gpu.create("532");
            MdevInstance large = gpu.create("529");
            assertNotEquals(small.typeId(), large.typeId(), "two sizes on one GPU");
            assertEquals(small.parent(), large.parent());
            small.remove();
            large.remove();
            assertTrue(sim(host).leaks().isClean(), sim(host).leaks().toString());
        }
    }

    /** {@code [gpu.sriov] heterogeneous = true}: apply enables the VFs, then sets the mode through RM, as planned. */
    @Test
    void applyFromTheConfigurationSetsTheModeAfterEnablingTheVfs(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        String sample = Files.readString(sample("open-vampere"));
        Path config = dir.resolve("hetero.toml");
        Files.writeString(config, sample.replaceFirst("(?m)^\\[\\[gpu]]$",
                "[[gpu]]\n[gpu.sriov]\nvirtual_functions = 4\nheterogeneous = true\n"));
        try (EngineHost host = open("sriov")) {
            var plan = host.plan(config);
            assertTrue(plan.toString().contains("set heterogeneous vGPU mode on"), plan.toString());
            plan.apply();
            ParentDevice gpu = host.gpu("17:00.0");
            assertEquals(4, sriov(gpu).enabled());
            assertEquals(Optional.of(true), sim(host).heterogeneousMode(H100));
            assertEquals(2, driver(host).received(NvControl.NV0080_CTRL_CMD_GPU_SET_VGPU_HETEROGENEOUS_MODE),
                    "one SET per GPU");
            MdevInstance small = gpu.create("532");
            MdevInstance large = gpu.create("529");
            small.remove();
            large.remove();
        }
    }

    @Test
    void withoutTheModeASecondSizeIsRefused() {
        try (EngineHost host = applied()) {
            ParentDevice gpu = host.gpu("17:00.0");
            MdevInstance first = gpu.create("532");
            assertThrows(InvalidArgumentException.class, () -> gpu.create("529"));
            first.remove();
        }
    }

    @Test
    void theDriverRefusesTheModeWhileAVgpuExistsAndChangesNothing() {
        try (EngineHost host = applied()) {
            ParentDevice gpu = host.gpu("17:00.0");
            MdevInstance vgpu = gpu.create("532");
            // past the engine's own check: the driver's answer, as nvidia-smi would get it
            try (RmClient rm = host.openRmClient(); RmGpu g = rm.openGpu(H100)) {
                DriverException e = assertThrows(DriverException.class, () -> g.setHeterogeneousMode(true));
                assertEquals(NvStatus.NV_ERR_IN_USE, e.status());
                assertTrue(e.getMessage().contains("GPU_SET_VGPU_HETEROGENEOUS_MODE") && e.getMessage().contains("0000:17:00.0")
                        && e.getMessage().contains("remove its vGPUs first"), e.getMessage());
                assertFalse(g.heterogeneousMode());
            }
            assertEquals(Optional.of(false), sim(host).heterogeneousMode(H100));
            vgpu.remove();
        }
    }

    /** The driver's refusal of the SET (a GPU without heterogeneous sizes) is typed, names the causes, changes nothing. */
    @Test
    void aRefusedSetIsTheDriversStatusWithItsCausesAndChangesNothing() {
        Faults faults = new Faults();
        try (EngineHost host = open(InventoryLoader.builtIn("sriov"), faults)) {
            host.plan(sample("open-vampere")).apply();
            ParentDevice gpu = host.gpu("17:00.0");
            faults.failNext(RmControl.GPU_SET_VGPU_HETEROGENEOUS_MODE, Faults.Failure.status(NvStatus.NV_ERR_NOT_SUPPORTED));
            DriverException e = assertThrows(DriverException.class, () -> gpu.heterogeneousMode(true));
            assertEquals(NvStatus.NV_ERR_NOT_SUPPORTED, e.status());
            assertTrue(e.getMessage().contains("GPU_SET_VGPU_HETEROGENEOUS_MODE") && e.getMessage().contains("0000:17:00.0")
                    && e.getMessage().contains("heterogeneous time-sliced"), e.getMessage());
            assertEquals(Optional.of(false), sim(host).heterogeneousMode(H100));
            assertEquals(1, faults.injected().size());
        }
    }

    @Test
    void enablingTheVfsAgainResetsTheModeTheDriverReports() {
        try (EngineHost host = applied()) {
            ParentDevice gpu = host.gpu("17:00.0");
            gpu.heterogeneousMode(true);
            gpu.enableVirtualFunctions(4);
            try (RmClient rm = host.openRmClient(); RmGpu g = rm.openGpu(H100)) {
                assertFalse(g.heterogeneousMode());
            }
        }
    }
}
