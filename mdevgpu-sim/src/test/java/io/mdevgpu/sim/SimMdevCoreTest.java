package io.mdevgpu.sim;

import static io.mdevgpu.sim.SimHosts.*;
import static io.mdevgpu.sim.SimulatedKernelTest.register;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.RepeatedTest;

import io.mdevgpu.AlreadyExistsException;
import io.mdevgpu.CapacityException;
import io.mdevgpu.DeviceInUseException;
import io.mdevgpu.Errno;
import io.mdevgpu.InvalidArgumentException;
import io.mdevgpu.KernelException;
import io.mdevgpu.MdevException;
import io.mdevgpu.MdevType;
import io.mdevgpu.NoSuchDeviceException;
import io.mdevgpu.PermissionDeniedException;
import io.mdevgpu.kernel.mdev.LinuxMdevBus;
import io.mdevgpu.kernel.mdev.MdevBus;
import io.mdevgpu.kernel.mdev.MdevTypeInfo;
import io.mdevgpu.kernel.mdev.OpenDeviceRegistry;
import io.mdevgpu.kernel.sysfs.AttributeWriter;
import io.mdevgpu.kernel.vfio.Vfio;
import io.mdevgpu.kernel.vfio.VfioDevice;

/** The simulated mdev core answers create and remove with the kernel's errnos and keeps the tree in step. */
class SimMdevCoreTest {
    private static final String EIGHTH = "nvidia-532";
    private static final String HALF = "nvidia-534";
    private SimulatedKernel kernel;
    private MdevBus bus;
    private AttributeWriter writer;

    @BeforeEach
    void host() {
        kernel = new SimulatedKernel(defaultHost("550.54.14"), GuestConfigFactory.PLAIN_FOR_TESTS);
        register(kernel, A100_0, ampere());
        register(kernel, A100_1, ampere());
        bus = kernel.mdev(OpenDeviceRegistry.NONE);
        writer = kernel.attributeWriter();
    }

    @AfterEach
    void close() {
        kernel.close();
    }

    private Path create(String typeId) {
        return kernel.layout().mdevCreate(A100_0.toString(), typeId);
    }

    private Errno errnoOfWrite(Path attribute, String text) {
        KernelException e = assertThrows(KernelException.class, () -> writer.write(attribute, text, "test write"));
        assertTrue(e.getMessage().startsWith("test write " + attribute), e.getMessage());
        return e.errno();
    }

    private long available(String typeId) {
        return bus.type(A100_0.toString(), typeId).availableInstances();
    }

    @Test
    void createTakesAUuidAsCreateStoreDoes() {
        for (String bad : List.of("", "not-a-uuid", "6f2a1c0e-4b1d-4e55-9a64-0d4a8e3f7b0", "6f2a1c0e-4b1d-4e55-9a64-0d4a8e3f7b0100",
                "6f2a1c0e_4b1d-4e55-9a64-0d4a8e3f7b01", "6f2a1c0e-4b1d-4e55-9a64-0d4a8e3f7bzz")) {
            assertEquals(Errno.EINVAL, errnoOfWrite(create(EIGHTH), bad), bad);
        }
        assertEquals(List.of(), kernel.instances());
        writer.write(create(EIGHTH), "6F2A1C0E-4B1D-4E55-9A64-0D4A8E3F7B01\n", "create mdev"); // 37 characters: taken
        UUID made = UUID.fromString("6f2a1c0e-4b1d-4e55-9a64-0d4a8e3f7b01");
        assertTrue(Files.isSymbolicLink(kernel.layout().mdevDevice(made)), "named in lower case");
        assertEquals(made, bus.instances().getFirst().uuid());
    }

    @Test
    void aUuidIsUniqueAcrossParents() {
        UUID u = UUID.randomUUID();
        bus.create(A100_0, EIGHTH, u);
        AlreadyExistsException e = assertThrows(AlreadyExistsException.class, () -> bus.create(A100_1, EIGHTH, u));
        assertEquals(Errno.EEXIST, e.errno());
        assertTrue(e.fix().orElseThrow().contains("by an instance of type nvidia-532 on parent 0000:65:00.0"), e.getMessage());
        assertEquals(1, kernel.instances().size());
    }

    @Test
    void k3TheTypesCountRunsOutWithEnospcAsADriverWithItsOwnCountSays() {
        // the mdev core's EUSERS is its per-parent count, kept only for drivers that report no available_instances
        for (int i = 0; i < 8; i++) bus.create(A100_0, EIGHTH, UUID.randomUUID());
        assertEquals(0, available(EIGHTH));
        CapacityException e = assertThrows(CapacityException.class, () -> bus.create(A100_0, EIGHTH, UUID.randomUUID()));
        assertEquals(Errno.ENOSPC, e.errno());
        assertTrue(e.fix().orElseThrow().contains("available_instances is 0"), e.getMessage());
        assertEquals(8, kernel.instances().size());
    }

