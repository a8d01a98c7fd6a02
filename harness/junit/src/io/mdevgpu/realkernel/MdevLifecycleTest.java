package io.mdevgpu.realkernel;

import io.mdevgpu.AlreadyExistsException;
import io.mdevgpu.CapacityException;
import io.mdevgpu.Errno;
import io.mdevgpu.InvalidArgumentException;
import io.mdevgpu.realkernel.SampleDriver.SampleType;
import io.mdevgpu.realkernel.jdk.SysfsMdev;
import io.mdevgpu.realkernel.jdk.SysfsMdev.Instance;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(GuestVm.class)
class MdevLifecycleTest {
    static final Duration REMOVE_TIMEOUT = Duration.ofSeconds(10);

    @ParameterizedTest
    @EnumSource(SampleDriver.class)
    @DisplayName("2. create and remove an instance of each driver; lower-case UUID naming; available_instances falls and rises")
    void createAndRemoveAnInstanceOfEachDriver(SampleDriver driver) {
        SampleType type = driver.firstType();
        UUID uuid = UUID.randomUUID();
        int before = SysfsMdev.availableInstances(driver.parent, type.id());

        SysfsMdev.create(driver.parent, type.id(), uuid.toString().toUpperCase());

        Path device = SysfsMdev.DEVICES.resolve(uuid.toString());
        assertTrue(Files.isDirectory(device), "the kernel names the instance " + device);
        assertFalse(Files.exists(SysfsMdev.DEVICES.resolve(uuid.toString().toUpperCase())), "no upper-case name");
        Instance instance = SysfsMdev.instance(uuid).orElseThrow();
        assertEquals(driver.parent, instance.parent());
        assertEquals(type.id(), instance.typeId());
        assertTrue(Files.exists(Path.of("/dev/vfio", Integer.toString(instance.iommuGroup()))), "its VFIO group node");
        assertTrue(Files.exists(SysfsMdev.MDEV_BUS.resolve(driver.parent + "/mdev_supported_types/" + type.id()
                + "/devices/" + uuid)), "listed under its type's devices/");
        assertEquals(before - 1, SysfsMdev.availableInstances(driver.parent, type.id()));

        assertTrue(SysfsMdev.remove(uuid, REMOVE_TIMEOUT));

        assertFalse(Files.exists(device));
        assertEquals(Optional.empty(), SysfsMdev.instance(uuid));
        assertEquals(before, SysfsMdev.availableInstances(driver.parent, type.id()));
    }

    @Test
    @DisplayName("3. the same UUID twice (also on another parent): the already-exists error")
    void theSameUuidTwiceIsTheAlreadyExistsError() {
        UUID uuid = SysfsMdev.create("mtty", "mtty-1", UUID.randomUUID());
        int mdpyBefore = SysfsMdev.availableInstances("mdpy", "mdpy-vga");

        AlreadyExistsException sameType = assertThrows(AlreadyExistsException.class,
                () -> SysfsMdev.create("mtty", "mtty-1", uuid));
        AlreadyExistsException otherType = assertThrows(AlreadyExistsException.class,
                () -> SysfsMdev.create("mtty", "mtty-2", uuid));
        AlreadyExistsException otherParent = assertThrows(AlreadyExistsException.class,
                () -> SysfsMdev.create("mdpy", "mdpy-vga", uuid));

        for (AlreadyExistsException e : List.of(sameType, otherType, otherParent)) {
            assertEquals(Errno.EEXIST, e.errno());
            assertTrue(e.getMessage().contains("EEXIST") && e.getMessage().contains("/create"), e.getMessage());
        }
        assertEquals(List.of(uuid), SysfsMdev.instances().stream().map(Instance::uuid).toList());
        assertEquals("mtty", SysfsMdev.instance(uuid).orElseThrow().parent());
        assertEquals(mdpyBefore, SysfsMdev.availableInstances("mdpy", "mdpy-vga"));
        assertTrue(SysfsMdev.remove(uuid, REMOVE_TIMEOUT));
    }

