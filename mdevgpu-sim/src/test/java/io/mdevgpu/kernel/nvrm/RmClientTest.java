package io.mdevgpu.kernel.nvrm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.mdevgpu.Display;
import io.mdevgpu.DriverException;
import io.mdevgpu.DriverInfo;
import io.mdevgpu.DriverLimits;
import io.mdevgpu.Errno;
import io.mdevgpu.HostStateException;
import io.mdevgpu.InvalidArgumentException;
import io.mdevgpu.KernelException;
import io.mdevgpu.MdevType;
import io.mdevgpu.MdevTypeBuilder;
import io.mdevgpu.NoSuchDeviceException;
import io.mdevgpu.NotVgpuHostException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.PciId;
import io.mdevgpu.Size;
import io.mdevgpu.UnsupportedDriverException;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.abi.nvrm.NvStatus;
import io.mdevgpu.kernel.abi.nvrm.NvrmAbi;
import io.mdevgpu.kernel.abi.nvrm.VirtualizationMode;
import io.mdevgpu.sim.Faults.Failure;
import io.mdevgpu.sim.Faults.Seam;
import io.mdevgpu.sim.SimNvidiaDriver;
import io.mdevgpu.sim.SimNvidiaGpu;

class RmClientTest {
    private static final PciAddress A100 = PciAddress.parse("0000:65:00.0");
    private static final PciId A100_ID = PciId.of(0x10DE, 0x20B0, 0x10DE, 0x134F);
    private static final int GPU = 0x6500;
    private static final int HOST = VirtualizationMode.HOST.code();

    private final List<Duration> sleeps = new ArrayList<>();

    static Stream<String> vgpuReleases() {
        return Stream.of("510.47.03", "525.53", "530.30.02", "535.43.02", "545.23.06", "550.54.14", "555.42.02",
                "560.28.03", "565.57.01", "570.86.15", "575.51.02", "580.65.06", "590.48.01", "595.45.04");
    }

    private static SimNvidiaDriver driver(String version, int mode) {
        return new SimNvidiaDriver(version).gpu(new SimNvidiaGpu(GPU, A100, A100_ID, 0xA1, 3, 0, mode));
    }

    /** Makes {@code times} calls starting with {@code call} answer {@code status}. */
    private static SimNvidiaDriver fail(SimNvidiaDriver driver, String call, int status, int times) {
        driver.faults().fail(Seam.NVIDIA, call, 1, times, Failure.status(status));
        return driver;
    }

    /** Makes the next call starting with {@code call} fail with {@code errno}. */
    private static SimNvidiaDriver failErrno(SimNvidiaDriver driver, String call, Errno errno) {
        driver.faults().failNext(Seam.NVIDIA, call, Failure.errno(errno));
        return driver;
    }

    private RmClient open(SimNvidiaDriver driver) {
        return RmClient.newBuilder(driver).sleeper(sleeps::add).open();
    }

    private static MdevType type(int number, String name, int instances) {
        return MdevTypeBuilder.number(number).name(name).gpuClass("Compute").maxInstances(instances)
                .framebuffer(Size.mib(9536)).reserved(Size.mib(704)).bar1(Size.mib(1024))
                .guestPciId(PciId.of(0x10DE, 0x20B0, 0x10DE, 0x1470)).hostPciId(PciId.of(0x10DE, 0x20B0))
                .display(Display.heads(4).maxResolution(1920, 1080)).build();
    }

    private static final List<MdevType> TYPES = List.of(type(531, "Open vAmpere/4", 4), type(532, "Open vAmpere/8", 8));

