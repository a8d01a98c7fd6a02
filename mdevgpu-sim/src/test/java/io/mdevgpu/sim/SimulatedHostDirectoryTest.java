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
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mdevgpu.AlreadyExistsException;
import io.mdevgpu.CapacityException;
import io.mdevgpu.DeviceInUseException;
import io.mdevgpu.HostStateException;
import io.mdevgpu.MdevType;
import io.mdevgpu.PciAddress;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.mdev.LinuxMdevBus;
import io.mdevgpu.kernel.mdev.MdevBus;
import io.mdevgpu.kernel.mdev.MdevInstanceInfo;
import io.mdevgpu.kernel.mdev.OpenDeviceRegistry;
import io.mdevgpu.kernel.sysfs.SysfsReader;
import io.mdevgpu.kernel.testing.Mdevctl;
import io.mdevgpu.kernel.vfio.Vfio;
import io.mdevgpu.kernel.vfio.VfioDevice;

/**
 * A simulated host kept in a directory is one host for every process (here: every {@link SimulatedKernel}) that
 * opens it: its type tables, published types, instances and open devices are in the directory's state, each change
 * under its lock, and a process that died in the middle of a change leaves a tree the next one repairs.
 */
class SimulatedHostDirectoryTest {
    private static final String EIGHTH = "nvidia-532";

    /** The default host (two A100 and a T4), kept in {@code root}. */
    private static SimulatedKernel open(Path root) {
        SimulatedHostSpec host = defaultHost("550.54.14");
        return new SimulatedKernel(new SimulatedHostSpec(host.driverVersion(), host.gpus(), Optional.of(root), host.procVersionText()),
                GuestConfigFactory.PLAIN_FOR_TESTS);
    }

    private static MdevBus bus(SimulatedKernel kernel, Duration removeTimeout) {
        return new LinuxMdevBus(kernel.layout(), OpenDeviceRegistry.NONE, kernel.attributeWriter(), kernel.root().resolve("proc"),
                removeTimeout);
    }

    private static long available(SimulatedKernel kernel, String typeId) {
        return kernel.mdev(OpenDeviceRegistry.NONE).type(A100_0.toString(), typeId).availableInstances();
    }

    @Test
    void aHostOpensAgainWithTheTablesTypesAndInstancesItWasLeftWith(@TempDir Path dir) {
        Path root = dir.resolve("host");
        UUID kept = UUID.randomUUID();
        Map<PciAddress, List<MdevType>> tables;
        List<MdevInstanceInfo> instances;
        try (SimulatedKernel first = open(root)) {
            register(first, A100_0, ampere());
            first.mdev(OpenDeviceRegistry.NONE).create(A100_0, EIGHTH, kept);
            tables = first.typeTables();
            instances = first.instances();
            assertEquals(7, available(first, EIGHTH));
        }
        try (SimulatedKernel second = open(root)) {
            assertEquals(tables, second.typeTables());
            assertEquals(ampere().stream().map(MdevType::number).toList(),
                    second.publishedTypes().get(A100_0).stream().map(MdevType::number).toList());
            assertEquals(instances, second.instances());
            assertEquals(7, available(second, EIGHTH), "the tree is the one the first left");
            int group = instances.getFirst().iommuGroup().orElseThrow();
            try (VfioDevice device = new Vfio(second.vfio()).openDevice(group, kept.toString())) {
                assertEquals((short) 0x10de, device.config().read16(0), "the instance's device opens in the next process");
            }
            UUID more = UUID.randomUUID();
            second.mdev(OpenDeviceRegistry.NONE).create(A100_0, EIGHTH, more);
            assertNotEquals(group, second.instances().stream().filter(i -> i.uuid().equals(more)).findFirst().orElseThrow()
                    .iommuGroup().orElseThrow(), "a new instance takes a group the kept one does not have");
            assertTrue(second.mdev(OpenDeviceRegistry.NONE).remove(kept));
            assertTrue(second.mdev(OpenDeviceRegistry.NONE).remove(more));
        }
        try (SimulatedKernel third = open(root)) {
            assertEquals(List.of(), third.instances());
            assertEquals(8, available(third, EIGHTH));
            assertEquals(tables, third.typeTables());
        }
    }

