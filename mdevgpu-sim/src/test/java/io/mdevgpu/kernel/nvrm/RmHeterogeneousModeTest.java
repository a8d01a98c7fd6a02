package io.mdevgpu.kernel.nvrm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.mdevgpu.DriverException;
import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.NotVgpuHostException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.PciId;
import io.mdevgpu.kernel.abi.nvrm.NvControl;
import io.mdevgpu.kernel.abi.nvrm.NvStatus;
import io.mdevgpu.kernel.abi.nvrm.NvrmAbi;
import io.mdevgpu.kernel.abi.nvrm.VirtualizationMode;
import io.mdevgpu.sim.SimNvidiaDriver;
import io.mdevgpu.sim.SimNvidiaGpu;

/**
 * {@link RmGpu#heterogeneousMode()} and {@link RmGpu#setHeterogeneousMode} against the simulated driver, which reads
 * the params at the layout table's offsets: per release, what is sent, what is refused before sending, and the typed
 * answers. (The SR-IOV GPU whose mode really changes is in {@code core.host.HeterogeneousModeTest}.)
 */
class RmHeterogeneousModeTest {
    private static final PciAddress H100 = PciAddress.parse("0000:17:00.0");
    private static final int GPU = 0x1700;
    private static final String GET = "CONTROL GPU_GET_VGPU_HETEROGENEOUS_MODE";
    private static final String SET = "CONTROL GPU_SET_VGPU_HETEROGENEOUS_MODE";

    static Stream<String> withControl() {
        return Stream.of("550.54.14", "555.42.02", "560.28.03", "565.57.01", "570.86.15", "575.51.02", "580.65.06",
                "590.48.01", "595.45.04");
    }

    static Stream<String> withoutControl() {
        return Stream.of("510.47.03", "515.43.04", "525.53", "530.30.02", "535.43.02", "545.23.06");
    }

    private static SimNvidiaDriver driver(String version, VirtualizationMode mode) {
        return new SimNvidiaDriver(version).gpu(new SimNvidiaGpu(GPU, H100, PciId.of(0x10DE, 0x2330, 0x10DE, 0x16C0), 0xA1, 0, 0,
                mode.code()));
    }

    private static RmClient open(SimNvidiaDriver driver) {
        return RmClient.newBuilder(driver).open();
    }

    @ParameterizedTest
    @MethodSource("withControl")
    void everyReleaseFrom550ReadsTheModeWithOneControlOnTheDevice(String version) {
        SimNvidiaDriver driver = driver(version, VirtualizationMode.NMOS);
        try (RmClient rm = open(driver); RmGpu gpu = rm.openGpu(GPU)) {
            assertFalse(gpu.heterogeneousMode(), "off on a GPU that is no SR-IOV vGPU host, as device_ctrl.c answers");
            assertEquals(1, driver.calls(GET).size(), driver.log().toString());
            assertEquals(1, driver.received(NvControl.NV0080_CTRL_CMD_GPU_GET_VGPU_HETEROGENEOUS_MODE));
        }
    }

    @ParameterizedTest
    @MethodSource("withoutControl")
    void releasesBefore550AreEopnotsuppNamingTheReleaseAndTheFixBeforeAnythingIsSent(String version) {
        SimNvidiaDriver driver = driver(version, VirtualizationMode.HOST);
        try (RmClient rm = open(driver); RmGpu gpu = rm.openGpu(GPU)) {
            int before = driver.controls().size();
            KernelException read = assertThrows(KernelException.class, gpu::heterogeneousMode);
            KernelException set = assertThrows(KernelException.class, () -> gpu.setHeterogeneousMode(true));
            for (KernelException e : new KernelException[] {read, set}) {
                assertEquals(Errno.EOPNOTSUPP, e.errno());
                assertTrue(e.getMessage().contains(version) && e.getMessage().contains("R550")
                        && e.getMessage().contains("0000:17:00.0"), e.getMessage());
            }
            assertEquals(before, driver.controls().size(), "nothing was sent");
        }
    }

