package io.mdevgpu.sim;

import static io.mdevgpu.kernel.abi.nvrm.NvStatus.*;
import static io.mdevgpu.sim.SimHosts.*;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.mdevgpu.Errno;
import io.mdevgpu.MdevType;
import io.mdevgpu.PciAddress;
import io.mdevgpu.Size;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.abi.nvrm.CStrings;
import io.mdevgpu.kernel.abi.nvrm.NvClass;
import io.mdevgpu.kernel.abi.nvrm.NvControl;
import io.mdevgpu.kernel.abi.nvrm.NvEscape;
import io.mdevgpu.kernel.abi.nvrm.NvrmAbi;
import io.mdevgpu.kernel.abi.nvrm.VirtualizationMode;
import io.mdevgpu.kernel.abi.nvrm.nv_ioctl_rm_api_version_t;
import io.mdevgpu.kernel.nvrm.CardInfo;
import io.mdevgpu.kernel.nvrm.RmClient;
import io.mdevgpu.kernel.pci.PciDevice;
import io.mdevgpu.sim.Faults.Failure;
import io.mdevgpu.sim.Faults.Seam;
import io.mdevgpu.kernel.testing.H100Fixture;

/** What the simulated driver answers for the misuse the library's client never commits, byte by byte. */
class SimNvidiaDriverTest {
    private static SimulatedKernel kernel(String version) {
        return new SimulatedKernel(defaultHost(version), GuestConfigFactory.PLAIN_FOR_TESTS);
    }

    private static SimNvidiaGpu a100(SimulatedKernel kernel) {
        return kernel.nvidia().gpus().stream().filter(g -> g.address().equals(A100_0)).findFirst().orElseThrow();
    }

    @Test
    void theHandshakeIsStrictRelaxedOrAQuery() {
        try (SimulatedKernel kernel = kernel("525.53"); Arena arena = Arena.ofConfined()) {
            SimNvidiaDriver driver = kernel.nvidia();
            int ctl = driver.open(kernel.nvidiaDevDirectory() + "/nvidiactl");
            MemorySegment v = arena.allocate(nv_ioctl_rm_api_version_t.LAYOUT);
            long text = nv_ioctl_rm_api_version_t.versionString$offset();
            nv_ioctl_rm_api_version_t.cmd(v, NvEscape.NV_RM_API_VERSION_CMD_STRICT);
            CStrings.write(v, text, 64, "525.60.13");
            assertEquals(-Errno.EINVAL.number(), driver.ioctl(ctl, NvEscape.CHECK_VERSION_STR, v));
            assertEquals(NvEscape.NV_RM_API_VERSION_REPLY_UNRECOGNIZED, nv_ioctl_rm_api_version_t.reply(v));
            assertEquals("525.53", CStrings.read(v, text, 64), "the driver writes its own version back");
            nv_ioctl_rm_api_version_t.cmd(v, NvEscape.NV_RM_API_VERSION_CMD_RELAXED);
            CStrings.write(v, text, 64, "525.60.13");
            assertEquals(0, driver.ioctl(ctl, NvEscape.CHECK_VERSION_STR, v), "relaxed: the same major will do");
            v.fill((byte) 0);
            nv_ioctl_rm_api_version_t.cmd(v, NvEscape.NV_RM_API_VERSION_CMD_QUERY);
            assertEquals(0, driver.ioctl(ctl, NvEscape.CHECK_VERSION_STR, v));
            assertEquals("", CStrings.read(v, text, 64), "before 535, '2' overrides and answers nothing");
            assertEquals(0, driver.close(ctl));
        }
    }