    @Test
    @DisplayName("4. mdpy's fifth instance (EUSERS) and mtty/mbochs capacity exhaustion (ENOSPC): the capacity errors")
    void capacityExhaustionIsTheCapacityError() {
        // mdpy: the mdev core counts instances per parent, whatever their type
        List<UUID> created = new ArrayList<>();
        for (String type : List.of("mdpy-vga", "mdpy-xga", "mdpy-hd", "mdpy-vga")) {
            created.add(SysfsMdev.create("mdpy", type, UUID.randomUUID()));
        }
        assertEquals(0, SysfsMdev.availableInstances("mdpy", "mdpy-hd"));
        CapacityException mdpy = assertThrows(CapacityException.class,
                () -> SysfsMdev.create("mdpy", "mdpy-xga", UUID.randomUUID()));
        assertEquals(Errno.EUSERS, mdpy.errno());

        // mtty: 24 ports; twelve dual-port instances take them all, then neither type fits
        for (int i = 0; i < 12; i++) created.add(SysfsMdev.create("mtty", "mtty-2", UUID.randomUUID()));
        assertEquals(0, SysfsMdev.availableInstances("mtty", "mtty-1"));
        for (String type : List.of("mtty-2", "mtty-1")) {
            CapacityException mtty = assertThrows(CapacityException.class,
                    () -> SysfsMdev.create("mtty", type, UUID.randomUUID()));
            assertEquals(Errno.ENOSPC, mtty.errno(), type);
        }

        // mbochs: 256 MB; four large instances take it all
        for (int i = 0; i < 4; i++) created.add(SysfsMdev.create("mbochs", "mbochs-large", UUID.randomUUID()));
        for (String type : List.of("mbochs-large", "mbochs-small")) {
            CapacityException mbochs = assertThrows(CapacityException.class,
                    () -> SysfsMdev.create("mbochs", type, UUID.randomUUID()));
            assertEquals(Errno.ENOSPC, mbochs.errno(), type);
        }

        assertEquals(created.size(), SysfsMdev.instances().size(), "a refused create leaves nothing behind");
        for (UUID uuid : created) assertTrue(SysfsMdev.remove(uuid, REMOVE_TIMEOUT));
        for (SampleDriver driver : SampleDriver.values()) {
            for (SampleType type : driver.types) {
                assertEquals(type.capacity(), SysfsMdev.availableInstances(driver.parent, type.id()), type.id());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"not-a-uuid", "83b8f4f2-509f-382f-3c1e-e6bfe0fa50", "83b8f4f2509f382f3c1ee6bfe0fa5001",
            "g3b8f4f2-509f-382f-3c1e-e6bfe0fa5001", "83b8f4f2-509f-382f-3c1e-e6bfe0fa5001-0",
            " 3b8f4f2-509f-382f-3c1e-e6bfe0fa5001"})
    @DisplayName("5. a malformed UUID: the invalid-argument error, and nothing created")
    void aMalformedUuidIsTheInvalidArgumentErrorAndNothingIsCreated(String text) {
        Map<String, Integer> before = availability();

        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> SysfsMdev.create("mbochs", "mbochs-small", text));

        assertEquals(Errno.EINVAL, e.errno());
        assertEquals(List.of(), SysfsMdev.instances());
        assertEquals(before, availability());
    }

    @Test
    @DisplayName("6. two threads removing one instance: one acts, no error escapes")
    void twoThreadsRemovingOneInstanceOneActsAndNoErrorEscapes() throws InterruptedException {
        int before = SysfsMdev.availableInstances("mbochs", "mbochs-small");
        for (int round = 0; round < 10; round++) {
            UUID uuid = SysfsMdev.create("mbochs", "mbochs-small", UUID.randomUUID());
            CountDownLatch start = new CountDownLatch(1);
            ConcurrentLinkedQueue<Object> outcomes = new ConcurrentLinkedQueue<>();
            List<Thread> removers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                removers.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        outcomes.add(SysfsMdev.remove(uuid, REMOVE_TIMEOUT));
                    } catch (Throwable e) {
                        outcomes.add(e);
                    }
                }));
            }
            start.countDown();
            for (Thread remover : removers) remover.join(REMOVE_TIMEOUT.multipliedBy(2));

            assertEquals(2, outcomes.size(), "both removers returned");
            assertTrue(outcomes.stream().allMatch(o -> o instanceof Boolean), "no error escapes: " + outcomes);
            assertTrue(outcomes.contains(true), "one acted: " + outcomes);
            assertEquals(Optional.empty(), SysfsMdev.instance(uuid));
            assertEquals(before, SysfsMdev.availableInstances("mbochs", "mbochs-small"), "removed exactly once");
        }
    }

    private static Map<String, Integer> availability() {
        return Arrays.stream(SampleDriver.values())
                .flatMap(d -> d.types.stream().map(t -> d.parent + "/" + t.id()))
                .collect(Collectors.toMap(Function.identity(), key -> {
                    String[] parts = key.split("/");
                    return SysfsMdev.availableInstances(parts[0], parts[1]);
                }));
    }
}
