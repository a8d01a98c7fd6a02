package io.mdevgpu.sim;

import static io.mdevgpu.kernel.abi.vfio.VfioConstants.*;
import static io.mdevgpu.sim.SimHosts.*;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.mdevgpu.DeviceInUseException;
import io.mdevgpu.Errno;
import io.mdevgpu.MdevType;
import io.mdevgpu.NotVgpuHostException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.Size;
import io.mdevgpu.UnsupportedDriverException;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.abi.nvrm.NvControl;
import io.mdevgpu.kernel.abi.nvrm.NvrmAbi;
import io.mdevgpu.kernel.abi.nvrm.NvrmRelease;
import io.mdevgpu.kernel.abi.nvrm.VirtualizationMode;
import io.mdevgpu.kernel.mdev.MdevBus;
import io.mdevgpu.kernel.mdev.MdevInstanceInfo;
import io.mdevgpu.kernel.mdev.MdevTypeInfo;
import io.mdevgpu.kernel.mdev.NvidiaTypeDescription;
import io.mdevgpu.kernel.mdev.OpenDeviceRegistry;
import io.mdevgpu.kernel.nvrm.CardInfo;
import io.mdevgpu.kernel.nvrm.RmClient;
import io.mdevgpu.kernel.nvrm.RmGpu;
import io.mdevgpu.kernel.pci.PciDevice;
import io.mdevgpu.kernel.sys.ErrnoCapture;
import io.mdevgpu.kernel.sys.Syscalls;
import io.mdevgpu.kernel.sysfs.SysfsReader;
import io.mdevgpu.kernel.testing.H100Fixture;
import io.mdevgpu.kernel.testing.Mdevctl;
import io.mdevgpu.kernel.testing.SimulatedNvidia;
import io.mdevgpu.kernel.vfio.Vfio;
import io.mdevgpu.kernel.vfio.VfioDevice;
import io.mdevgpu.kernel.vfio.VfioInterrupts;
import io.mdevgpu.kernel.vfio.VfioMapping;
import io.mdevgpu.kernel.vfio.VfioRegion;

/** The simulated host end to end through the real clients: RM client, LinuxMdevBus, LinuxPciDiscovery, Vfio. */
class SimulatedKernelTest {
    private static final UUID U1 = UUID.fromString("6f2a1c0e-4b1d-4e55-9a64-0d4a8e3f7b01");

    static RmClient rm(SimulatedKernel kernel) {
        return RmClient.newBuilder(kernel.nvidia()).devDirectory(kernel.nvidiaDevDirectory())
                .procVersionPath(kernel.nvidiaVersionFile()).open();
    }

    /** Registers {@code types} on the GPU at {@code address} through the library's own RM client, as the engine does. */
    static void register(SimulatedKernel kernel, PciAddress address, List<MdevType> types) {
        try (RmClient rm = rm(kernel); RmGpu gpu = rm.openGpu(address)) {
            gpu.registerTypes(types, true);
        }
    }