    @Test
    void twoOpenAtOnceSeeOneHostAndAUuidIsWonOnce(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("host");
        try (SimulatedKernel a = open(root); SimulatedKernel b = open(root)) {
            register(a, A100_0, ampere());
            register(b, A100_1, ampere());
            assertEquals(a.typeTables(), b.typeTables(), "each reads the tables the other set");
            assertEquals(2, a.publishedTypes().size());
            assertEquals(8, available(b, EIGHTH));
            UUID u = UUID.randomUUID();
            b.mdev(OpenDeviceRegistry.NONE).create(A100_0, EIGHTH, u);
            AlreadyExistsException twice = assertThrows(AlreadyExistsException.class,
                    () -> a.mdev(OpenDeviceRegistry.NONE).create(A100_1, EIGHTH, u));
            assertTrue(twice.getMessage().contains(u.toString()), twice.getMessage());
            assertEquals(b.instances(), a.instances());

            // a holds the device b made; b's remove waits for a, as the kernel's does for another process
            int group = a.instances().getFirst().iommuGroup().orElseThrow();
            Vfio vfioOfA = new Vfio(a.vfio());
            VfioDevice held = vfioOfA.openDevice(group, u.toString());
            DeviceInUseException busy = assertThrows(DeviceInUseException.class, () -> bus(b, Duration.ofMillis(300)).remove(u));
            assertTrue(busy.getMessage().contains("did not finish the remove within 300 ms"), busy.getMessage());
            assertFalse(Files.exists(b.layout().mdevDevice(u), LinkOption.NOFOLLOW_LINKS), "unlisted at once");
            assertEquals(1, a.instances().size(), "it still exists, and its capacity stays taken");
            held.region(0).write32(0, 0x5a5a);
            assertEquals(0x5a5a, held.region(0).read32(0), "the holder still uses it");
            held.close();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!b.instances().isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
            assertEquals(List.of(), b.instances(), "b's remove finished once a closed the device");
            assertEquals(List.of(), a.instances());
            assertEquals(8, available(a, EIGHTH));
            assertFalse(Files.exists(a.layout().vfioGroup(group)));
        }
    }