    @Test
    void theFramebufferRunsOutWithEnospc() {
        bus.create(A100_0, HALF, UUID.randomUUID());
        bus.create(A100_0, EIGHTH, UUID.randomUUID());
        // 40 GiB - 20 GiB - 5 GiB: the second half no longer fits, although its count (2) is not used up
        assertEquals(0, available(HALF));
        assertEquals(1, available("nvidia-531"), "15 GiB left hold one quarter (10 GiB)");
        assertEquals(3, available(EIGHTH));
        CapacityException e = assertThrows(CapacityException.class, () -> bus.create(A100_0, HALF, UUID.randomUUID()));
        assertEquals(Errno.ENOSPC, e.errno());
        assertEquals(List.of(1L, 0L), List.of((long) kernel.instances().stream().filter(i -> i.typeId().equals(HALF)).count(),
                available(HALF)));
        // the other A100 has its own framebuffer
        assertEquals(2, bus.type(A100_1.toString(), HALF).availableInstances());
    }

    @Test
    void k3TheDriversInstancesPerGpuRunOutWithEnospc() {
        // two types of 1 GiB each, 20 instances apiece: 32 instances fit in 40 GiB, the r550 limit is 32 per GPU
        List<MdevType> small = List.of(type(801, "small/a", 20, 320), type(802, "small/b", 20, 320));
        register(kernel, A100_0, small);
        for (int i = 0; i < 20; i++) bus.create(A100_0, "nvidia-801", UUID.randomUUID());
        for (int i = 0; i < 12; i++) bus.create(A100_0, "nvidia-802", UUID.randomUUID());
        assertEquals(0, available("nvidia-802"), "8 of its own left, none of the GPU's");
        CapacityException e = assertThrows(CapacityException.class, () -> bus.create(A100_0, "nvidia-802", UUID.randomUUID()));
        assertEquals(Errno.ENOSPC, e.errno());
    }

    @Test
    void aParentGoingAwayIsEnodevAndUnknownTypesAndParentsAreNotThere() {
        kernel.parentGoingAway(A100_0, true);
        NoSuchDeviceException away = assertThrows(NoSuchDeviceException.class, () -> bus.create(A100_0, EIGHTH, UUID.randomUUID()));
        assertEquals(Errno.ENODEV, away.errno());
        kernel.parentGoingAway(A100_0, false);
        bus.create(A100_0, EIGHTH, UUID.randomUUID());
        NoSuchDeviceException type = assertThrows(NoSuchDeviceException.class, () -> bus.create(A100_0, "nvidia-999", UUID.randomUUID()));
        assertEquals(Errno.ENOENT, type.errno());
        assertTrue(type.fix().orElseThrow().contains("has no type nvidia-999"), type.getMessage());
        NoSuchDeviceException parent = assertThrows(NoSuchDeviceException.class, () -> bus.create(T4, EIGHTH, UUID.randomUUID()));
        assertTrue(parent.fix().orElseThrow().contains("there is no mdev parent 0000:17:00.0"), parent.getMessage());
    }

    @Test
    void removeTakesANumberAsRemoveStoreDoes() {
        UUID u = UUID.randomUUID();
        bus.create(A100_0, EIGHTH, u);
        Path remove = kernel.layout().mdevRemove(u);
        for (String bad : List.of("", "yes", "-1", "1x", "0x", "09")) assertEquals(Errno.EINVAL, errnoOfWrite(remove, bad), bad);
        for (String nothing : List.of("0", "0\n", "00", "0x0")) writer.write(remove, nothing, "remove mdev");
        assertEquals(1, kernel.instances().size(), "0 does nothing");
        writer.write(remove, "0x1\n", "remove mdev");
        assertEquals(List.of(), kernel.instances());
        assertEquals(Errno.ENODEV, errnoOfWrite(remove, "1"), "the instance is gone");
        assertFalse(bus.remove(u), "the bus takes a gone instance as removed");
        // the remove attribute under the parent's own directory is the same file
        UUID v = UUID.randomUUID();
        bus.create(A100_0, EIGHTH, v);
        writer.write(kernel.layout().mdevParent(A100_0.toString()).resolve(v.toString()).resolve("remove"), "1", "remove mdev");
        assertEquals(List.of(), kernel.instances());
    }