    @Test
    void theTreeIsTheHostAsTheRealReadersSeeIt() throws Exception {
        SimulatedHostSpec spec = defaultHost("550.54.14");
        Path root;
        try (SimulatedKernel kernel = new SimulatedKernel(spec, GuestConfigFactory.PLAIN_FOR_TESTS)) {
            root = kernel.root();
            List<PciDevice> found = kernel.pci().displayDevices();
            assertEquals(spec.gpus().stream().map(SimulatedGpu::device).toList(), found, "LinuxPciDiscovery reads back every GPU");
            assertEquals(List.of(T4, A100_0, A100_1), found.stream().map(PciDevice::address).toList());
            assertEquals(List.of(), kernel.mdev(OpenDeviceRegistry.NONE).parents(), "no parent before the driver registers types");
            assertEquals(NvrmRelease.parse("550.54.14"), NvrmRelease.fromProcVersion(Files.readString(Path.of(kernel.nvidiaVersionFile()))));
            for (String node : List.of("nvidiactl", "nvidia0", "nvidia1", "nvidia2", "vfio/vfio")) {
                assertTrue(Files.exists(kernel.layout().dev().resolve(node)), node);
            }
            assertFalse(Files.exists(kernel.layout().dev().resolve("nvidia3")));
            assertTrue(Files.isDirectory(kernel.mdevctlRoot().resolve("scripts.d/callouts")));
            assertTrue(Files.isDirectory(kernel.mdevctlRoot().resolve("scripts.d/notifiers")));
            assertEquals(root.resolve("etc/mdevctl.d"), kernel.mdevctlRoot());
            assertEquals(kernel.layout().dev().toString(), kernel.nvidiaDevDirectory());
            assertTrue(kernel.toString().contains("driver 550.54.14"), kernel.toString());
            try (RmClient rm = rm(kernel)) {
                assertEquals(List.of(0x1700, 0x6500, 0xCA00), rm.probedGpuIds(), "gpu ids from the addresses, in minor order");
                assertEquals(A100_1, rm.pciAddress(0xCA00));
            }
        }
        assertFalse(Files.exists(root), "a temporary tree is deleted on close");
    }