    @Test
    void theTransportChecksFdsSizesAndNodes() {
        try (SimulatedKernel kernel = kernel("550.54.14"); Arena arena = Arena.ofConfined()) {
            SimNvidiaDriver driver = kernel.nvidia();
            MemorySegment big = arena.allocate(4096);
            assertEquals(-Errno.EBADF.number(), driver.ioctl(77, NvEscape.RM_CONTROL, big));
            int node = driver.open(kernel.nvidiaDevDirectory() + "/nvidia1");
            assertEquals(-Errno.EINVAL.number(), driver.ioctl(node, NvEscape.RM_CONTROL, big), "RM escapes go to nvidiactl");
            int ctl = driver.open(kernel.nvidiaDevDirectory() + "/nvidiactl");
            assertEquals(-Errno.EINVAL.number(), driver.ioctl(ctl, NvEscape.request(NvEscape.NV_ESC_RM_ALLOC, 40), big),
                    "_IOC_SIZE of 530's NVOS64 is not 550's NVOS21");
            assertEquals(-Errno.EINVAL.number(), driver.ioctl(ctl, NvEscape.request(0x77, 16), big));
            assertEquals(-Errno.ENOENT.number(), driver.open(kernel.nvidiaDevDirectory() + "/nvidia7"));
            assertEquals(-Errno.ENOENT.number(), driver.open("/dev/nvidiactl"), "the simulated host's nodes only");
            kernel.deviceNode(2, false);
            assertEquals(-Errno.ENOENT.number(), driver.open(kernel.nvidiaDevDirectory() + "/nvidia2"));
            assertFalse(Files.exists(kernel.layout().dev().resolve("nvidia2")));
            kernel.deviceNode(2, true);
            int again = driver.open(kernel.nvidiaDevDirectory() + "/nvidia2");
            assertTrue(again > 0);
            assertEquals(-Errno.EBADF.number(), driver.close(12345));
            for (int fd : List.of(node, ctl, again)) assertEquals(0, driver.close(fd));
            assertEquals(-Errno.EBADF.number(), driver.close(ctl));
            assertEquals(List.of(), driver.openPaths());
        }
    }

    @Test
    void handlesFormTreesOwnedByTheirFd() {
        try (SimulatedKernel kernel = kernel("550.54.14")) {
            SimNvidiaDriver driver = kernel.nvidia();
            SimNvidiaGpu gpu = a100(kernel);
            try (RawRm one = new RawRm(driver); RawRm two = new RawRm(driver)) {
                assertEquals(List.of(SimNvidiaDriver.FIRST_CLIENT, SimNvidiaDriver.FIRST_CLIENT + 1), List.of(one.client, two.client));
                int realClient = one.client;
                one.client = 0x1234;
                assertEquals(NV_ERR_INVALID_CLIENT, one.attach(gpu.gpuId()));
                one.client = realClient;
                assertEquals(NV_ERR_INVALID_OBJECT_HANDLE, one.control(0xDEAD, NvControl.NV0080_CTRL_CMD_GPU_GET_VIRTUALIZATION_MODE,
                        one.params(NvrmAbi.VIRTUALIZATION_MODE)));
                assertEquals(NV_ERR_INVALID_ARGUMENT, one.allocDevice(0x100, gpu.deviceInstance()), "not attached");
                assertEquals(NV_OK, one.attach(gpu.gpuId()));
                assertEquals(NV_ERR_INSUFFICIENT_PERMISSIONS, one.allocDevice(0x100, gpu.deviceInstance()), "its node is not open");
                int node = driver.open(kernel.nvidiaDevDirectory() + "/nvidia" + gpu.minor());
                assertEquals(NV_OK, one.allocDevice(0x100, gpu.deviceInstance()));
                assertEquals(SimNvidiaDriver.NV_ERR_INSERT_DUPLICATE_NAME, one.allocDevice(0x100, gpu.deviceInstance()));
                assertEquals(NV_ERR_INVALID_OBJECT_PARENT, one.allocSubdevice(one.client, 0x101), "a subdevice's parent is a device");
                assertEquals(NV_ERR_INVALID_OBJECT_PARENT, one.allocSubdevice(0x999, 0x101));
                assertEquals(NV_OK, one.allocSubdevice(0x100, 0x101));
                assertEquals(NV_OK, one.alloc(0x101, 0x102, NvClass.NVA081_VGPU_CONFIG, MemorySegment.NULL));
                assertEquals(NV_ERR_INVALID_CLASS, one.alloc(0x101, 0x103, 0x5555, MemorySegment.NULL));
                assertEquals(List.of(one.client, 0x100, 0x101, 0x102, two.client), driver.liveHandles());
                assertEquals(NV_ERR_INVALID_OBJECT_HANDLE, one.free(one.client, 0x101), "0x101's parent is 0x100");
                assertEquals(NV_OK, one.free(one.client, 0x100));
                assertEquals(List.of(one.client, two.client), driver.liveHandles(), "the device took its children along");
                assertEquals(NV_ERR_INVALID_OBJECT_HANDLE, one.free(one.client, 0x100));
                assertEquals(NV_OK, one.allocDevice(0x100, gpu.deviceInstance()));
                assertEquals(NV_ERR_INVALID_ARGUMENT, two.allocDevice(0x100, gpu.deviceInstance()), "attached through the other fd");
                driver.close(node);
            }
            assertEquals(List.of(), driver.liveHandles(), "closing nvidiactl frees its clients");
            assertEquals(java.util.Set.of(), driver.attachedGpuIds());
            assertTrue(kernel.leaks().isClean(), kernel.leaks().toString());
        }
    }

