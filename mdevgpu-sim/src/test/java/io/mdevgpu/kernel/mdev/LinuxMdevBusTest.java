package io.mdevgpu.kernel.mdev;

import static org.junit.jupiter.api.Assertions.*;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import io.mdevgpu.CapacityException;
import io.mdevgpu.DeviceInUseException;
import io.mdevgpu.Errno;
import io.mdevgpu.HostStateException;
import io.mdevgpu.KernelException;
import io.mdevgpu.NativeAccessException;
import io.mdevgpu.NoSuchDeviceException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.PermissionDeniedException;
import io.mdevgpu.Size;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.sysfs.AttributeWriter;
import io.mdevgpu.kernel.testing.FakeHost;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinuxMdevBusTest {
    @TempDir
    Path root;
    FakeHost host;
    LinuxMdevBus bus;
    Path gpu;

    @BeforeEach
    void fakeHost() {
        host = FakeHost.create(root);
        bus = new LinuxMdevBus(host.layout, OpenDeviceRegistry.NONE);
        gpu = root.resolve("sys/devices/pci0000:00/0000:00:06.0");
    }

    // ---- discovery ----

    @Test
    void findsParentsWithTheirTypes() {
        List<MdevParent> parents = bus.parents();
        assertEquals(List.of("0000:00:06.0", "mbochs"), parents.stream().map(MdevParent::name).toList());

        MdevParent h100 = parents.get(0);
        assertEquals(Optional.of(PciAddress.parse("0000:00:06.0")), h100.address());
        assertEquals(List.of("nvidia-529", "nvidia-530"), h100.types().stream().map(MdevTypeInfo::id).toList());
        MdevTypeInfo q4 = h100.type("nvidia-529").orElseThrow();
        assertEquals("0000:00:06.0", q4.parent());
        assertEquals(Optional.of("GRID H100-4Q"), q4.name());
        assertEquals(Optional.of(FakeHost.Q4_DESCRIPTION), q4.description());
        assertEquals("vfio-pci", q4.deviceApi());
        assertEquals(11, q4.availableInstances());
        assertEquals(List.of(FakeHost.INSTANCE), q4.devices());
        NvidiaTypeDescription nv = q4.nvidia().orElseThrow();
        assertEquals(4, nv.numHeads());
        assertEquals(45, nv.frlConfig());
        assertEquals(Size.mib(2048), nv.framebuffer());
        assertEquals(5120, nv.maxResolutionX());
        assertEquals(2880, nv.maxResolutionY());
        assertEquals(12, nv.maxInstance());

        MdevTypeInfo q80 = h100.type("nvidia-530").orElseThrow();
        assertEquals(Optional.empty(), q80.name());
        assertEquals(Optional.empty(), q80.description());
        assertEquals(Optional.empty(), q80.nvidia());
        assertEquals(0, q80.availableInstances());
        assertEquals(List.of(), q80.devices());

        MdevParent mbochs = parents.get(1);
        assertEquals(Optional.empty(), mbochs.address());
        MdevTypeInfo small = mbochs.type("mbochs-small").orElseThrow();
        assertEquals(63, small.availableInstances());
        assertEquals(Optional.empty(), small.nvidia(), "free text is not NVIDIA's description");
        assertEquals(Optional.empty(), mbochs.type("mbochs-large"));

        assertEquals(h100, bus.parent(PciAddress.parse("0000:00:06.0")));
        assertEquals(q80, bus.type("0000:00:06.0", "nvidia-530"));
    }

    @Test
    void valuesPrintOnOneLine() {
        MdevParent h100 = bus.parent("0000:00:06.0");
        assertEquals("0000:00:06.0: nvidia-529 (11 available), nvidia-530 (0 available)", h100.toString());
        assertEquals("nvidia-529 \"GRID H100-4Q\" on 0000:00:06.0: vfio-pci, 11 available, 1 instance, " + FakeHost.Q4_DESCRIPTION,
                h100.types().get(0).toString());
        assertEquals("nvidia-530 on 0000:00:06.0: vfio-pci, 0 available, 0 instances", h100.types().get(1).toString());
        assertEquals(FakeHost.INSTANCE + " 0000:00:06.0 nvidia-529 iommu_group=40", bus.instances().getFirst().toString());
    }

    @Test
    void findsInstancesWithTypeParentAndGroup() {
        List<MdevInstanceInfo> instances = bus.instances();
        assertEquals(List.of(new MdevInstanceInfo(FakeHost.INSTANCE, "0000:00:06.0", "nvidia-529", OptionalInt.of(40))),
                instances);
        assertEquals(Optional.of(instances.getFirst()), bus.instance(FakeHost.INSTANCE));
        assertEquals(Optional.empty(), bus.instance(UUID.randomUUID()));
    }

    @Test
    void anInstanceWithoutAGroupAndOddNamesOnTheBus() throws IOException {
        UUID second = UUID.fromString("00000000-0000-4000-8000-000000000001");
        host.writer.mdevInstance(new MdevInstanceInfo(second, "mbochs", "mbochs-small", OptionalInt.empty()));
        Files.createDirectory(root.resolve("sys/bus/mdev/devices/not-a-uuid"));
        Files.createDirectory(root.resolve("sys/bus/mdev/devices/" + UUID.randomUUID().toString().toUpperCase()));
        assertEquals(List.of(second, FakeHost.INSTANCE), bus.instances().stream().map(MdevInstanceInfo::uuid).toList());
        assertEquals(new MdevInstanceInfo(second, "mbochs", "mbochs-small", OptionalInt.empty()),
                bus.instance(second).orElseThrow());
    }

    @Test
    void unknownParentsAndTypesAreTypedErrorsListingWhatExists() {
        NoSuchDeviceException e = assertThrows(NoSuchDeviceException.class, () -> bus.parent("0000:65:00.0"));
        assertTrue(e.getMessage().contains("registered parents: 0000:00:06.0, mbochs"), e.getMessage());
        e = assertThrows(NoSuchDeviceException.class, () -> bus.type("0000:00:06.0", "nvidia-999"));
        assertTrue(e.getMessage().contains("nvidia-529, nvidia-530"), e.getMessage());
        assertThrows(ValidationException.class, () -> bus.parent("../../etc"));
    }

    @Test
    void mandatoryTypeAttributesMustBeThereAndWellFormed() throws IOException {
        Path type = host.layout.mdevType(FakeHost.H100, FakeHost.Q80);
        Files.delete(type.resolve("device_api"));
        NoSuchDeviceException missing = assertThrows(NoSuchDeviceException.class, bus::parents);
        assertTrue(missing.getMessage().contains(type.resolve("device_api").toString()), missing.getMessage());
        Files.writeString(type.resolve("device_api"), "vfio-pci\n");

        for (String bad : new String[] {"many\n", "-1\n", "\n"}) {
            Files.writeString(type.resolve("available_instances"), bad);
            HostStateException e = assertThrows(HostStateException.class, bus::parents, bad);
            assertTrue(e.getMessage().contains(type.resolve("available_instances").toString()), e.getMessage());
        }
    }

    @Test
    void anInstanceWithoutItsTypeLinkIsATypedError() throws IOException {
        Path link = host.layout.mdevDevice(FakeHost.INSTANCE).resolve("mdev_type");
        Files.delete(link);
        NoSuchDeviceException e = assertThrows(NoSuchDeviceException.class, bus::instances);
        assertTrue(e.getMessage().contains(link.toString()), e.getMessage());
    }

    // ---- create ----

    @Test
    void createWritesTheLowerCaseUuidToTheTypesCreateFile() throws IOException {
        UUID uuid = UUID.fromString("3F2504E0-4F89-41D3-9A0C-0305E82C3301");
        bus.create("0000:00:06.0", "nvidia-529", uuid);
        assertEquals("3f2504e0-4f89-41d3-9a0c-0305e82c3301",
                Files.readString(gpu.resolve("mdev_supported_types/nvidia-529/create")));
        bus.create(PciAddress.parse("0000:00:06.0"), "nvidia-530", uuid);
        assertEquals("3f2504e0-4f89-41d3-9a0c-0305e82c3301",
                Files.readString(gpu.resolve("mdev_supported_types/nvidia-530/create")));
    }

    @Test
    void createOnAnUnknownParentOrTypeNamesWhatExists() {
        UUID uuid = UUID.randomUUID();
        // real write(2): open fails with ENOENT
        NoSuchDeviceException e = assertThrows(NoSuchDeviceException.class, () -> bus.create("0000:65:00.0", "nvidia-529", uuid));
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().contains(uuid + " of type nvidia-529 on parent 0000:65:00.0"), e.getMessage());
        assertTrue(e.getMessage().contains("there is no mdev parent 0000:65:00.0 (parents: 0000:00:06.0, mbochs)"), e.getMessage());

        e = assertThrows(NoSuchDeviceException.class, () -> bus.create("0000:00:06.0", "nvidia-999", uuid));
        assertTrue(e.getMessage().contains("parent 0000:00:06.0 has no type nvidia-999 (its types: nvidia-529, nvidia-530)"),
                e.getMessage());
    }

    @Test
    void createKeepsTheKernelsErrno() throws IOException {
        Path create = host.layout.mdevCreate(FakeHost.H100, FakeHost.Q4);
        Files.delete(create);
        Files.createDirectory(create); // open(O_WRONLY) on a directory: EISDIR
        UUID uuid = UUID.randomUUID();
        KernelException e = assertThrows(KernelException.class, () -> bus.create("0000:00:06.0", "nvidia-529", uuid));
        assertEquals(Errno.EISDIR, e.errno());
        assertEquals("create mdev", e.operation());
        assertTrue(e.getMessage().contains(uuid + " of type nvidia-529 on parent 0000:00:06.0 (" + create + ")"), e.getMessage());
        assertTrue(e.getMessage().contains("EISDIR (Is a directory)"), e.getMessage());
    }

    @Test
    void capacityErrorsSayHowManyAreLeft() {
        AttributeWriter kernel = mock(AttributeWriter.class);
        doThrow(KernelException.of("create mdev", "create", Errno.EUSERS, null))
                .when(kernel).write(any(), anyString(), anyString());
        LinuxMdevBus full = new LinuxMdevBus(host.layout, OpenDeviceRegistry.NONE, kernel);
        UUID uuid = UUID.randomUUID();
        CapacityException e = assertThrows(CapacityException.class, () -> full.create("0000:00:06.0", "nvidia-530", uuid));
        assertEquals(Errno.EUSERS, e.errno());
        assertTrue(e.getMessage().contains(
                "no instances left of type nvidia-530 on parent 0000:00:06.0: available_instances is 0; remove an instance first"),
                e.getMessage());
        verify(kernel).write(host.layout.mdevCreate("0000:00:06.0", "nvidia-530"), uuid.toString(), "create mdev");
    }

    @Test
    void badNamesAreRefusedBeforeAnyWrite() {
        AttributeWriter kernel = mock(AttributeWriter.class);
        LinuxMdevBus checked = new LinuxMdevBus(host.layout, OpenDeviceRegistry.NONE, kernel);
        assertThrows(ValidationException.class, () -> checked.create("..", "nvidia-529", UUID.randomUUID()));
        assertThrows(ValidationException.class, () -> checked.create("0000:00:06.0", "a/create", UUID.randomUUID()));
        assertThrows(NullPointerException.class, () -> checked.create("0000:00:06.0", "nvidia-529", null));
        verifyNoInteractions(kernel);
    }

    // ---- remove ----

    @Test
    void removeWritesOneToTheInstancesRemoveFile() throws IOException {
        assertTrue(bus.remove(FakeHost.INSTANCE));
        assertEquals("1", Files.readString(gpu.resolve(FakeHost.INSTANCE + "/remove")));
    }

    @Test
    void removingAnInstanceThatIsNotThereIsNoError() {
        // real write(2): open of .../<uuid>/remove fails with ENOENT, which means "already gone"
        assertFalse(bus.remove(UUID.randomUUID()));
    }

    @Test
    void anOpenInstanceIsNotRemovedAndNothingIsWritten() {
        AttributeWriter kernel = mock(AttributeWriter.class);
        OpenDeviceRegistry open = mock(OpenDeviceRegistry.class);
        when(open.isOpen(FakeHost.INSTANCE)).thenReturn(true);
        LinuxMdevBus guarded = new LinuxMdevBus(host.layout, open, kernel);
        DeviceInUseException e = assertThrows(DeviceInUseException.class, () -> guarded.remove(FakeHost.INSTANCE));
        assertTrue(e.getMessage().contains("remove mdev " + FakeHost.INSTANCE), e.getMessage());
        assertTrue(e.getMessage().contains("close its VfioDevice first"), e.getMessage());
        verify(open).isOpen(FakeHost.INSTANCE);
        verifyNoInteractions(kernel);
        assertTrue(Files.exists(root.resolve("sys/bus/mdev/devices/" + FakeHost.INSTANCE)));
    }

    @Test
    void ofConcurrentRemoversOneActsAndNoneFails() throws Exception {
        // the mdev core's behaviour: the first write removes the device, later ones find no file (ENODEV/ENOENT)
        AtomicInteger writes = new AtomicInteger();
        AttributeWriter kernel = (attribute, text, operation) -> {
            writes.incrementAndGet();
            synchronized (this) {
                if (!Files.exists(attribute)) {
                    throw KernelException.of(operation, attribute.toString(),
                            writes.get() % 2 == 0 ? Errno.ENODEV : Errno.ENOENT, null);
                }
                host.writer.removeMdevInstance(FakeHost.INSTANCE);
            }
        };
        LinuxMdevBus shared = new LinuxMdevBus(host.layout, OpenDeviceRegistry.NONE, kernel);
        int removers = 8;
        CyclicBarrier start = new CyclicBarrier(removers);
        try (ExecutorService pool = Executors.newFixedThreadPool(removers)) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < removers; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return shared.remove(FakeHost.INSTANCE);
                }));
            }
            int acted = 0;
            for (Future<Boolean> r : results) if (r.get()) acted++;
            assertEquals(1, acted);
        }
        // removers that meet the first write in flight wait for it instead of writing again
        assertTrue(writes.get() >= 1 && writes.get() <= removers, writes + " writes");
        assertEquals(List.of(), bus.instances());
    }

    @Test
    void aRemoverThatMeetsAnotherWaitsForItToFinish() throws Exception {
        // EAGAIN: the mdev core is busy with the instance in another thread; it is gone a moment later
        AttributeWriter kernel = (attribute, text, operation) -> {
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
                host.writer.removeMdevInstance(FakeHost.INSTANCE);
            });
            throw KernelException.of(operation, attribute.toString(), Errno.EAGAIN, null);
        };
        assertFalse(new LinuxMdevBus(host.layout, OpenDeviceRegistry.NONE, kernel).remove(FakeHost.INSTANCE));
        assertEquals(Optional.empty(), bus.instance(FakeHost.INSTANCE));
    }

    @Test
    void aRemoveRetriedAtOnceAfterAFailureWritesAnew() {
        // the remover's write ends in a thread of its own; the caller's retry must not join that ended write
        AtomicInteger writes = new AtomicInteger();
        AttributeWriter flaky = (attribute, text, operation) -> {
            if (writes.incrementAndGet() % 2 == 1) throw KernelException.of(operation, attribute.toString(), Errno.EIO, null);
        };
        LinuxMdevBus retrying = new LinuxMdevBus(host.layout, OpenDeviceRegistry.NONE, flaky);
        for (int i = 0; i < 300; i++) {
            KernelException e = assertThrows(KernelException.class, () -> retrying.remove(FakeHost.INSTANCE));
            assertEquals(Errno.EIO, e.errno());
            assertTrue(retrying.remove(FakeHost.INSTANCE), "round " + i + ": the retry wrote anew");
            assertEquals(2 * (i + 1), writes.get(), "round " + i);
        }
    }

    @Test
    void aRemoveThatStaysBusyFailsWithItsErrno() {
        AttributeWriter kernel = (attribute, text, operation) -> {
            throw KernelException.of(operation, attribute.toString(), Errno.EAGAIN, null);
        };
        LinuxMdevBus busy = new LinuxMdevBus(host.layout, OpenDeviceRegistry.NONE, kernel, root.resolve("proc"),
                Duration.ofMillis(50));
        KernelException e = assertThrows(KernelException.class, () -> busy.remove(FakeHost.INSTANCE));
        assertEquals(Errno.EAGAIN, e.errno());
        assertTrue(e.getMessage().contains("being created or removed by another process; try again"), e.getMessage());
    }

    // ---- remove while another process holds the instance (kernel facts, harness/README.md) ----

    /** A process of the fake /proc with an fd whose link reads {@code target}. */
    private void fakeProcess(long pid, String command, String target) throws IOException {
        Path process = root.resolve("proc/" + pid);
        Files.createDirectories(process.resolve("fd"));
        Files.writeString(process.resolve("comm"), command + "\n");
        try (var fds = Files.list(process.resolve("fd"))) {
            Files.createSymbolicLink(process.resolve("fd/" + (3 + fds.count())), Path.of(target));
        }
    }

    @Test
    void anotherProcessHoldingTheGroupIsRefusedBeforeAnyWrite() throws IOException {
        fakeProcess(4242, "qemu-system-x86", "/dev/null");
        fakeProcess(4242, "qemu-system-x86", host.layout.vfioGroup(FakeHost.INSTANCE_GROUP).toString());
        fakeProcess(4343, "bash", host.layout.vfioGroup(FakeHost.INSTANCE_GROUP + 1).toString());
        AttributeWriter kernel = mock(AttributeWriter.class);
        LinuxMdevBus guarded = new LinuxMdevBus(host.layout, OpenDeviceRegistry.NONE, kernel);
        DeviceInUseException e = assertThrows(DeviceInUseException.class, () -> guarded.remove(FakeHost.INSTANCE));
        assertEquals("remove mdev " + FakeHost.INSTANCE + ": the device is in use. process 4242 (qemu-system-x86) holds "
                + host.layout.vfioGroup(FakeHost.INSTANCE_GROUP) + " open and the kernel would block the remove until it"
                + " closes it; nothing was written: stop that process (or the VM it runs) first", e.getMessage());
        verifyNoInteractions(kernel);
    }

    @Test
    void anotherProcessHoldingTheDevicesOwnVfioNodeIsRefused() throws IOException {
        // kernels with VFIO_DEVICE_CDEV give the instance /dev/vfio/devices/vfioN, named in its vfio-dev/
        Files.createDirectories(root.resolve("sys/bus/mdev/devices/" + FakeHost.INSTANCE + "/vfio-dev/vfio3"));
        fakeProcess(77, "qemu", host.layout.vfioDeviceNode("vfio3").toString());
        AttributeWriter kernel = mock(AttributeWriter.class);
        DeviceInUseException e = assertThrows(DeviceInUseException.class,
                () -> new LinuxMdevBus(host.layout, OpenDeviceRegistry.NONE, kernel).remove(FakeHost.INSTANCE));
        assertTrue(e.getMessage().contains("process 77 (qemu) holds " + host.layout.vfioGroup(FakeHost.INSTANCE_GROUP)
                + " or " + root.resolve("dev/vfio/devices/vfio3") + " open"), e.getMessage());
        verifyNoInteractions(kernel);
    }

    @Test
    void thisProcessInProcIsNoOtherHolder() throws IOException {
        fakeProcess(ProcessHandle.current().pid(), "java", host.layout.vfioGroup(FakeHost.INSTANCE_GROUP).toString());
        assertTrue(bus.remove(FakeHost.INSTANCE), "the registry, not /proc, speaks for this process");
    }

    @Test
    void aRemoveTheKernelHoldsBackIsInUseWithinTheTimeoutAndCompletesWhenTheHolderCloses() throws Exception {
        // the kernel with a holder of a bare device fd: it unlists the instance at once, then blocks the write
        // until the holder closes; /proc shows only an anonymous vfio-device fd
        fakeProcess(4242, "vfio-probe", "anon_inode:[vfio-device]");
        CountDownLatch holderCloses = new CountDownLatch(1);
        AtomicInteger writes = new AtomicInteger();
        AttributeWriter kernel = (attribute, text, operation) -> {
            writes.incrementAndGet();
            if (!Files.exists(attribute)) throw KernelException.of(operation, attribute.toString(), Errno.ENOENT, null);
            host.writer.removeMdevInstance(FakeHost.INSTANCE);
            try {
                holderCloses.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        };
        LinuxMdevBus blocking = new LinuxMdevBus(host.layout, OpenDeviceRegistry.NONE, kernel, root.resolve("proc"),
                Duration.ofMillis(200));
        long start = System.nanoTime();
        DeviceInUseException e = assertThrows(DeviceInUseException.class, () -> blocking.remove(FakeHost.INSTANCE));
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "within the timeout");
        assertTrue(e.getMessage().startsWith("remove mdev " + FakeHost.INSTANCE + " ("
                + host.layout.mdevRemove(FakeHost.INSTANCE) + "): the device is in use. the kernel did not finish the"
                + " remove within 200 ms, so a process holds the device open (processes with a VFIO device fd: 4242"
                + " (vfio-probe))"), e.getMessage());
        assertEquals(Optional.empty(), blocking.instance(FakeHost.INSTANCE), "unlisted already");

        // asked again while the kernel still holds the first write: in use again, and no second write
        assertThrows(DeviceInUseException.class, () -> blocking.remove(FakeHost.INSTANCE));
        assertEquals(1, writes.get());

        holderCloses.countDown();
        assertFalse(blocking.remove(FakeHost.INSTANCE), "the first write finished the remove");
        assertTrue(writes.get() <= 2, "at most one more write, which found it gone");
    }

    @Test
    void aRemoveTimeoutMustBePositive() {
        assertThrows(ValidationException.class, () -> new LinuxMdevBus(host.layout, OpenDeviceRegistry.NONE,
                AttributeWriter.LINUX, root.resolve("proc"), Duration.ZERO));
    }

    @Test
    void aRemoveWithoutPrivilegeSaysSo() {
        AttributeWriter kernel = (attribute, text, operation) -> {
            throw KernelException.of(operation, attribute.toString(), Errno.EACCES, null);
        };
        PermissionDeniedException e = assertThrows(PermissionDeniedException.class,
                () -> new LinuxMdevBus(host.layout, OpenDeviceRegistry.NONE, kernel).remove(FakeHost.INSTANCE));
        assertTrue(e.getMessage().contains("remove mdev " + FakeHost.INSTANCE), e.getMessage());
        assertTrue(e.getMessage().contains("run as root"), e.getMessage());
    }

    @Test
    void aWriteThatFailsOutsideTheKernelKeepsItsOwnError() {
        // the write runs in a thread of its own; what it throws reaches the caller unwrapped
        AttributeWriter noNativeAccess = (attribute, text, operation) -> {
            throw new NativeAccessException(operation + " " + attribute, "--enable-native-access=ALL-UNNAMED");
        };
        assertThrows(NativeAccessException.class,
                () -> new LinuxMdevBus(host.layout, OpenDeviceRegistry.NONE, noNativeAccess).remove(FakeHost.INSTANCE));
    }
}