    @ParameterizedTest
    @ValueSource(strings = {"510.47.03", "535.43.02", "550.54.14", "580.65.06", "595.45.04"})
    void registerCreateOpenMapInterruptRemoveOnEachReleaseFamily(String version) {
        try (SimulatedKernel kernel = new SimulatedKernel(defaultHost(version), GuestConfigFactory.PLAIN_FOR_TESTS)) {
            MdevBus bus = kernel.mdev(OpenDeviceRegistry.NONE);
            try (RmClient rm = rm(kernel)) {
                assertEquals(version, rm.release().version());
                try (RmGpu gpu = rm.openGpu(A100_0)) {
                    assertEquals(A100_ID, gpu.pciId());
                    assertEquals(1, gpu.minor(), "the A100 at 65:00.0 is the second GPU in address order");
                    assertEquals(VirtualizationMode.HOST.code(), gpu.virtualizationMode());
                    gpu.registerTypes(ampere(), true);
                    if (rm.abi().vgpuTypes().orElseThrow().typeInfoLayout().isPresent()) {
                        assertEquals(Optional.of(ampere().get(2)), gpu.readType(533));
                        assertEquals(List.of(531, 532, 533, 534), gpu.supportedTypes());
                    }
                }
            }
            assertTrue(kernel.leaks().isClean(), kernel.leaks().toString());
            assertEquals(ampere(), kernel.typeTables().get(A100_0), "the driver decoded the client's bytes into the same types");
            assertEquals(List.of(), kernel.typeTables().get(A100_1));
            assertEquals(List.of(A100_0), List.copyOf(kernel.publishedTypes().keySet()));

            // the types on the mdev bus, as NVIDIA writes them
            var parent = bus.parent(A100_0);
            assertEquals(List.of("nvidia-531", "nvidia-532", "nvidia-533", "nvidia-534"),
                    parent.types().stream().map(MdevTypeInfo::id).toList());
            for (MdevType t : ampere()) {
                MdevTypeInfo info = parent.type(t.sysfsName()).orElseThrow();
                assertEquals(Optional.of(t.name()), info.name());
                assertEquals("vfio-pci", info.deviceApi());
                assertEquals(t.maxInstances(), info.availableInstances(), "40 GiB hold max_instance of each alone");
                NvidiaTypeDescription d = info.nvidia().orElseThrow();
                assertEquals(new NvidiaTypeDescription(4, t.display().frameRateLimit(), t.framebuffer(), 1920, 1080,
                        t.maxInstances()), d);
            }

            // create: capacity falls for every type sharing the framebuffer
            bus.create(A100_0, "nvidia-531", U1);
            MdevInstanceInfo instance = bus.instance(U1).orElseThrow();
            assertEquals(A100_0.toString(), instance.parent());
            assertEquals("nvidia-531", instance.typeId());
            assertEquals(List.of(instance), kernel.instances());
            assertEquals(List.of(3L, 6L, 12L, 1L), bus.parent(A100_0).types().stream().map(MdevTypeInfo::availableInstances).toList());
            assertEquals(List.of(U1), bus.type(A100_0.toString(), "nvidia-531").devices());
            int group = instance.iommuGroup().orElseThrow();
            assertEquals(0, group, "the lowest group no GPU has");
            assertTrue(Files.exists(kernel.layout().vfioGroup(group)));

            Vfio vfio = new Vfio(kernel.vfio());
            try (VfioDevice dev = vfio.openDevice(group, U1.toString())) {
                assertEquals(9, dev.info().numRegions());
                assertEquals(2, dev.info().numIrqs());
                // the config region is the guest's config space the factory built
                VfioRegion config = dev.config();
                assertEquals(256, config.size());
                assertEquals((short) GUEST_ID.vendor(), config.read16(0));
                assertEquals((short) GUEST_ID.device(), config.read16(2));
                assertEquals((short) GUEST_ID.subsystemDevice(), config.read16(0x2E));
                assertEquals(0x030200A1, config.read32(8));
                config.write16(4, (short) 0x0007);
                assertEquals(0x0007, config.read16(4));
                config.write16(0, (short) 0x1234); // the ids are read-only
                assertEquals((short) GUEST_ID.vendor(), config.read16(0));
                // BARs: sizes from the type and the simulation, at vfio-pci's offsets
                assertEquals(16L << 20, dev.region(0).size());
                assertEquals(ampere().getFirst().bar1().bytes(), dev.region(1).size());
                assertEquals(32L << 20, dev.region(3).size());
                assertEquals(1L << 40, dev.region(1).info().offset());
                assertEquals(0, dev.region(2).size());
                VfioRegion bar1 = dev.region(1);
                try (VfioMapping m = bar1.map()) {
                    m.segment().set(JAVA_LONG, 200L << 20, 0x1122334455667788L);
                    assertEquals(0x1122334455667788L, bar1.read64(200L << 20));
                }
                assertEquals(0x1122334455667788L, bar1.read64(200L << 20), "pread sees what the mapping wrote");
                dev.region(3).write32(0x100, 42);
                assertEquals(42, dev.region(3).read32(0x100));
                // interrupts through real eventfds; INTx and MSI exclude each other (K17), so one after the other
                try (VfioInterrupts intx = dev.enableInterrupts(VFIO_PCI_INTX_IRQ_INDEX, 1)) {
                    kernel.instanceDevice(U1).orElseThrow().fire(VFIO_PCI_INTX_IRQ_INDEX, 0);
                    assertTrue(intx.await(0, 1000));
                    assertEquals(1, intx.take(0));
                    assertEquals(1, kernel.leaks().eventfds());
                }
                try (VfioInterrupts msi = dev.enableInterrupts(VFIO_PCI_MSI_IRQ_INDEX, 1)) {
                    kernel.instanceDevice(U1).orElseThrow().fire(VFIO_PCI_MSI_IRQ_INDEX, 0);
                    assertTrue(msi.await(0, 1000));
                    assertEquals(1, msi.take(0));
                    assertEquals(1, kernel.leaks().eventfds());
                }
                dev.reset();
                assertEquals(1, kernel.instanceDevice(U1).orElseThrow().resets());
                assertEquals(3, kernel.leaks().vfioFds());
                assertEquals(1, kernel.leaks().memfds());
                // the kernel would block a remove until the device closes (K5): the bus refuses before writing
                DeviceInUseException inUse = assertThrows(DeviceInUseException.class, () -> kernel.mdev(vfio).remove(U1));
                assertTrue(inUse.getMessage().contains("close its VfioDevice first"), inUse.getMessage());
                assertEquals(List.of(), kernel.faults().log(Faults.Seam.MDEV, "remove mdev"), "nothing written");
            }
            assertTrue(kernel.leaks().isClean(), kernel.leaks().toString());
            assertTrue(bus.remove(U1));
            assertEquals(List.of(), kernel.instances());
            assertEquals(List.of(4L, 8L, 16L, 2L), bus.parent(A100_0).types().stream().map(MdevTypeInfo::availableInstances).toList());
            assertFalse(Files.exists(kernel.layout().vfioGroup(group)));
            assertFalse(Files.exists(kernel.layout().iommuGroup(group)));
            assertFalse(bus.remove(U1), "gone already");
        }
    }