    @Test
    void controlsTakeExactlyTheirParamsOnObjectsOfTheirClass() {
        try (SimulatedKernel kernel = kernel("580.65.06"); RawRm raw = new RawRm(kernel.nvidia())) {
            int config = raw.vgpuConfig(a100(kernel));
            MemorySegment probed = raw.params(NvrmAbi.PROBED_IDS);
            assertEquals(NV_OK, raw.control(raw.client, NvControl.NV0000_CTRL_CMD_GPU_GET_PROBED_IDS, probed));
            assertEquals(NV_ERR_INVALID_ARGUMENT, raw.control(raw.client, NvControl.NV0000_CTRL_CMD_GPU_GET_PROBED_IDS, probed, 256),
                    "580 takes 384 bytes: 575's 256 are refused (as a real 580 driver did)");
            assertEquals(NV_ERR_INVALID_ARGUMENT, raw.control(raw.client, NvControl.NV0000_CTRL_CMD_GPU_GET_PROBED_IDS,
                    MemorySegment.NULL, 384));
            assertEquals(NV_ERR_INVALID_PARAM_STRUCT, raw.control(config, NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_MDEV_REGISTER, probed),
                    "a command without params sent some");
            assertEquals(NV_ERR_NOT_SUPPORTED, raw.control(0x101, NvControl.NV0080_CTRL_CMD_GPU_GET_VIRTUALIZATION_MODE,
                    raw.params(NvrmAbi.VIRTUALIZATION_MODE)), "a device's command sent to the subdevice");
            assertEquals(NV_ERR_NOT_SUPPORTED, raw.control(raw.client, 0x0000BEEF, probed));
            MemorySegment mode = raw.params(NvrmAbi.VIRTUALIZATION_MODE);
            assertEquals(NV_OK, raw.control(0x100, NvControl.NV0080_CTRL_CMD_GPU_GET_VIRTUALIZATION_MODE, mode));
            assertEquals(VirtualizationMode.HOST.code(), raw.abi.virtualizationMode(mode));
        }
    }

    @Test
    void release515HasNoVgpuConfigClass() {
        try (SimulatedKernel kernel = kernel("515.43.04"); RawRm raw = new RawRm(kernel.nvidia())) {
            SimNvidiaGpu gpu = a100(kernel);
            raw.attach(gpu.gpuId());
            raw.nodes.add(kernel.nvidia().open(kernel.nvidiaDevDirectory() + "/nvidia" + gpu.minor()));
            assertEquals(NV_OK, raw.allocDevice(0x100, gpu.deviceInstance()));
            assertEquals(NV_OK, raw.allocSubdevice(0x100, 0x101));
            assertEquals(NV_ERR_INVALID_CLASS, raw.alloc(0x101, 0x102, NvClass.NVA081_VGPU_CONFIG, MemorySegment.NULL));
        }
    }