    @RepeatedTest(3)
    void eightThreadsOverTwoKernelsOnRoomForFourExactlyFourWin(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("host");
        try (SimulatedKernel a = open(root); SimulatedKernel b = open(root)) {
            register(a, A100_0, ampere());
            List<MdevBus> buses = List.of(a.mdev(OpenDeviceRegistry.NONE), b.mdev(OpenDeviceRegistry.NONE));
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<String>> results = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    MdevBus bus = buses.get(i % 2); // half through each kernel, as two processes would
                    results.add(pool.submit(() -> {
                        start.await();
                        try {
                            bus.create(A100_0, "nvidia-531", UUID.randomUUID());
                            return "created";
                        } catch (CapacityException e) {
                            return "full";
                        }
                    }));
                }
                start.countDown();
                List<String> outcomes = new ArrayList<>();
                for (Future<String> f : results) outcomes.add(f.get(30, TimeUnit.SECONDS));
                assertEquals(4, outcomes.stream().filter("created"::equals).count(), outcomes.toString());
            } finally {
                pool.shutdownNow();
            }
            assertEquals(4, a.instances().size());
            assertEquals(a.instances(), b.instances());
            assertEquals(0, available(b, "nvidia-531"));
            assertEquals(4, SysfsReader.names(a.layout().mdevTypes(A100_0.toString()).resolve("nvidia-531").resolve("devices")).size());
        }
    }

    /**
     * A process that only reads the host leaves its state file as it was (the same file, not one renamed over it), and
     * one that changes it writes it; a state file removed by hand is written again at the next close.
     */
    @Test
    void onlyAChangeWritesTheStateFile(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("host");
        Path state = root.resolve(SimKernelStore.DIRECTORY).resolve(SimKernelStore.STATE_FILE);
        try (SimulatedKernel maker = open(root)) {
            register(maker, A100_0, ampere());
        }
        Object made = Files.readAttributes(state, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        try (SimulatedKernel reader = open(root)) {
            assertEquals(List.of(), reader.instances());
            assertEquals(8, available(reader, EIGHTH));
        }
        assertEquals(made, Files.readAttributes(state, java.nio.file.attribute.BasicFileAttributes.class).fileKey(),
                "a reading process rewrote the state");
        try (SimulatedKernel writer = open(root)) {
            writer.mdev(OpenDeviceRegistry.NONE).create(A100_0, EIGHTH, UUID.randomUUID());
        }
        assertNotEquals(made, Files.readAttributes(state, java.nio.file.attribute.BasicFileAttributes.class).fileKey());
        String written = Files.readString(state);
        try (SimulatedKernel reader = open(root)) {
            Files.delete(state);
            assertEquals(1, reader.instances().size());
        }
        assertEquals(written, Files.readString(state), "the state removed while open is written at close");
    }

    @Test
    void anotherHostsDirectoryAndABrokenStateAreRefusedNamingWhy(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("host");
        open(root).close();
        SimulatedHostSpec t4Only = SimulatedHostSpec.newBuilder().driverVersion("550.54.14").gpu(defaultHost("550.54.14").gpus().get(2))
                .root(root).build();
        ValidationException other = assertThrows(ValidationException.class,
                () -> new SimulatedKernel(t4Only, GuestConfigFactory.PLAIN_FOR_TESTS));
        assertTrue(other.getMessage().contains("it holds another simulated host"), other.getMessage());
        assertTrue(other.getMessage().contains("open it with the inventory it was made from"), other.getMessage());

        Path state = root.resolve(SimKernelStore.DIRECTORY).resolve(SimKernelStore.STATE_FILE);
        List<String> lines = new ArrayList<>(Files.readAllLines(state));
        lines.add("instance not-a-uuid 0000:65:00.0 nvidia-532 group=3 removing=false");
        Files.write(state, lines);
        HostStateException broken = assertThrows(HostStateException.class, () -> open(root));
        assertTrue(broken.getMessage().contains(state + ":" + lines.size()), broken.getMessage());
        assertTrue(broken.getMessage().contains("delete the simulated host's directory (" + root.toAbsolutePath() + ")"),
                broken.getMessage());
    }

    @Test
    void aTreeLeftInTheMiddleOfAChangeIsRepairedFromTheLastState(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("host");
        Path state = root.resolve(SimKernelStore.DIRECTORY).resolve(SimKernelStore.STATE_FILE);
        UUID kept = UUID.randomUUID(), torn = UUID.randomUUID();
        String before;
        try (SimulatedKernel first = open(root)) {
            register(first, A100_0, ampere());
            first.mdev(OpenDeviceRegistry.NONE).create(A100_0, EIGHTH, kept);
            before = Files.readString(state);
            first.mdev(OpenDeviceRegistry.NONE).create(A100_0, EIGHTH, torn);
        }
        // as if the process died after writing the second instance's tree and before writing the state
        Files.writeString(state, before);
        Files.writeString(state.resolveSibling(SimKernelStore.PENDING_FILE), "");
        try (SimulatedKernel next = open(root)) {
            MdevBus bus = next.mdev(OpenDeviceRegistry.NONE);
            assertEquals(List.of(kept), bus.instances().stream().map(MdevInstanceInfo::uuid).toList());
            assertEquals(List.of(kept), next.instances().stream().map(MdevInstanceInfo::uuid).toList());
            assertEquals(7, available(next, EIGHTH), "the torn instance's capacity is free again");
            assertFalse(Files.exists(next.layout().pciDeviceDirectory(A100_0).resolve(torn.toString()), LinkOption.NOFOLLOW_LINKS));
            assertEquals(List.of(kept.toString()), SysfsReader.names(next.layout().mdevTypes(A100_0.toString()).resolve(EIGHTH)
                    .resolve("devices")));
            assertFalse(Files.exists(state.resolveSibling(SimKernelStore.PENDING_FILE)), "the mark is gone");
            bus.create(A100_0, EIGHTH, torn); // and the UUID is free
        }
    }

    /**
     * A process killed while it wrote the pending mark or the state leaves the writer's temporary file
     * ({@code .kernel.pending.new}, {@code .kernel.state.new}); the next open, repairing or not, removes it (issue 12,
     * item 20): writes happen under the host's lock, so its writer is dead.
     */
    @Test
    void aTemporaryFileOfTheStoreLeftByAKilledWriterIsRemovedByTheNextOpen(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("host");
        Path store = root.resolve(SimKernelStore.DIRECTORY);
        try (SimulatedKernel first = open(root)) {
            register(first, A100_0, ampere());
        }
        for (boolean repairing : List.of(false, true)) {
            Path pendingNew = store.resolve("." + SimKernelStore.PENDING_FILE + ".new");
            Path stateNew = store.resolve("." + SimKernelStore.STATE_FILE + ".new");
            Files.writeString(pendingNew, "a process changes the tree; if it died, the next pro");
            Files.writeString(stateNew, "torn");
            if (repairing) Files.writeString(store.resolve(SimKernelStore.PENDING_FILE), "");
            try (SimulatedKernel next = open(root)) {
                assertEquals(8, available(next, EIGHTH), "the host is as it was");
                assertFalse(Files.exists(pendingNew), "repairing " + repairing);
                assertFalse(Files.exists(stateNew), "repairing " + repairing);
                assertFalse(Files.exists(store.resolve(SimKernelStore.PENDING_FILE)));
            }
        }
    }

    /**
     * Debian's mdevctl starts and stops an instance by writing the tree's plain {@code create} and {@code remove}
     * files, which no simulated kernel answers at that moment; the next open of the host acts on them as the kernel
     * would have at once (issue 12, item 19), and a write the kernel would have refused is refused there, leaving the
     * host as it was.
     */
    @Test
    void writesMdevctlLeavesInTheTreeTakeEffectAtTheNextOpen(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("host");
        UUID started = UUID.fromString("6b3a1e40-8c1d-4b7e-9a4f-0d2c3b4a5e61");
        Path create;
        try (SimulatedKernel first = open(root)) {
            register(first, A100_0, ampere());
            create = first.layout().mdevCreate(A100_0.toString(), EIGHTH);
        }
        for (String d : List.of("etc/mdevctl.d/scripts.d/callouts", "etc/mdevctl.d/scripts.d/notifiers")) {
            Files.createDirectories(root.resolve(d));
        }
        Mdevctl.run(root, "start", "--uuid", started.toString(), "--parent", A100_0.toString(), "--type", EIGHTH);
        try (SimulatedKernel next = open(root)) {
            assertEquals(List.of(started), next.instances().stream().map(MdevInstanceInfo::uuid).toList());
            assertEquals(7, available(next, EIGHTH));
            assertEquals("", Files.readString(create), "the create file reads as it did");
        }
        assertTrue(Mdevctl.run(root, "list").contains(started + " " + A100_0 + " " + EIGHTH), "mdevctl sees it");

        Mdevctl.run(root, "stop", "--uuid", started.toString());
        try (SimulatedKernel next = open(root)) {
            assertEquals(List.of(), next.instances());
            assertEquals(8, available(next, EIGHTH));
        }

        Files.writeString(create, "not a uuid"); // EINVAL from the kernel: refused, the host unchanged
        try (SimulatedKernel next = open(root)) {
            assertEquals(List.of(), next.instances());
            assertEquals("", Files.readString(create));
        }
    }

    @Test
    void aHostWhoseMakingWasInterruptedIsMadeAnew(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("host");
        Path mark = root.resolve(SimKernelStore.DIRECTORY).resolve(SimKernelStore.PENDING_FILE);
        Files.createDirectories(mark.getParent());
        Files.writeString(mark, "");
        Files.createDirectories(root.resolve("sys/devices/pci0000:65"));
        try (SimulatedKernel kernel = open(root)) {
            assertEquals(3, kernel.pci().displayDevices().size());
            assertEquals(Optional.empty(), Optional.ofNullable(Files.exists(mark) ? mark : null));
        }
    }
}