    @ParameterizedTest
    @EnumSource(value = VirtualizationMode.class, names = {"NONE", "NMOS"})
    void aPassThroughGpuRefusesTypesAndNothingIsSent(VirtualizationMode mode) {
        try (SimulatedKernel kernel = new SimulatedKernel(oneGpu("580.65.06", mode), GuestConfigFactory.PLAIN_FOR_TESTS);
             RmClient rm = rm(kernel); RmGpu gpu = rm.openGpu(A100_0)) {
            NotVgpuHostException e = assertThrows(NotVgpuHostException.class, () -> gpu.registerTypes(ampere(), true));
            assertEquals(VirtualizationMode.describe(mode.code()), e.virtualizationMode());
            assertEquals(0, kernel.nvidia().received(NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_SET_INFO));
            assertEquals(0, kernel.nvidia().received(NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_MDEV_REGISTER));
            assertEquals(1, kernel.nvidia().received(NvControl.NV0080_CTRL_CMD_GPU_GET_VIRTUALIZATION_MODE));
            assertEquals(List.of(), kernel.mdev(OpenDeviceRegistry.NONE).parents());
            assertEquals(List.of(), kernel.typeTables().get(A100_0));
        }
    }

    @Test
    void leaksAreCountedAndCloseReleasesWhatCallersLeft() {
        SimulatedKernel kernel = new SimulatedKernel(defaultHost("580.65.06"), GuestConfigFactory.PLAIN_FOR_TESTS);
        register(kernel, A100_0, ampere());
        kernel.mdev(OpenDeviceRegistry.NONE).create(A100_0, "nvidia-532", U1);
        assertTrue(kernel.leaks().isClean());
        RmClient rm = rm(kernel);
        RmGpu gpu = rm.openGpu(T4);
        VfioDevice dev = new Vfio(kernel.vfio()).openDevice(0, U1.toString());
        dev.enableInterrupts(VFIO_PCI_INTX_IRQ_INDEX, 1);
        VfioMapping m = dev.region(0).map();
        assertEquals(new SimLeaks(3, 1, 1, 1, 2, 1, 3, 1), kernel.leaks(), "device, group, container; BAR0; INTx; "
                + "nvidiactl and nvidia0; the client with its device and subdevice; the T4");
        assertFalse(kernel.leaks().isClean());
        assertTrue(kernel.leaks().toString().startsWith("LEAKS: vfio fds 3"), kernel.leaks().toString());
        m.close();
        kernel.close();
        assertEquals(new SimLeaks(0, 0, 0, 0, 0, 0, 0, 0), kernel.leaks());
        kernel.close(); // idempotent
        assertTrue(gpu.toString().contains("0000:17:00.0"));
    }

    @Test
    void onlyTheGpusBoundToNvidiaAreTheDrivers() {
        PciDevice passedThrough = gpu(A100_1, A100_ID, 13, Size.gib(64)).toBuilder().driver("vfio-pci").build();
        SimulatedHostSpec spec = SimulatedHostSpec.newBuilder().driverVersion("580.65.06")
                .gpu(SimulatedGpu.host(gpu(A100_0, A100_ID, 12, Size.gib(64)), "A100", A100_FRAMEBUFFER))
                .gpu(SimulatedGpu.host(passedThrough, "A100", A100_FRAMEBUFFER)).build();
        try (SimulatedKernel kernel = new SimulatedKernel(spec, GuestConfigFactory.PLAIN_FOR_TESTS); RmClient rm = rm(kernel)) {
            assertEquals(2, kernel.pci().displayDevices().size());
            assertEquals(java.util.Optional.of("vfio-pci"), kernel.pci().device(A100_1).driver());
            assertEquals(List.of(0x6500), rm.probedGpuIds());
            assertFalse(Files.exists(kernel.layout().dev().resolve("nvidia1")));
            assertEquals(List.of(A100_0), List.copyOf(kernel.typeTables().keySet()));
        }
    }