    @Test
    void setInfoDiscardsFirstKeepsKnownNumbersAndChecksTheRelease() {
        try (SimulatedKernel kernel = kernel("550.54.14"); RawRm raw = new RawRm(kernel.nvidia())) {
            int config = raw.vgpuConfig(a100(kernel));
            List<MdevType> ampere = ampere();
            assertEquals(NV_OK, raw.setInfo(config, ampere.get(0), true));
            assertEquals(NV_OK, raw.setInfo(config, ampere.get(1), false));
            MdevType renamed = ampere.get(0).toBuilder().name("renamed").build();
            assertEquals(NV_OK, raw.setInfo(config, renamed, false));
            assertEquals(List.of(ampere.get(0), ampere.get(1)), kernel.typeTables().get(A100_0), "a known number is kept, not updated");
            assertEquals(NV_OK, raw.setInfo(config, renamed, true));
            assertEquals(List.of(renamed), kernel.typeTables().get(A100_0), "discard first, then the type");

            // type 0: refused; with discard the table is emptied first (the rollback to an empty table)
            MemorySegment zero = raw.params(NvrmAbi.VGPU_CONFIG_INFO);
            assertEquals(NV_ERR_INVALID_ARGUMENT, raw.control(config, NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_SET_INFO, zero));
            assertEquals(List.of(renamed), kernel.typeTables().get(A100_0), "without discard nothing changes");
            assertEquals(NV_ERR_INVALID_ARGUMENT, raw.setInfoEmptying(config));
            assertEquals(List.of(), kernel.typeTables().get(A100_0));
            assertEquals(List.of(true, false, false, true, false, true), kernel.nvidia().discards());

            // the release's type limit: 64 types before 575
            for (int n = 1; n <= 64; n++) assertEquals(NV_OK, raw.setInfo(config, type(n, "t" + n, 1, 512), false));
            assertEquals(NV_ERR_INSUFFICIENT_RESOURCES, raw.setInfo(config, type(65, "t65", 1, 512), false));
            assertEquals(NV_OK, raw.setInfo(config, type(64, "t64", 1, 512), false), "a known number still fits a full table");
            assertEquals(64, kernel.typeTables().get(A100_0).size());
            assertEquals(0, kernel.nvidia().publishCount(a100(kernel).gpuId()), "nothing published without the register call");
            assertEquals(List.of(), kernel.mdev(io.mdevgpu.kernel.mdev.OpenDeviceRegistry.NONE).parents());
        }
    }

    @Test
    void moreInstancesThanTheReleaseAllowsAreRefused() {
        try (SimulatedKernel kernel = kernel("535.43.02"); RawRm raw = new RawRm(kernel.nvidia())) {
            int config = raw.vgpuConfig(a100(kernel));
            MemorySegment p = raw.params(NvrmAbi.VGPU_CONFIG_INFO);
            raw.abi.vgpuTypes().orElseThrow().encodeConfigInfo(p, ampere().get(2), A100_ID, true);
            GroupLayout params = raw.abi.struct(NvrmAbi.VGPU_CONFIG_INFO);
            long maxInstance = params.byteOffset(groupElement("vgpuInfo"), groupElement("maxInstance"));
            p.set(ValueLayout.JAVA_INT, maxInstance, 33); // 535 allows 32
            assertEquals(NV_ERR_INVALID_ARGUMENT, raw.control(config, NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_SET_INFO, p));
            p.set(ValueLayout.JAVA_INT, maxInstance, 32);
            assertEquals(NV_OK, raw.control(config, NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_SET_INFO, p));
            // a name that fills its buffer without a NUL is no string
            p.asSlice(params.byteOffset(groupElement("vgpuInfo"), groupElement("vgpuName")), 32).fill((byte) 'x');
            assertEquals(NV_ERR_INVALID_ARGUMENT, raw.control(config, NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_SET_INFO, p));
        }
    }