    @ParameterizedTest
    @MethodSource("vgpuReleases")
    void registersTypesThatTheDriverDecodesInItsOwnLayout(String version) {
        SimNvidiaDriver driver = driver(version, HOST);
        try (RmClient rm = open(driver)) {
            assertEquals(version, rm.release().version());
            assertEquals(NvrmAbi.forRelease(driver.release()), rm.abi());
            try (RmGpu gpu = rm.openGpu(GPU)) {
                assertEquals(A100, gpu.address());
                assertEquals(A100_ID, gpu.pciId());
                assertEquals(0xA1, gpu.revision());
                assertEquals(3, gpu.minor());
                gpu.registerTypes(TYPES, true);
                assertEquals(TYPES, driver.typeTable(GPU));
                assertEquals(List.of(true, false), driver.discards());
                assertEquals(1, driver.publishCount(GPU));
                if (rm.abi().vgpuTypes().orElseThrow().typeInfoLayout().isPresent()) {
                    assertEquals(Optional.of(TYPES.getFirst()), gpu.readType(531));
                    assertEquals(Optional.empty(), gpu.readType(999));
                    assertEquals(List.of(531, 532), gpu.supportedTypes());
                } else {
                    assertThrows(UnsupportedDriverException.class, () -> gpu.readType(531));
                }
            }
            assertEquals(List.of(SimNvidiaDriver.FIRST_CLIENT), driver.liveHandles(), "only the client is left");
            assertTrue(driver.attachedGpuIds().isEmpty());
            assertEquals(List.of("/dev/nvidiactl"), driver.openPaths());
        }
        assertTrue(driver.liveHandles().isEmpty());
        assertTrue(driver.openPaths().isEmpty());
    }

    @Test
    void opensAGpuInThePredecessorsOrderWithItsOwnDeviceNode() {
        SimNvidiaDriver driver = driver("580.65.06", HOST);
        try (RmClient rm = open(driver); RmGpu gpu = rm.openGpu(GPU)) {
            assertEquals(3, gpu.minor());
            List<String> log = driver.log();
            int from = log.indexOf("CONTROL GPU_GET_PCI_INFO");
            assertEquals(List.of("CONTROL GPU_GET_PCI_INFO", "CONTROL GPU_ATTACH_IDS", "CARD_INFO", "OPEN /dev/nvidia3",
                    "CONTROL GPU_GET_ID_INFO", "ALLOC NV01_DEVICE_0 0x6d640001", "ALLOC NV20_SUBDEVICE_0 0x6d640002",
                    "CONTROL BUS_GET_PCI_INFO"), log.subList(from, log.size()));
            assertEquals(List.of("OPEN /dev/nvidiactl", "READ /proc/driver/nvidia/version", "VERSION 2", "ALLOC NV01_ROOT 0x0"),
                    log.subList(0, 4));
        }
        int end = driver.log().size();
        assertEquals(List.of("FREE 0x6d640002", "FREE 0x6d640001", "CLOSE /dev/nvidia3", "CONTROL GPU_DETACH_IDS",
                "FREE 0xc1d00001", "CLOSE /dev/nvidiactl"), driver.log().subList(end - 6, end));
    }

    @Test
    void theDeviceNodeComesFromCardInfoNotTheProbedOrder() {
        SimNvidiaDriver driver = new SimNvidiaDriver("570.86.15")
                .gpu(new SimNvidiaGpu(0x6500, A100, A100_ID, 0xA1, 5, 0, HOST))
                .gpu(new SimNvidiaGpu(0xCA00, PciAddress.parse("0000:ca:00.0"), A100_ID, 0xA1, 1, 1, HOST));
        try (RmClient rm = open(driver)) {
            assertEquals(List.of(0x6500, 0xCA00), rm.probedGpuIds());
            try (RmGpu second = rm.openGpu(PciAddress.parse("ca:00.0"))) {
                assertEquals(1, second.minor());
                assertEquals(1, second.deviceInstance());
                assertTrue(driver.log().contains("OPEN /dev/nvidia1"));
            }
            HostStateException e = assertThrows(HostStateException.class, () -> rm.openGpu(PciAddress.parse("0000:17:00.0")));
            assertTrue(e.getMessage().contains("0000:17:00.0"), e.getMessage());
        }
    }

    @Test
    void theHandshakeIsStrictBefore535AndAQueryFrom535() {
        SimNvidiaDriver old = driver("525.53", HOST);
        try (RmClient rm = open(old)) {
            assertEquals(List.of("VERSION strict"), old.calls("VERSION"));
            assertEquals(NvrmAbi.R525, rm.abi());
        }
        SimNvidiaDriver newer = driver("535.43.02", HOST);
        try (RmClient rm = open(newer)) {
            assertEquals(List.of("VERSION 2"), newer.calls("VERSION"));
            assertEquals(new DriverInfo("nvidia", "535.43.02", "r535", DriverLimits.PRE_580), rm.driverInfo());
        }
    }