    @Test
    void aRootIsKeptAndMustBeEmptyOrHoldThisHost(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("host");
        SimulatedHostSpec spec = SimulatedHostSpec.newBuilder().driverVersion("535.43.02")
                .gpu(SimulatedGpu.host(gpu(A100_0, A100_ID, 12, Size.gib(64)), "A100", A100_FRAMEBUFFER)).root(root).build();
        try (SimulatedKernel kernel = new SimulatedKernel(spec, GuestConfigFactory.PLAIN_FOR_TESTS)) {
            assertEquals(root.toAbsolutePath(), kernel.root());
        }
        assertTrue(Files.isDirectory(root.resolve("sys/bus/pci/devices")), "kept after close");
        try (SimulatedKernel again = new SimulatedKernel(spec, GuestConfigFactory.PLAIN_FOR_TESTS)) {
            assertEquals(root.toAbsolutePath(), again.root(), "this host's directory opens again");
        }
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.writeString(other.resolve("notes.txt"), "mine");
        ValidationException e = assertThrows(ValidationException.class, () -> new SimulatedKernel(
                SimulatedHostSpec.newBuilder().driverVersion("535.43.02").gpu(spec.gpus().getFirst()).root(other).build(),
                GuestConfigFactory.PLAIN_FOR_TESTS));
        assertTrue(e.getMessage().contains("an empty or missing directory, or one holding a simulated host"), e.getMessage());
        assertEquals(List.of("notes.txt"), List.of(other.toFile().list()), "nothing written there");
    }

    @Test
    void aSpecIsCheckedWhenBuilt() {
        UnsupportedDriverException old = assertThrows(UnsupportedDriverException.class,
                () -> SimulatedHostSpec.newBuilder().driverVersion("470.256.02").build());
        assertEquals("470.256.02", old.version());
        assertThrows(ValidationException.class, () -> SimulatedHostSpec.newBuilder().build());
        assertThrows(ValidationException.class, () -> SimulatedHostSpec.newBuilder().driverVersion("five fifty").build());
        PciDevice a100 = gpu(A100_0, A100_ID, 12, Size.gib(64));
        ValidationException twice = assertThrows(ValidationException.class, () -> SimulatedHostSpec.newBuilder().driverVersion("550.54.14")
                .gpu(SimulatedGpu.host(a100, "A100", A100_FRAMEBUFFER)).gpu(SimulatedGpu.host(a100, "A100", A100_FRAMEBUFFER)).build());
        assertTrue(twice.getMessage().contains("each GPU address once"), twice.getMessage());
        PciDevice sameGroup = gpu(A100_1, A100_ID, 12, Size.gib(64));
        assertThrows(ValidationException.class, () -> SimulatedHostSpec.newBuilder().driverVersion("550.54.14")
                .gpu(SimulatedGpu.host(a100, "A100", A100_FRAMEBUFFER)).gpu(SimulatedGpu.host(sameGroup, "A100", A100_FRAMEBUFFER)).build());
        assertThrows(ValidationException.class, () -> SimulatedGpu.host(a100, "A100", Size.bytes(12345)));
        assertThrows(ValidationException.class, () -> SimulatedGpu.host(gpu(PciAddress.parse("0000:65:00.1"), A100_ID, 12,
                Size.gib(64)), "A100", A100_FRAMEBUFFER));
        SimulatedHostSpec spec = defaultHost("550.54.14");
        assertEquals(List.of(T4, A100_0, A100_1), spec.gpus().stream().map(g -> g.device().address()).toList(), "sorted");
        assertTrue(spec.toString().startsWith("simulated host: driver 550.54.14, 3 GPUs: 0000:17:00.0 Tesla T4"), spec.toString());
        assertEquals(NvrmAbi.R550, spec.release().abi());
    }