    @Test
    void aPassThroughGpuRefusesSetInfoAndRegisterSentAnyway() {
        for (VirtualizationMode mode : List.of(VirtualizationMode.NONE, VirtualizationMode.NMOS)) {
            try (SimulatedKernel kernel = new SimulatedKernel(oneGpu("580.65.06", mode), GuestConfigFactory.PLAIN_FOR_TESTS);
                 RawRm raw = new RawRm(kernel.nvidia())) {
                int config = raw.vgpuConfig(kernel.nvidia().gpus().getFirst());
                assertEquals(NV_ERR_NOT_SUPPORTED, raw.setInfo(config, ampere().get(0), true), mode.toString());
                assertEquals(NV_ERR_NOT_SUPPORTED, raw.register(config));
                assertEquals(List.of(), kernel.typeTables().get(A100_0));
                assertEquals(List.of(), kernel.mdev(io.mdevgpu.kernel.mdev.OpenDeviceRegistry.NONE).parents());
            }
        }
    }

    @Test
    void everyControlIsRecordedEvenWhenCallsAreNot() {
        try (SimulatedKernel kernel = kernel("570.86.15")) {
            kernel.faults().recording(false);
            SimulatedKernelTest.register(kernel, A100_1, ampere());
            List<Integer> controls = kernel.nvidia().controls();
            int set = NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_SET_INFO;
            assertEquals(List.of(set, set, set, set, NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_MDEV_REGISTER,
                    NvControl.NV0000_CTRL_CMD_GPU_DETACH_IDS), controls.subList(controls.size() - 6, controls.size()));
            assertEquals(1, kernel.nvidia().received(NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_MDEV_REGISTER));
            assertEquals(List.of(), kernel.faults().log(Seam.NVIDIA));
            assertTrue(kernel.faults().calls(Seam.NVIDIA) > 20);
        }
    }

    /** A driver of its own answering as a real host's: card windows and irq, a boot's client count, its proc files. */
    private static SimNvidiaDriver configured() {
        return new SimNvidiaDriver("580.65.06")
                .gpu(new SimNvidiaGpu(0x6, H100Fixture.ADDRESS, A100_ID, 0xA1, 0, 0, VirtualizationMode.NMOS.code()))
                .card(0x6, new SimNvidiaCard(41, 0x1020_0200_0000L, 16L << 20, 0x1000_0000_0000L, 128L << 30))
                .firstClient(0xC1D0001A)
                .file("/proc/driver/nvidia/gpus/0000:00:06.0/information", "IRQ:             41\n");
    }

    @Test
    void cardInfoCarriesTheConfiguredIrqAndWindows() {
        SimNvidiaDriver driver = configured()
                .gpu(new SimNvidiaGpu(0x6500, A100_0, A100_ID, 0xA1, 1, 1, VirtualizationMode.HOST.code()));
        try (RmClient rm = RmClient.newBuilder(driver).open()) {
            List<CardInfo> cards = rm.cardInfo();
            CardInfo h100 = cards.get(0), undescribed = cards.get(1);
            assertEquals(List.of(0x6, 0x6500), cards.stream().map(CardInfo::gpuId).toList());
            assertEquals(H100Fixture.ADDRESS, h100.address());
            assertEquals(0, h100.minor());
            assertEquals(41, h100.interruptLine());
            assertEquals(0x1020_0200_0000L, h100.registerBase());
            assertEquals(Size.mib(16), h100.registerSize());
            assertEquals(0x1000_0000_0000L, h100.framebufferBase());
            assertEquals(Size.gib(128), h100.framebufferSize());
            assertEquals(List.of(1, 0, 0L, 0L), List.of(undescribed.minor(), undescribed.interruptLine(),
                    undescribed.registerBase(), undescribed.framebufferBase()), "a GPU without a card says zeros");
        }
    }

