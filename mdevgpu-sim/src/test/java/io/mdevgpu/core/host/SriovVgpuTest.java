package io.mdevgpu.core.host;

import io.mdevgpu.DeviceBusyException;
import io.mdevgpu.DeviceInUseException;
import io.mdevgpu.Errno;
import io.mdevgpu.HostSpec;
import io.mdevgpu.InvalidArgumentException;
import io.mdevgpu.MdevHost;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.NoSuchDeviceException;
import io.mdevgpu.ParentDevice;
import io.mdevgpu.PciAddress;
import io.mdevgpu.Plan;
import io.mdevgpu.ValidationException;
import io.mdevgpu.VfioDevice;
import io.mdevgpu.VgpuBackend;
import io.mdevgpu.VirtualFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.mdevgpu.core.host.SimHosts.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * vGPUs on SR-IOV virtual functions (NVIDIA's vendor-specific VFIO) through the same API as mdev instances, on the
 * built-in {@code sriov} host: two H100 80GB on driver 580 whose VFs start disabled.
 */
class SriovVgpuTest {
    static final PciAddress H100 = PciAddress.parse("0000:17:00.0");
    static final PciAddress FIRST_VF = PciAddress.parse("0000:17:00.4");

    static EngineHost applied() {
        EngineHost host = open("sriov");
        host.plan(sample("open-vampere")).apply();
        return host;
    }

    static VgpuBackend.SriovVfio sriov(ParentDevice gpu) {
        return assertInstanceOf(VgpuBackend.SriovVfio.class, gpu.backend());
    }

    private static Path currentType(EngineHost host, PciAddress vf) {
        return host.kernel().layout().nvidiaVfCurrentType(vf);
    }

    @Test
    void eachGpuSaysWhichBackendItHas() {
        try (EngineHost host = open("sriov")) {
            VgpuBackend.SriovVfio b = sriov(host.gpu("17:00.0"));
            assertEquals(32, b.totalVfs());
            assertEquals(0, b.enabled());
        }
        try (EngineHost host = open("default")) {
            assertEquals(new VgpuBackend.Mdev(), host.gpu("65:00.0").backend());
        }
        try (EngineHost host = open("h100-580")) {
            VgpuBackend.None none = assertInstanceOf(VgpuBackend.None.class, host.gpus().getFirst().backend());
            assertTrue(none.reason().contains("pass-through") && none.reason().contains("no SR-IOV capability"), none.reason());
        }
    }

    /** Harness K23: a VF's config space reads 0xffff as vendor and device; sysfs has its ids, and discovery reads those. */
    @Test
    void aVfsConfigSpaceReadsAllOnesAsItsIdsWhileSysfsNamesThem() throws java.io.IOException {
        try (EngineHost host = applied()) {
            byte[] config = java.nio.file.Files.readAllBytes(host.kernel().layout().pciDevice(FIRST_VF).resolve("config"));
            for (int i = 0; i < 4; i++) assertEquals((byte) 0xff, config[i], "config byte " + i);
            io.mdevgpu.kernel.pci.PciDevice vf = host.kernel().pci().device(FIRST_VF);
            assertEquals(0x10de, vf.id().vendor());
            assertEquals(0x2330, vf.id().device(), "the capability's VF device id, from sysfs");
            assertEquals(host.kernel().pci().device(H100).classCode(), vf.classCode(), "the class is in config space as usual");
        }
    }

    @Test
    void applyEnablesTheVfsWhichAreNoGpusAndOfferTheRegisteredTypes() {
        try (EngineHost host = open("sriov")) {
            Plan plan = host.plan(sample("open-vampere"));
            assertTrue(plan.gpus().getFirst().changes().contains("enable 32 SR-IOV VF(s) of 32 (none enabled now)"),
                    plan::toString);
            assertTrue(plan.notes().stream().anyMatch(n -> n.contains("assumed (not publicly known)")
                    && n.contains("SET_INFO")), plan::toString);
            plan.apply();
            assertEquals(List.of(H100, PciAddress.parse("0000:65:00.0")), host.gpus().stream().map(ParentDevice::address).toList(),
                    "VFs are display-class functions, but no GPUs");
            VgpuBackend.SriovVfio b = sriov(host.gpu("17:00.0"));
            assertEquals(32, b.enabled());
            assertEquals(32, b.free());
            assertEquals(FIRST_VF, b.vfs().getFirst().address());
            assertEquals(List.of("nvidia-529", "nvidia-530", "nvidia-531", "nvidia-532"),
                    host.gpu("17:00.0").types().stream().map(t -> t.id()).toList());
            assertEquals(0, host.bus().parents().size(), "no mdev parent on a vendor-VFIO host");
            // applied again: nothing changes, the VFs stay
            assertTrue(host.plan(sample("open-vampere")).gpus().getFirst().changes().contains("keep its 32 SR-IOV VF(s) enabled (of 32)"));
        }
    }

    @Test
    void createPicksAFreeVfOrTheNamedOneAndRemoveFreesIt() throws Exception {
        try (EngineHost host = applied()) {
            ParentDevice gpu = host.gpu("17:00.0");
            UUID u = UUID.randomUUID();
            MdevInstance first = gpu.create("532", u);
            assertEquals(Optional.of(FIRST_VF), first.virtualFunction());
            assertEquals("nvidia-532", first.typeId());
            assertEquals(H100, first.parent());
            assertEquals("532", Files.readString(currentType(host, FIRST_VF)).strip());
            assertEquals(u.toString(), Files.readString(host.kernel().layout().sys().resolveSibling("run")
                    .resolve("mdevgpu/vf/" + FIRST_VF)).strip(), "the owner record");
            MdevInstance second = gpu.create("nvidia-532");
            assertEquals(Optional.of(PciAddress.parse("0000:17:00.5")), second.virtualFunction());
            PciAddress named = PciAddress.parse("0000:17:01.1");
            assertEquals(Optional.of(named), gpu.create("532", UUID.randomUUID(), named).virtualFunction());
            assertEquals(3, host.instances().size());
            assertEquals(Optional.of(FIRST_VF), host.instance(u).orElseThrow().virtualFunction());
            assertTrue(first.hostdevXml().contains("type='pci' managed='no'") && first.hostdevXml().contains("function='0x4'"),
                    first.hostdevXml());

            DeviceBusyException busy = assertThrows(DeviceBusyException.class, () -> gpu.create("532", UUID.randomUUID(), FIRST_VF));
            assertEquals(Errno.EBUSY, busy.errno());
            InvalidArgumentException otherSize = assertThrows(InvalidArgumentException.class, () -> gpu.create("529"));
            assertEquals(Errno.EINVAL, otherSize.errno());
            assertTrue(otherSize.getMessage().contains("nvidia-532"), otherSize.getMessage());
            assertThrows(ValidationException.class, () -> gpu.create("532", UUID.randomUUID(), PciAddress.parse("0000:65:00.4")),
                    "a VF of another GPU");

            first.remove();
            assertEquals("0", Files.readString(currentType(host, FIRST_VF)).strip());
            assertTrue(host.instance(u).isEmpty());
            assertFalse(Files.exists(host.kernel().layout().sys().resolveSibling("run").resolve("mdevgpu/vf/" + FIRST_VF)));
            for (MdevInstance i : host.instances()) i.remove();
            assertEquals(32, sriov(gpu).free());
        }
    }

    @Test
    void aVgpuOpensThroughItsVfsOwnVfioDeviceAndIsNotRemovedWhileOpen() {
        try (EngineHost host = applied()) {
            MdevInstance vgpu = host.gpu("17:00.0").create("531");
            try (VfioDevice device = vgpu.open()) {
                assertEquals(FIRST_VF.toString(), device.name());
                assertEquals(0x20b0, device.config().read(2, 2), "the guest sees the type's identity");
                assertThrows(DeviceInUseException.class, vgpu::remove);
                assertEquals("531", Files.readString(currentType(host, FIRST_VF)).strip());
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            vgpu.remove();
            assertTrue(host.instances().isEmpty());
        }
    }

    /**
     * The driver refuses to free a VF whose VFIO device is open, whoever holds it: on a host kept in a directory the
     * other host (another process's, here another kernel of this one) learns of the open through the shared state.
     */
    @Test
    void aVfOpenThroughAnotherHostOfItsDirectoryIsNotFreedThereUntilClosed(@TempDir Path dir) throws Exception {
        try (MdevHost a = MdevHost.open(HostSpec.simulatedAt("sriov", dir));
             MdevHost b = MdevHost.open(HostSpec.simulatedAt("sriov", dir))) {
            a.plan(sample("open-vampere")).apply();
            MdevInstance vgpu = a.gpu("17:00.0").create("532");
            MdevInstance seenByB = b.instance(vgpu.uuid()).orElseThrow();
            try (VfioDevice held = vgpu.open()) {
                DeviceBusyException busy = assertThrows(DeviceBusyException.class, seenByB::remove);
                assertEquals(Errno.EBUSY, busy.errno());
                assertTrue(busy.getMessage().contains("is open (a VM or process uses the vGPU)"), busy.getMessage());
                assertEquals("532", Files.readString(((EngineHost) b).kernel().layout().nvidiaVfCurrentType(FIRST_VF)).strip(),
                        "the VF keeps its vGPU");
                assertThrows(DeviceBusyException.class, seenByB::open, "its group is open once on the whole host");
                assertEquals(0x10de, held.config().read(0, 2), "the holder still uses it");
            }
            seenByB.remove();
            assertTrue(a.instances().isEmpty());
            assertFalse(Files.readString(dir.resolve("run/mdevgpu-sim/kernel.state")).contains("\nholder "),
                    "the close took the holder out of the shared state");
        }
    }

    @Test
    void vfsAreEnabledIdempotentlyAndNotDisabledUnderAVgpu() {
        try (EngineHost host = applied()) {
            ParentDevice gpu = host.gpu("17:00.0");
            gpu.enableVirtualFunctions(32); // as it is: nothing happens
            MdevInstance vgpu = gpu.create("532");
            DeviceInUseException refused = assertThrows(DeviceInUseException.class, gpu::disableVirtualFunctions);
            assertTrue(refused.getMessage().contains(FIRST_VF.toString()), refused.getMessage());
            assertEquals(32, sriov(gpu).enabled(), "nothing changed");
            assertThrows(DeviceInUseException.class, () -> gpu.heterogeneousMode(true));
            vgpu.remove();

            gpu.heterogeneousMode(true);
            assertEquals(Optional.of(true), sriov(gpu).heterogeneous());
            gpu.create("532");
            gpu.create("529"); // another size beside it: heterogeneous
            for (MdevInstance i : host.instances()) i.remove();

            gpu.enableVirtualFunctions(4);
            assertEquals(4, sriov(gpu).enabled());
            assertEquals(Optional.of(false), sriov(gpu).heterogeneous(), "enabling again resets heterogeneous mode");
            assertThrows(ValidationException.class, () -> gpu.enableVirtualFunctions(33));
            gpu.disableVirtualFunctions();
            assertEquals(0, sriov(gpu).enabled());
            assertFalse(Files.exists(host.kernel().layout().pciDevice(FIRST_VF)), "the VF is gone from sysfs");
            NoSuchDeviceException gone = assertThrows(NoSuchDeviceException.class,
                    () -> host.kernel().nvidiaVf().setType(FIRST_VF, 532));
            assertNotNull(gone.errno());
            assertThrows(io.mdevgpu.KernelException.class, () -> gpu.create("532"), "no VF enabled");
        }
    }

    /** Debian's mdevctl (through the harness's mount-namespace wrapper) finds no mdev parent on a vendor-VFIO host. */
    @Test
    void mdevctlSeesNoMdevParentOnTheSriovGpus() throws Exception {
        try (EngineHost host = applied()) {
            host.gpu("17:00.0").create("532");
            java.nio.file.Path root = sim(host).root();
            assertEquals("", io.mdevgpu.kernel.testing.Mdevctl.run(root, "types").strip(), "no parent, no types");
            assertEquals("", io.mdevgpu.kernel.testing.Mdevctl.run(root, "list").strip(), "a VF's vGPU is no mdev");
            assertTrue(Files.isSymbolicLink(host.kernel().layout().pciDeviceDirectory(H100).resolve("virtfn0")),
                    "the tree has the VFs, as sysfs does");
        }
    }

    @Test
    void twoHostsOfOneDirectoryNeverTakeOneVf(@TempDir Path dir) throws Exception {
        try (MdevHost a = MdevHost.open(HostSpec.simulatedAt("sriov", dir))) {
            a.plan(sample("open-vampere")).apply();
        }
        int rounds = 6;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (MdevHost a = MdevHost.open(HostSpec.simulatedAt("sriov", dir));
             MdevHost b = MdevHost.open(HostSpec.simulatedAt("sriov", dir))) {
            for (int r = 0; r < rounds; r++) {
                PciAddress vf = PciAddress.parse("0000:17:00." + (4 + r % 4));
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Object>> both = new ArrayList<>();
                for (MdevHost h : List.of(a, b)) {
                    Callable<Object> create = () -> {
                        go.await();
                        try {
                            return h.gpu("17:00.0").create("532", UUID.randomUUID(), vf);
                        } catch (DeviceBusyException e) {
                            return e;
                        }
                    };
                    both.add(pool.submit(create));
                }
                go.countDown();
                List<Object> results = List.of(both.get(0).get(), both.get(1).get());
                assertEquals(1, results.stream().filter(o -> o instanceof MdevInstance).count(), results::toString);
                MdevInstance won = (MdevInstance) results.stream().filter(o -> o instanceof MdevInstance).findFirst().orElseThrow();
                VirtualFunction seen = sriov(b.gpu("17:00.0")).vfs().stream().filter(v -> v.address().equals(vf)).findFirst().orElseThrow();
                assertEquals(Optional.of(won.uuid()), seen.owner(), "the other process reads the winner's record");
                a.instance(won.uuid()).orElseThrow().remove();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