    @Test
    void theRealH100FixtureRunsAsASimulatedGpu() {
        SimulatedHostSpec spec = SimulatedHostSpec.newBuilder().driverVersion("580.65.06")
                .gpu(SimulatedGpu.host(H100Fixture.device(12), "NVIDIA H100 80GB HBM3", Size.mib(81559))).build();
        try (SimulatedKernel kernel = new SimulatedKernel(spec, GuestConfigFactory.PLAIN_FOR_TESTS)) {
            assertEquals(List.of(H100Fixture.device(12)), kernel.pci().displayDevices());
            register(kernel, H100Fixture.ADDRESS, List.of(type(600, "H100/8", 8, 9472)));
            kernel.mdev(OpenDeviceRegistry.NONE).create(H100Fixture.ADDRESS, "nvidia-600", U1);
            try (VfioDevice dev = new Vfio(kernel.vfio()).openDevice(0, U1.toString())) {
                PciDevice h100 = H100Fixture.device(12);
                assertEquals(h100.classCode() << 8 | h100.revision(), dev.config().read32(8), "class and revision of the GPU");
            }
        }
    }

    /**
     * K10: the sample drivers report a config region of 0xff bytes, an off-by-one of theirs. The simulated NVIDIA
     * instance reports its guest space's own size, 4096 for a PCI Express endpoint (as vfio-pci reports a physical
     * one), so that its extended space is reachable; region offsets are the reported ones, and a region without
     * MMAP cannot be mapped.
     */
    @Test
    void k10TheConfigRegionIsAsLargeAsTheGuestSpaceNotTheSampleDrivers0xff() {
        byte[] express = new byte[4096];
        express[0x100] = 0x0B; // an extended capability header, where only a 4096-byte region reaches
        GuestConfigFactory pcie = (physical, type) -> new ConfigSpaceEmulator() {
            @Override public int size() { return express.length; }
            @Override public int read(int offset, int width) {
                int v = 0;
                for (int i = width - 1; i >= 0; i--) v = v << 8 | express[offset + i] & 0xFF;
                return v;
            }
            @Override public void write(int offset, int width, int value) { }
        };
        try (SimulatedKernel kernel = new SimulatedKernel(defaultHost("550.54.14"), pcie)) {
            register(kernel, A100_0, ampere());
            kernel.mdev(OpenDeviceRegistry.NONE).create(A100_0, "nvidia-532", U1);
            try (VfioDevice dev = new Vfio(kernel.vfio()).openDevice(0, U1.toString())) {
                VfioRegion config = dev.config();
                assertEquals(4096, config.size());
                assertEquals(7L << 40, config.info().offset(), "vfio-pci's offset: the reported one");
                assertEquals(0x0B, config.read32(0x100));
                assertThrows(ValidationException.class, () -> config.map(0, 4096), "no MMAP flag");
                try (Arena a = Arena.ofConfined()) {
                    assertEquals(-Errno.EINVAL.number(), kernel.vfio().mmap(new ErrnoCapture(a),
                            RawVfio.deviceFd(kernel.vfio()), 4096, Syscalls.PROT_READ, 7L << 40), "and the kernel refuses it");
                }
            }
        }
    }