    @Test
    void settingItOnAGpuThatIsNoVgpuHostSendsNoSet() {
        SimNvidiaDriver driver = driver("580.65.06", VirtualizationMode.NMOS);
        try (RmClient rm = open(driver); RmGpu gpu = rm.openGpu(GPU)) {
            NotVgpuHostException e = assertThrows(NotVgpuHostException.class, () -> gpu.setHeterogeneousMode(true));
            assertEquals("NMOS (pass-through guest)", e.virtualizationMode());
            assertTrue(driver.calls(SET).isEmpty());
        }
    }

    @Test
    void aVgpuHostWithoutSriovGpusAnswersNotSupportedWithItsCauses() {
        SimNvidiaDriver driver = driver("580.65.06", VirtualizationMode.HOST);
        try (RmClient rm = open(driver); RmGpu gpu = rm.openGpu(GPU)) {
            DriverException e = assertThrows(DriverException.class, () -> gpu.setHeterogeneousMode(true));
            assertEquals(NvStatus.NV_ERR_NOT_SUPPORTED, e.status());
            assertTrue(e.getMessage().contains("NV_ESC_RM_CONTROL GPU_SET_VGPU_HETEROGENEOUS_MODE")
                    && e.getMessage().contains("0000:17:00.0") && e.getMessage().contains("NV_ERR_NOT_SUPPORTED")
                    && e.getMessage().contains("pass-through"), e.getMessage());
            assertEquals(1, driver.calls(SET).size());
        }
    }

    /** The driver reads {@code gpuInstanceId} at the table's offset 4 (575 on): a stray instance is refused. */
    @Test
    void theDriverReadsTheGpuInstanceWhereTheTablePutsIt() {
        SimNvidiaDriver driver = driver("580.65.06", VirtualizationMode.NMOS);
        try (RmClient rm = open(driver); RmGpu gpu = rm.openGpu(GPU); Arena arena = Arena.ofConfined()) {
            NvrmAbi abi = rm.abi();
            MemorySegment p = arena.allocate(abi.struct(NvrmAbi.GET_HETEROGENEOUS_MODE));
            abi.encodeHeterogeneousMode(p, false);
            int cmd = NvControl.NV0080_CTRL_CMD_GPU_GET_VGPU_HETEROGENEOUS_MODE;
            assertEquals(NvStatus.NV_OK, rm.tryControl(gpu.deviceHandle(), cmd, p, "test"));
            p.set(ValueLayout.JAVA_INT, 4, 7);
            assertEquals(NvStatus.NV_ERR_INVALID_ARGUMENT, rm.tryControl(gpu.deviceHandle(), cmd, p, "test"));
            // the subdevice is not the object that takes it
            abi.encodeHeterogeneousMode(p, false);
            assertEquals(NvStatus.NV_ERR_NOT_SUPPORTED, rm.tryControl(gpu.subdeviceHandle(), cmd, p, "test"));
        }
    }

    /** 570's params are one byte: the 8 bytes of 575 on are refused by the driver's size check. */
    @Test
    void eachReleaseTakesItsOwnParamsSize() {
        SimNvidiaDriver driver = driver("570.86.15", VirtualizationMode.NMOS);
        try (RmClient rm = open(driver); RmGpu gpu = rm.openGpu(GPU); Arena arena = Arena.ofConfined()) {
            assertEquals(1, rm.abi().sizeof(NvrmAbi.GET_HETEROGENEOUS_MODE));
            int status = rm.tryControl(gpu.deviceHandle(), NvControl.NV0080_CTRL_CMD_GPU_GET_VGPU_HETEROGENEOUS_MODE,
                    arena.allocate(8, 4), "test");
            assertTrue(status == NvStatus.NV_ERR_INVALID_ARGUMENT || status == NvStatus.NV_ERR_INVALID_PARAM_STRUCT,
                    NvStatus.describe(status));
            assertFalse(gpu.heterogeneousMode());
        }
    }
}