    @Test
    void aDeviceThisProcessHoldsIsNotRemovedAndOtherAttributesAreNotWritable() {
        UUID u = UUID.randomUUID();
        bus.create(A100_0, EIGHTH, u);
        int group = bus.instance(u).orElseThrow().iommuGroup().orElseThrow();
        Vfio vfio = new Vfio(kernel.vfio());
        try (VfioDevice dev = vfio.openDevice(group, u.toString())) {
            DeviceInUseException e = assertThrows(DeviceInUseException.class, () -> kernel.mdev(vfio).remove(u));
            assertTrue(e.getMessage().contains("close its VfioDevice first"), e.getMessage());
            assertEquals(List.of(), kernel.faults().log(Faults.Seam.MDEV, "remove mdev"), "nothing written");
            assertTrue(dev.isOpen());
            assertTrue(bus.instance(u).isPresent());
        }
        Path available = kernel.layout().mdevType(A100_0.toString(), EIGHTH).resolve("available_instances");
        assertEquals(Errno.EACCES, errnoOfWrite(available, "99"));
        assertEquals("7", io.mdevgpu.kernel.sysfs.SysfsReader.text(available));
        assertEquals(Errno.ENOENT, errnoOfWrite(kernel.layout().sys().resolve("nonexistent"), "1"));
        PermissionDeniedException p = assertThrows(PermissionDeniedException.class,
                () -> writer.write(available, "1", "write available_instances"));
        assertEquals(Errno.EACCES, p.errno());
        assertTrue(bus.remove(u));
    }