    @Test
    void theDriversAnswerWinsOverAStaleVersionFile() {
        SimNvidiaDriver driver = driver("580.65.06", HOST);
        driver.procText("NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  575.51.02  Release Build\n");
        try (RmClient rm = open(driver)) {
            assertEquals("580.65.06", rm.release().version());
            assertEquals(NvrmAbi.R580, rm.abi());
        }
    }

    @Test
    void aStrictMismatchNamesBothVersionsAndClosesTheDevice() {
        SimNvidiaDriver driver = driver("525.53", HOST);
        driver.procText("NVRM version: NVIDIA UNIX x86_64 Kernel Module  525.60.13  Release Build\n");
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> open(driver));
        assertTrue(e.getMessage().contains("525.60.13") && e.getMessage().contains("the driver reports 525.53"), e.getMessage());
        assertTrue(e.getMessage().contains("NV_ESC_CHECK_VERSION_STR"), e.getMessage());
        assertTrue(driver.openPaths().isEmpty());
    }

    @Test
    void anUnknownReleaseIsRefusedBeforeAnyRmCall() {
        SimNvidiaDriver driver = driver("580.65.06", HOST);
        driver.procText("NVRM version: NVIDIA UNIX x86_64 Kernel Module  470.256.02  Thu\n");
        UnsupportedDriverException e = assertThrows(UnsupportedDriverException.class, () -> open(driver));
        assertEquals("470.256.02", e.version());
        assertTrue(e.getMessage().contains("525-530, 535-545"), e.getMessage());
        assertTrue(driver.calls("VERSION").isEmpty() && driver.calls("ALLOC").isEmpty());
        assertTrue(driver.openPaths().isEmpty());
    }

    @Test
    void anOldDriverWithoutItsVersionFileCannotBeIdentified() {
        SimNvidiaDriver driver = driver("530.30.02", HOST);
        driver.procText(null);
        UnsupportedDriverException e = assertThrows(UnsupportedDriverException.class, () -> open(driver));
        assertTrue(e.getMessage().contains("/proc/driver/nvidia/version is unreadable"), e.getMessage());
        assertTrue(driver.openPaths().isEmpty());
    }

    @Test
    void aMissingControlDeviceSaysHowToGetOne() {
        SimNvidiaDriver driver = failErrno(driver("580.65.06", HOST), "OPEN /dev/nvidiactl", Errno.ENOENT);
        NoSuchDeviceException e = assertThrows(NoSuchDeviceException.class, () -> open(driver));
        assertTrue(e.getMessage().contains("/dev/nvidiactl") && e.getMessage().contains("modprobe nvidia"), e.getMessage());
    }

    @Test
    void aGpuThatIsNotAVgpuHostGetsNoTypesAndNoConfigObject() {
        SimNvidiaDriver driver = driver("580.65.06", VirtualizationMode.NMOS.code());
        try (RmClient rm = open(driver); RmGpu gpu = rm.openGpu(GPU)) {
            NotVgpuHostException e = assertThrows(NotVgpuHostException.class, () -> gpu.registerTypes(TYPES, true));
            assertEquals("NMOS (pass-through guest)", e.virtualizationMode());
            assertTrue(e.getMessage().contains("0000:65:00.0"), e.getMessage());
            assertTrue(driver.calls("ALLOC NVA081").isEmpty());
            assertTrue(driver.calls("CONTROL VGPU").isEmpty());
        }
    }

    @Test
    void release515HasNoVgpuLayoutToSendAndSaysWhichReleasesDo() {
        SimNvidiaDriver driver = driver("515.43.04", HOST);
        try (RmClient rm = open(driver); RmGpu gpu = rm.openGpu(GPU)) {
            UnsupportedDriverException e = assertThrows(UnsupportedDriverException.class, () -> gpu.registerTypes(TYPES, true));
            assertFalse(e.knownReleases().contains("515"));
            assertTrue(e.knownReleases().contains("525-530"));
            assertTrue(driver.calls("CONTROL GPU_GET_VIRTUALIZATION_MODE").isEmpty());
        }
    }

    @Test
    void everyTypeIsCheckedAgainstTheReleaseBeforeAnythingIsSent() {
        SimNvidiaDriver driver = driver("535.43.02", HOST);
        try (RmClient rm = open(driver); RmGpu gpu = rm.openGpu(GPU)) {
            int before = driver.log().size();
            assertThrows(ValidationException.class, () -> gpu.registerTypes(List.of(), true));
            assertThrows(ValidationException.class, () -> gpu.registerTypes(List.of(TYPES.get(0), TYPES.get(0)), true));
            MdevType longName = type(533, "x".repeat(32), 2); // fits 580's 64 bytes, not 535's 32
            ValidationException e = assertThrows(ValidationException.class,
                    () -> gpu.registerTypes(List.of(TYPES.get(0), longName), true));
            assertTrue(e.getMessage().contains("at most 31 bytes"), e.getMessage());
            assertThrows(ValidationException.class, () -> gpu.registerTypes(List.of(type(534, "big", 33)), true));
            List<MdevType> many = new ArrayList<>();
            for (int i = 1; i <= 65; i++) many.add(type(i, "t" + i, 1));
            ValidationException tooMany = assertThrows(ValidationException.class, () -> gpu.registerTypes(many, false));
            assertTrue(tooMany.getMessage().contains("at most 64"), tooMany.getMessage());
            assertEquals(before, driver.log().size(), "nothing was sent");
        }
    }

    @Test
    void busyAndTimeoutRetriesAreResentWithAGrowingBackoff() {
        SimNvidiaDriver driver = fail(fail(driver("580.65.06", HOST), "CONTROL VGPU_CONFIG_SET_INFO", NvStatus.NV_ERR_BUSY_RETRY, 1), "CONTROL VGPU_CONFIG_SET_INFO", NvStatus.NV_ERR_TIMEOUT_RETRY, 2);
        try (RmClient rm = open(driver); RmGpu gpu = rm.openGpu(GPU)) {
            gpu.registerTypes(TYPES, true);
            assertEquals(TYPES, driver.typeTable(GPU));
            assertEquals(5, driver.calls("CONTROL VGPU_CONFIG_SET_INFO").size());
            assertEquals(List.of(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(4)), sleeps);
        }
    }

    @Test
    void retriesAreBoundedAndTheErrorSaysSo() {
        SimNvidiaDriver driver = fail(driver("580.65.06", HOST), "CONTROL VGPU_CONFIG_SET_INFO", NvStatus.NV_ERR_TIMEOUT_RETRY, 100);
        try (RmClient rm = RmClient.newBuilder(driver).retries(3, Duration.ofMillis(10), Duration.ofMillis(15))
                .sleeper(sleeps::add).open(); RmGpu gpu = rm.openGpu(GPU)) {
            DriverException e = assertThrows(DriverException.class, () -> gpu.registerTypes(TYPES, true));
            assertEquals(NvStatus.NV_ERR_TIMEOUT_RETRY, e.status());
            assertTrue(e.getMessage().contains("NV_ERR_TIMEOUT_RETRY (0x66)") && e.getMessage().contains("3 attempts"),
                    e.getMessage());
            assertEquals(List.of(Duration.ofMillis(10), Duration.ofMillis(15)), sleeps);
            assertEquals(3, driver.calls("CONTROL VGPU_CONFIG_SET_INFO").size());
            assertTrue(driver.calls("FREE 0x6d640003").size() == 1, "the config object is freed after the failure");
        }
        assertThrows(ValidationException.class, () -> RmClient.newBuilder(driver).retries(0, Duration.ZERO, Duration.ZERO));
    }

    @Test
    void anInterruptedRetryNamesItsOwnAttemptsAndTheInterrupt() {
        SimNvidiaDriver driver = fail(driver("580.65.06", HOST), "CONTROL VGPU_CONFIG_SET_INFO", NvStatus.NV_ERR_TIMEOUT_RETRY, 100);
        boolean[] interrupt = {false};
        try (RmClient rm = RmClient.newBuilder(driver).retries(3, Duration.ofMillis(10), Duration.ofMillis(15))
                .sleeper(d -> {
                    if (interrupt[0]) throw new InterruptedException();
                }).open(); RmGpu gpu = rm.openGpu(GPU)) {
            DriverException exhausted = assertThrows(DriverException.class, () -> gpu.registerTypes(TYPES, true));
            assertTrue(exhausted.getMessage().contains("through 3 attempts"), exhausted.getMessage());
            interrupt[0] = true;
            DriverException interrupted = assertThrows(DriverException.class, () -> gpu.registerTypes(TYPES, true));
            assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
            assertFalse(interrupted.getMessage().contains("3 attempts"), interrupted.getMessage());
            assertTrue(interrupted.getMessage().contains("interrupted after 1 attempt"), interrupted.getMessage());
        }
    }

    /** A driver that checks the discard's type before it empties the table: its INVALID_ARGUMENT is no success. */
    @Test
    void aDiscardTheDriverRefusedBeforeEmptyingTheTableIsAnError() {
        SimNvidiaDriver driver = driver("580.65.06", HOST);
        try (RmClient rm = open(driver); RmGpu gpu = rm.openGpu(GPU)) {
            gpu.registerTypes(TYPES, true);
            fail(driver, "CONTROL VGPU_CONFIG_SET_INFO", NvStatus.NV_ERR_INVALID_ARGUMENT, 1);
            HostStateException e = assertThrows(HostStateException.class, () -> gpu.discardTypes(true));
            assertTrue(e.getMessage().contains("GPU " + A100) && e.getMessage().contains("NV_ERR_INVALID_ARGUMENT")
                    && e.getMessage().contains("expected none, found nvidia-531, nvidia-532"), e.getMessage());
            assertEquals(TYPES, driver.typeTable(GPU), "nothing was discarded");
            assertEquals(1, driver.publishCount(GPU), "and nothing published");
            gpu.discardTypes(true);
            assertEquals(List.of(), driver.typeTable(GPU), "the driver's own discard-then-refuse is a success");
        }
    }

    @Test
    void aWarningIsASuccess() {
        SimNvidiaDriver driver = fail(driver("570.86.15", HOST), "CONTROL VGPU_CONFIG_MDEV_REGISTER", NvStatus.NV_WARN_NOTHING_TO_DO, 1);
        try (RmClient rm = open(driver); RmGpu gpu = rm.openGpu(GPU)) {
            gpu.registerTypes(TYPES, false);
            assertEquals(2, driver.typeTable(GPU).size());
        }
    }

    @Test
    void aFailedControlNamesTheEscapeTheCommandTheGpuAndTheStatus() {
        SimNvidiaDriver driver = fail(driver("580.65.06", HOST), "CONTROL VGPU_CONFIG_SET_INFO", NvStatus.NV_ERR_INVALID_ARGUMENT, 1);
        try (RmClient rm = open(driver); RmGpu gpu = rm.openGpu(GPU)) {
            DriverException e = assertThrows(DriverException.class, () -> gpu.registerTypes(TYPES, true));
            assertEquals(0x1F, e.status());
            assertEquals("NV_ERR_INVALID_ARGUMENT", e.statusName());
            assertEquals("NV_ESC_RM_CONTROL VGPU_CONFIG_SET_INFO", e.operation());
            assertEquals("GPU 0000:65:00.0 (gpu id 0x6500) type nvidia-531", e.target());
            assertTrue(e.getMessage().contains("NV_ERR_INVALID_ARGUMENT (0x1f)"), e.getMessage());
            assertTrue(e.fix().orElseThrow().contains("r580 layout"), e.getMessage());
            assertEquals(1, driver.calls("FREE 0x6d640003").size());
            assertFalse(driver.liveHandles().contains(0x6d640003));
        }
    }

    @Test
    void aClientInTheWrongLayoutIsRefusedByTheDriversSizeCheck() {
        // what a 580 driver does with 575's 256-byte probed-ids params (seen on a real H100 with 580.159.04)
        SimNvidiaDriver driver = driver("580.65.06", HOST);
        driver.claimVersion("575.51.02");
        driver.procText(null);
        try (RmClient rm = open(driver)) {
            assertEquals(NvrmAbi.R575, rm.abi());
            DriverException e = assertThrows(DriverException.class, rm::probedGpuIds);
            assertEquals(NvStatus.NV_ERR_INVALID_ARGUMENT, e.status());
            assertTrue(e.fix().orElseThrow().contains("r575 layout"), e.getMessage());
        }
    }

    @Test
    void anUnknownStatusPrintsInHex() {
        SimNvidiaDriver driver = fail(driver("580.65.06", HOST), "CONTROL GPU_GET_PROBED_IDS", 0x1234, 1);
        try (RmClient rm = open(driver)) {
            DriverException e = assertThrows(DriverException.class, rm::probedGpuIds);
            assertEquals("NV_STATUS 0x1234", e.statusName());
            assertTrue(e.getMessage().contains("NV_STATUS 0x1234"), e.getMessage());
        }
    }

    @Test
    void theRegisterCommandIsNamedAsTheReleaseNamesIt() {
        for (var entry : Map.of("545.23.06", "VGPU_CONFIG_MDEV_REGISTER", "550.54.14", "VGPU_CONFIG_UPDATE_PGPU_INFO").entrySet()) {
            SimNvidiaDriver driver = fail(driver(entry.getKey(), HOST), "CONTROL VGPU_CONFIG_MDEV_REGISTER", NvStatus.NV_ERR_NOT_SUPPORTED, 1);
            try (RmClient rm = open(driver); RmGpu gpu = rm.openGpu(GPU)) {
                DriverException e = assertThrows(DriverException.class, () -> gpu.registerTypes(TYPES, true));
                assertEquals("NV_ESC_RM_CONTROL " + entry.getValue(), e.operation());
                assertTrue(e.fix().orElseThrow().contains("vGPU host driver"), e.getMessage());
            }
        }
    }

    @Test
    void anIoctlThatFailsIsAKernelErrorWithTheRequestInHex() {
        SimNvidiaDriver driver = failErrno(driver("580.65.06", HOST), "CONTROL GPU_GET_PROBED_IDS", Errno.EIO);
        try (RmClient rm = open(driver)) {
            KernelException e = assertThrows(KernelException.class, rm::probedGpuIds);
            assertEquals(Errno.EIO, e.errno());
            assertTrue(e.getMessage().contains("NV_ESC_RM_CONTROL GPU_GET_PROBED_IDS")
                    && e.getMessage().contains("ioctl 0xc020462a"), e.getMessage());
        }
    }

    @Test
    void aFailedOpenUndoesEveryStepInReverse() {
        SimNvidiaDriver driver = fail(driver("580.65.06", HOST), "ALLOC NV20_SUBDEVICE_0", NvStatus.NV_ERR_NO_MEMORY, 1);
        try (RmClient rm = open(driver)) {
            DriverException e = assertThrows(DriverException.class, () -> rm.openGpu(GPU));
            assertEquals("NV_ESC_RM_ALLOC NV20_SUBDEVICE_0", e.operation());
            int end = driver.log().size();
            assertEquals(List.of("ALLOC NV20_SUBDEVICE_0 0x6d640002 -> NV_ERR_NO_MEMORY", "FREE 0x6d640001", "CLOSE /dev/nvidia3",
                    "CONTROL GPU_DETACH_IDS"), driver.log().subList(end - 4, end));
            assertEquals(List.of(SimNvidiaDriver.FIRST_CLIENT), driver.liveHandles());
            assertTrue(driver.attachedGpuIds().isEmpty());
        }
    }

    @Test
    void aMissingDeviceNodeIsNamedWithHowToCreateIt() {
        SimNvidiaDriver driver = failErrno(driver("580.65.06", HOST), "OPEN /dev/nvidia3", Errno.ENOENT);
        try (RmClient rm = open(driver)) {
            NoSuchDeviceException e = assertThrows(NoSuchDeviceException.class, () -> rm.openGpu(GPU));
            assertTrue(e.getMessage().contains("/dev/nvidia3") && e.getMessage().contains("minor 3"), e.getMessage());
            assertTrue(driver.attachedGpuIds().isEmpty(), "detached again");
        }
    }

    @Test
    void teardownGoesOnAfterAFailureAndReportsAll() {
        SimNvidiaDriver driver = failErrno(fail(driver("580.65.06", HOST), "FREE 0x6d640002", NvStatus.NV_ERR_INVALID_OBJECT_HANDLE, 1),
                "CONTROL GPU_DETACH_IDS", Errno.EIO);
        try (RmClient rm = open(driver)) {
            RmGpu gpu = rm.openGpu(GPU);
            DriverException e = assertThrows(DriverException.class, gpu::close);
            assertEquals("NV_ESC_RM_FREE 0x6d640002", e.operation());
            assertEquals(1, e.getSuppressed().length);
            assertInstanceOf(KernelException.class, e.getSuppressed()[0]);
            int end = driver.log().size();
            assertEquals(List.of("FREE 0x6d640002 -> NV_ERR_INVALID_OBJECT_HANDLE", "FREE 0x6d640001", "CLOSE /dev/nvidia3",
                    "CONTROL GPU_DETACH_IDS -> EIO"),
                    driver.log().subList(end - 4, end));
            gpu.close(); // once is enough
            assertEquals(end, driver.log().size());
            KernelException closed = assertThrows(KernelException.class, gpu::virtualizationMode);
            assertEquals(Errno.EBADF, closed.errno());
            assertTrue(closed.getMessage().contains("open it again (RmClient.openGpu)"), closed.getMessage());
        }
    }

    @Test
    void aCloseInterruptedBySignalIsAClose() {
        // close(2): on Linux the fd is released even when close reports EINTR; closing it again could close another's
        SimNvidiaDriver driver = failErrno(failErrno(driver("580.65.06", HOST), "CLOSE /dev/nvidia3", Errno.EINTR),
                "CLOSE /dev/nvidiactl", Errno.EINTR);
        RmClient rm = open(driver);
        rm.openGpu(GPU);
        rm.close();
        assertEquals(0, rm.ledger().live(), rm.ledger()::toString);
        assertEquals(List.of("CLOSE /dev/nvidia3 -> EINTR", "CLOSE /dev/nvidiactl -> EINTR"),
                driver.log().stream().filter(c -> c.startsWith("CLOSE")).toList(), "each closed once, not again");
        assertTrue(driver.openPaths().isEmpty() && driver.liveHandles().isEmpty());
    }

    @Test
    void closingTheClientClosesItsGpusAndIsIdempotent() {
        SimNvidiaDriver driver = driver("595.45.04", HOST);
        RmClient rm = open(driver);
        RmGpu gpu = rm.openGpu(GPU);
        assertEquals(HOST, gpu.virtualizationMode());
        rm.close();
        assertTrue(driver.liveHandles().isEmpty() && driver.openPaths().isEmpty() && driver.attachedGpuIds().isEmpty());
        rm.close();
        KernelException closed = assertThrows(KernelException.class, () -> rm.openGpu(GPU));
        assertEquals(Errno.EBADF, closed.errno());
        assertTrue(closed.getMessage().startsWith("use the RM client /dev/nvidiactl"), closed.getMessage());
        assertTrue(gpu.toString().contains("closed"), gpu.toString());
    }

    @Test
    void aSecondRegistrationWithoutDiscardKeepsWhatTheDriverHas() {
        SimNvidiaDriver driver = driver("580.65.06", HOST);
        try (RmClient rm = open(driver); RmGpu gpu = rm.openGpu(GPU)) {
            gpu.registerTypes(List.of(TYPES.get(0)), true);
            gpu.registerTypes(List.of(TYPES.get(1)), false);
            assertEquals(List.of(531, 532), gpu.supportedTypes());
            gpu.registerTypes(List.of(TYPES.get(1)), true);
            assertEquals(List.of(532), gpu.supportedTypes());
            assertEquals(3, driver.publishCount(GPU));
        }
    }
}