    @Test
    void rootClientsCountUpFromTheFirstAcrossTheBoot() {
        SimNvidiaDriver driver = configured();
        try (RmClient one = RmClient.newBuilder(driver).open(); RmClient two = RmClient.newBuilder(driver).open()) {
            assertEquals(List.of(0xC1D0001A, 0xC1D0001B), List.of(one.clientHandle(), two.clientHandle()));
        }
        try (RmClient three = RmClient.newBuilder(driver).open()) {
            assertEquals(0xC1D0001C, three.clientHandle(), "a freed handle is not given again");
        }
        assertEquals(List.of(), driver.liveHandles());
    }

    @Test
    void readTextServesTheVersionFileAndTheConfiguredFiles() {
        SimNvidiaDriver driver = configured();
        String information = "/proc/driver/nvidia/gpus/0000:00:06.0/information";
        assertEquals(Optional.of("IRQ:             41\n"), driver.readText(information));
        assertEquals(Optional.of(SimNvidiaDriver.procVersionText("580.65.06")), driver.readText("/proc/driver/nvidia/version"));
        assertEquals(Optional.empty(), driver.readText("/proc/driver/nvidia/gpus/0000:00:07.0/information"));
        driver.faults().failNext(Seam.NVIDIA, "READ " + information, Failure.errno(Errno.EIO));
        assertEquals(Optional.empty(), driver.readText(information), "a failed read reads nothing");
        assertEquals(Optional.of("IRQ:             41\n"), driver.readText(information));
        driver.file(information, null);
        assertEquals(Optional.empty(), driver.readText(information), "null takes the file away");
        assertEquals(List.of("READ " + information, "READ /proc/driver/nvidia/version"), driver.calls("READ").subList(0, 2));
    }

    @Test
    void theRealDriversFactsAreCheckedWhenConfigured() {
        SimNvidiaDriver driver = configured();
        SimNvidiaCard card = new SimNvidiaCard(41, 0, 0, 0, 0);
        ValidationException unknown = assertThrows(ValidationException.class, () -> driver.card(0x7, card));
        assertTrue(unknown.getMessage().contains("0x7") && unknown.getMessage().contains("[0x6]"), unknown.getMessage());
        assertThrows(ValidationException.class, () -> driver.firstClient(0));
        assertThrows(ValidationException.class, () -> driver.file("/proc/driver/nvidia/version", "text"));
        assertThrows(NullPointerException.class, () -> driver.card(0x6, null));
        assertThrows(ValidationException.class, () -> new SimNvidiaCard(-1, 0, 0, 0, 0));
        assertThrows(ValidationException.class, () -> new SimNvidiaCard(0x10000, 0, 0, 0, 0));
        assertThrows(ValidationException.class, () -> new SimNvidiaCard(41, 0, -1, 0, 0));
        assertThrows(ValidationException.class, () -> new SimNvidiaCard(41, 0, 0, 0, -1));
    }

    @Test
    void aCardsWindowsAreTheDevicesFirstTwoMemoryBars() {
        // the recorded answer of the real 580 driver on this H100 (docs/hardware/h100-580/driver-1.json)
        assertEquals(new SimNvidiaCard(41, 0x1020_0200_0000L, 16L << 20, 0x1000_0000_0000L, 128L << 30),
                SimNvidiaCard.of(H100Fixture.device(12), 41));
        PciDevice a100 = gpu(A100_0, A100_ID, 12, Size.gib(64)); // BAR0 16M, the 64 GiB aperture, 32M
        SimNvidiaCard card = SimNvidiaCard.of(a100, 0);
        assertEquals(a100.bar(0).orElseThrow().start(), card.registerBase());
        assertEquals(16L << 20, card.registerSize());
        assertEquals(a100.bar(2).orElseThrow().start(), card.framebufferBase(), "the aperture, not the last memory BAR");
        assertEquals(Size.gib(64).bytes(), card.framebufferSize());
        PciDevice bare = PciDevice.builder(PciAddress.parse("0000:02:00.0")).id(A100_ID).classCode(0x030200)
                .config(new byte[64]).build();
        assertEquals(SimNvidiaCard.NONE, SimNvidiaCard.of(bare, 0));
    }
}