    @Test
    void k5ARemoveOfAnOpenDeviceUnlistsItAtOnceAndBlocksUntilTheDeviceCloses() throws Exception {
        UUID u = UUID.randomUUID();
        bus.create(A100_0, EIGHTH, u);
        int group = bus.instance(u).orElseThrow().iommuGroup().orElseThrow();
        Path instanceDir = kernel.layout().mdevParent(A100_0.toString()).resolve(u.toString());
        // another process holds the device: a Vfio the bus does not ask, and nobody in the simulated /proc
        VfioDevice holder = new Vfio(kernel.vfio()).openDevice(group, u.toString());
        LinuxMdevBus impatient = new LinuxMdevBus(kernel.layout(), OpenDeviceRegistry.NONE, kernel.attributeWriter(),
                kernel.root().resolve("proc"), Duration.ofMillis(200));
        DeviceInUseException e = assertThrows(DeviceInUseException.class, () -> impatient.remove(u));
        assertTrue(e.getMessage().contains("the kernel did not finish the remove within 200 ms"), e.getMessage());

        // the write is in the kernel: unlisted at once, the device and its capacity stay until the last fd closes
        assertEquals(Optional.empty(), bus.instance(u));
        assertEquals(List.of(), bus.type(A100_0.toString(), EIGHTH).devices());
        assertFalse(Files.exists(kernel.layout().mdevDevice(u), LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.isDirectory(instanceDir), "its directory under the parent stays");
        assertFalse(Files.exists(instanceDir.resolve("mdev_type"), LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.exists(kernel.layout().vfioGroup(group)));
        assertEquals(7, available(EIGHTH), "its capacity stays taken");
        assertEquals(1, kernel.instances().size());
        assertTrue(holder.isOpen());
        holder.region(0).write32(0, 0x1234);
        assertEquals(0x1234, holder.region(0).read32(0), "the holder still uses the device");
        AlreadyExistsException taken = assertThrows(AlreadyExistsException.class, () -> bus.create(A100_1, EIGHTH, u));
        assertEquals(Errno.EEXIST, taken.errno());
        Path parentsRemove = instanceDir.resolve("remove");
        assertEquals(Errno.ENOENT, errnoOfWrite(parentsRemove, "1"), "the first write took the attribute away");

        // asked again while the kernel holds the write: in use again, and no second write
        assertThrows(DeviceInUseException.class, () -> impatient.remove(u));
        assertEquals(1, kernel.faults().log(Faults.Seam.MDEV, "remove mdev").size());

        holder.close();
        assertFalse(bus.remove(u), "the first write finishes the remove once the holder closed");
        assertEquals(List.of(), kernel.instances());
        assertEquals(8, available(EIGHTH));
        assertFalse(Files.exists(instanceDir, LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(kernel.layout().vfioGroup(group)));
        assertFalse(Files.exists(kernel.layout().iommuGroup(group)));
        assertTrue(kernel.vfio().findGroup(group).isEmpty());
    }

    @Test
    void k5ClosingTheSimulatedKernelEndsARemoveThatWaits() throws Exception {
        UUID u = UUID.randomUUID();
        bus.create(A100_0, EIGHTH, u);
        int group = bus.instance(u).orElseThrow().iommuGroup().orElseThrow();
        new Vfio(kernel.vfio()).openDevice(group, u.toString()); // left open: the kernel's close takes it
        ExecutorService remover = Executors.newSingleThreadExecutor();
        try {
            Future<?> write = remover.submit(() -> writer.write(kernel.layout().mdevRemove(u), "1", "remove mdev"));
            while (bus.instance(u).isPresent() && !write.isDone()) Thread.sleep(5); // the write is in: unlisted
            assertFalse(write.isDone(), "it waits for the device");
            kernel.close();
            assertNull(write.get(5, TimeUnit.SECONDS), "the write returns once the kernel closed");
        } finally {
            remover.shutdownNow();
        }
    }

    @Test
    void aTypeTheDriverDropsStaysWhileItHasInstances() {
        UUID u = UUID.randomUUID();
        bus.create(A100_0, HALF, u);
        register(kernel, A100_0, List.of(ampere().get(1))); // discard: only the eighth is left
        assertEquals(List.of(EIGHTH, HALF), bus.parent(A100_0).types().stream().map(MdevTypeInfo::id).toList());
        assertEquals(0, available(HALF));
        assertEquals(4, available(EIGHTH), "the half still takes 20 GiB");
        InvalidArgumentException refused = assertThrows(InvalidArgumentException.class,
                () -> bus.create(A100_0, HALF, UUID.randomUUID()));
        assertEquals(Errno.EINVAL, refused.errno());
        assertTrue(bus.remove(u));
        assertEquals(List.of(EIGHTH), bus.parent(A100_0).types().stream().map(MdevTypeInfo::id).toList(), "gone with its last instance");
        assertEquals(8, available(EIGHTH));
        assertFalse(Files.exists(kernel.layout().mdevType(A100_0.toString(), HALF)));
    }

    @Test
    void anEmptiedTableTakesEveryTypeWithoutInstancesAway() {
        UUID u = UUID.randomUUID();
        bus.create(A100_0, EIGHTH, u);
        SimNvidiaGpu gpu = kernel.nvidia().gpus().stream().filter(g -> g.address().equals(A100_0)).findFirst().orElseThrow();
        try (RawRm raw = new RawRm(kernel.nvidia())) {
            int config = raw.vgpuConfig(gpu);
            assertEquals(io.mdevgpu.kernel.abi.nvrm.NvStatus.NV_ERR_INVALID_ARGUMENT, raw.setInfoEmptying(config));
            assertEquals(List.of(), kernel.typeTables().get(A100_0), "discarded before type 0 was refused");
            assertEquals(ampere(), kernel.publishedTypes().get(A100_0), "not published yet");
            assertEquals(0, raw.register(config));
        }
        assertEquals(List.of(), kernel.publishedTypes().get(A100_0));
        assertEquals(List.of(EIGHTH), bus.parent(A100_0).types().stream().map(MdevTypeInfo::id).toList(), "kept for its instance");
        assertTrue(bus.remove(u));
        assertEquals(List.of(), bus.parent(A100_0).types(), "the parent stays, with no types");
    }

    @Test
    void twoCreatorsOfOneUuidOneWins() throws Exception {
        for (int round = 0; round < 20; round++) {
            UUID u = UUID.randomUUID();
            List<Object> results = race(2, i -> () -> {
                bus.create(i == 0 ? A100_0 : A100_1, EIGHTH, u);
                return "created";
            });
            assertEquals(1, results.stream().filter("created"::equals).count(), results.toString());
            assertEquals(1, results.stream().filter(r -> r instanceof AlreadyExistsException).count(), results.toString());
            assertTrue(bus.remove(u));
        }
    }

    @RepeatedTest(3)
    void eightCreatorsOnRoomForFourExactlyFourWin() throws Exception {
        List<Object> results = race(8, i -> () -> {
            bus.create(A100_0, "nvidia-531", UUID.randomUUID());
            return "created";
        });
        assertEquals(4, results.stream().filter("created"::equals).count(), results.toString());
        assertEquals(4, results.stream().filter(r -> r instanceof CapacityException).count(), results.toString());
        assertEquals(4, kernel.instances().size());
        assertEquals(0, available("nvidia-531"));
        assertEquals(List.of(), bus.type(A100_0.toString(), "nvidia-531").devices().stream()
                .filter(d -> kernel.instances().stream().noneMatch(i -> i.uuid().equals(d))).toList());
        List<UUID> made = kernel.instances().stream().map(i -> i.uuid()).toList();
        List<Object> removed = race(4, i -> () -> bus.remove(made.get(i)));
        assertEquals(List.of(true, true, true, true), removed);
        assertEquals(4, available("nvidia-531"));
    }

    /** Runs {@code n} tasks at once; each result is the value or the MdevException. */
    private static List<Object> race(int n, java.util.function.IntFunction<Callable<Object>> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Object>> futures = new ArrayList<>();
            for (int i : IntStream.range(0, n).toArray()) {
                Callable<Object> c = task.apply(i);
                futures.add(pool.submit(() -> {
                    start.await();
                    try {
                        return c.call();
                    } catch (MdevException e) {
                        return e;
                    }
                }));
            }
            start.countDown();
            List<Object> out = new ArrayList<>();
            for (Future<Object> f : futures) out.add(f.get());
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