    /** The real host of docs/hardware/h100-580.md as a spec: its driver's facts come out of the simulated kernel. */
    @Test
    void aSpecLikeTheRealH100HostAnswersAsItsDriverDid() throws Exception {
        String text = SimulatedNvidia.PROC_VERSION_580_159_04;
        SimulatedHostSpec spec = SimulatedHostSpec.newBuilder().driverVersion("580.159.04").procVersionText(text)
                .gpu(new SimulatedGpu(H100Fixture.device(12), "NVIDIA H100 80GB HBM3", Size.mib(81559), VirtualizationMode.NMOS))
                .build();
        assertEquals(text, spec.versionFileText());
        try (SimulatedKernel kernel = new SimulatedKernel(spec, GuestConfigFactory.PLAIN_FOR_TESTS)) {
            assertEquals(text, Files.readString(Path.of(kernel.nvidiaVersionFile())));
            assertEquals(Optional.of(text), kernel.nvidia().readText(kernel.nvidiaVersionFile()));
            try (RmClient one = rm(kernel); RmClient two = rm(kernel)) {
                assertEquals("580.159.04", one.handshake().versionString());
                assertEquals(List.of(0x6), one.probedGpuIds(), "the real driver's gpu id for 0000:00:06.0");
                assertEquals(one.clientHandle() + 1, two.clientHandle(), "each new client takes the next handle");
                CardInfo card = one.cardInfo().getFirst();
                // as the real driver answered (docs/hardware/h100-580/driver-1.json): its sysfs BAR0 and BAR2
                assertEquals(List.of(0x6, 0, 0x1020_0200_0000L, 0x1000_0000_0000L),
                        List.of(card.gpuId(), card.minor(), card.registerBase(), card.framebufferBase()));
                assertEquals(List.of(Size.mib(16), Size.gib(128)), List.of(card.registerSize(), card.framebufferSize()));
                try (RmGpu gpu = one.openGpu(H100Fixture.ADDRESS)) {
                    assertEquals(List.of(0x6, 0xA1, 0, VirtualizationMode.NMOS.code()),
                            List.of(gpu.gpuId(), gpu.revision(), gpu.deviceInstance(), gpu.virtualizationMode()));
                }
            }
        }
        ValidationException other = assertThrows(ValidationException.class, () -> SimulatedHostSpec.newBuilder()
                .driverVersion("580.65.06").procVersionText(text).build());
        assertTrue(other.getMessage().contains("580.65.06"), other.getMessage());
        assertThrows(ValidationException.class, () -> SimulatedHostSpec.newBuilder().driverVersion("580.159.04")
                .procVersionText("no version here").build());
        assertEquals(SimNvidiaDriver.procVersionText("550.54.14"), defaultHost("550.54.14").versionFileText());
    }

    /** Debian's mdevctl reads the simulated host's tree (through the harness's mount-namespace wrapper). */
    @Test
    void mdevctlReadsTheSimulatedHost() throws Exception {
        try (SimulatedKernel kernel = new SimulatedKernel(defaultHost("550.54.14"), GuestConfigFactory.PLAIN_FOR_TESTS)) {
            register(kernel, A100_0, ampere());
            kernel.mdev(OpenDeviceRegistry.NONE).create(A100_0, "nvidia-532", U1);
            String list = Mdevctl.run(kernel.root(), "list");
            assertEquals(U1 + " " + A100_0 + " nvidia-532 manual", list.strip());
            String types = Mdevctl.run(kernel.root(), "types");
            MdevType eighth = ampere().get(1);
            assertTrue(types.contains("  nvidia-532\n    Available instances: 7\n    Device API: vfio-pci\n    Name: "
                    + eighth.name() + "\n    Description: num_heads=4, frl_config=" + eighth.display().frameRateLimit()
                    + ", framebuffer=4416M, max_resolution=1920x1080, max_instance=8\n"), types);
        }
    }

    @Test
    void availableInstancesReadBackAsTheKernelWritesThem() {
        try (SimulatedKernel kernel = new SimulatedKernel(defaultHost("550.54.14"), GuestConfigFactory.PLAIN_FOR_TESTS)) {
            register(kernel, T4, List.of(type(700, "T4/4", 4, 3136)));
            Path attribute = kernel.layout().mdevType(T4.toString(), "nvidia-700").resolve("available_instances");
            assertEquals("4\n", SysfsReader.text(attribute) + "\n");
            assertEquals(List.of("available_instances", "create", "description", "device_api", "devices", "name"),
                    SysfsReader.names(attribute.getParent()), "no temporary file is left beside the attributes");
        }
    }
}
