package io.mdevgpu.realkernel;

import io.mdevgpu.AlreadyExistsException;
import io.mdevgpu.CapacityException;
import io.mdevgpu.Errno;
import io.mdevgpu.InvalidArgumentException;
import io.mdevgpu.kernel.mdev.MdevInstanceInfo;
import io.mdevgpu.kernel.sysfs.AttributeWriter;
import io.mdevgpu.realkernel.SampleDriver.SampleType;
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

import static io.mdevgpu.realkernel.Library.BUS;
import static io.mdevgpu.realkernel.Library.LAYOUT;
import static io.mdevgpu.realkernel.Library.available;
import static io.mdevgpu.realkernel.Library.create;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(GuestVm.class)
class MdevLifecycleTest {
    @ParameterizedTest
    @EnumSource(SampleDriver.class)
    @DisplayName("2. create and remove an instance of each driver; lower-case UUID naming; available_instances falls and rises")
    void createAndRemoveAnInstanceOfEachDriver(SampleDriver driver) {
        SampleType type = driver.firstType();
        long before = available(driver.parent, type.id());

        UUID uuid = create(driver.parent, type.id());

        Path device = Path.of("/sys/bus/mdev/devices", uuid.toString());
        assertTrue(Files.isDirectory(device), "the kernel names the instance " + device);
        MdevInstanceInfo instance = BUS.instance(uuid).orElseThrow();
        assertEquals(driver.parent, instance.parent());
        assertEquals(type.id(), instance.typeId());
        assertTrue(Files.exists(Path.of("/dev/vfio", Integer.toString(instance.iommuGroup().orElseThrow()))), "its VFIO group node");
        assertEquals(List.of(uuid), BUS.type(driver.parent, type.id()).devices(), "listed under its type's devices/");
        assertEquals(List.of(instance), BUS.instances());
        assertEquals(before - 1, available(driver.parent, type.id()));

        assertTrue(BUS.remove(uuid));

        assertFalse(Files.exists(device));
        assertEquals(Optional.empty(), BUS.instance(uuid));
        assertEquals(before, available(driver.parent, type.id()));
        assertFalse(BUS.remove(uuid), "a second remove finds it gone: no error");
    }

    @Test
    @DisplayName("2a. the kernel takes an upper-case UUID and names the instance in lower case")
    void theKernelNamesAnUpperCaseUuidInLowerCase() {
        // the library always writes the kernel's lower-case form; this write of the upper-case text shows the
        // kernel's own rule, through the library's sysfs writer
        UUID uuid = UUID.randomUUID();
        AttributeWriter.LINUX.write(LAYOUT.mdevCreate("mtty", "mtty-1"), uuid.toString().toUpperCase(), "create mdev");
        assertTrue(Files.isDirectory(Path.of("/sys/bus/mdev/devices", uuid.toString())));
        assertFalse(Files.exists(Path.of("/sys/bus/mdev/devices", uuid.toString().toUpperCase())), "no upper-case name");
        assertEquals("mtty", BUS.instance(uuid).orElseThrow().parent());
        assertTrue(BUS.remove(uuid));
    }

    @Test
    @DisplayName("3. the same UUID twice (also on another parent): the already-exists error")
    void theSameUuidTwiceIsTheAlreadyExistsError() {
        UUID uuid = create("mtty", "mtty-1");
        long mdpyBefore = available("mdpy", "mdpy-vga");

        AlreadyExistsException sameType = assertThrows(AlreadyExistsException.class, () -> BUS.create("mtty", "mtty-1", uuid));
        AlreadyExistsException otherType = assertThrows(AlreadyExistsException.class, () -> BUS.create("mtty", "mtty-2", uuid));
        AlreadyExistsException otherParent = assertThrows(AlreadyExistsException.class, () -> BUS.create("mdpy", "mdpy-vga", uuid));

        for (AlreadyExistsException e : List.of(sameType, otherType, otherParent)) {
            assertEquals(Errno.EEXIST, e.errno());
            assertTrue(e.getMessage().contains("EEXIST") && e.getMessage().contains("/create"), e.getMessage());
            assertTrue(e.getMessage().contains("by an instance of type mtty-1 on parent mtty"), e.getMessage());
        }
        assertEquals(List.of(uuid), BUS.instances().stream().map(MdevInstanceInfo::uuid).toList());
        assertEquals("mtty", BUS.instance(uuid).orElseThrow().parent());
        assertEquals(mdpyBefore, available("mdpy", "mdpy-vga"));
        assertTrue(BUS.remove(uuid));
    }

    @Test
    @DisplayName("4. mdpy's fifth instance (EUSERS) and mtty/mbochs capacity exhaustion (ENOSPC): the capacity errors")
    void capacityExhaustionIsTheCapacityError() {
        // mdpy: the mdev core counts instances per parent, whatever their type
        List<UUID> created = new ArrayList<>();
        for (String type : List.of("mdpy-vga", "mdpy-xga", "mdpy-hd", "mdpy-vga")) created.add(create("mdpy", type));
        assertEquals(0, available("mdpy", "mdpy-hd"));
        CapacityException mdpy = assertThrows(CapacityException.class, () -> BUS.create("mdpy", "mdpy-xga", UUID.randomUUID()));
        assertEquals(Errno.EUSERS, mdpy.errno());
        assertTrue(mdpy.getMessage().contains("available_instances is 0"), mdpy.getMessage());

        // mtty: 24 ports; twelve dual-port instances take them all, then neither type fits
        for (int i = 0; i < 12; i++) created.add(create("mtty", "mtty-2"));
        assertEquals(0, available("mtty", "mtty-1"));
        for (String type : List.of("mtty-2", "mtty-1")) {
            CapacityException mtty = assertThrows(CapacityException.class, () -> BUS.create("mtty", type, UUID.randomUUID()));
            assertEquals(Errno.ENOSPC, mtty.errno(), type);
        }

        // mbochs: 256 MB; four large instances take it all
        for (int i = 0; i < 4; i++) created.add(create("mbochs", "mbochs-large"));
        for (String type : List.of("mbochs-large", "mbochs-small")) {
            CapacityException mbochs = assertThrows(CapacityException.class, () -> BUS.create("mbochs", type, UUID.randomUUID()));
            assertEquals(Errno.ENOSPC, mbochs.errno(), type);
        }

        assertEquals(created.size(), BUS.instances().size(), "a refused create leaves nothing behind");
        for (UUID uuid : created) assertTrue(BUS.remove(uuid));
        for (SampleDriver driver : SampleDriver.values()) {
            for (SampleType type : driver.types) assertEquals(type.capacity(), available(driver.parent, type.id()), type.id());
        }
    }

    /**
     * The library's {@code create} takes a {@link UUID} and writes its canonical form, so it cannot send a malformed
     * one; what the kernel says to one is shown through the library's own sysfs writer, the write {@code create}
     * does, and its errno mapping.
     */
    @ParameterizedTest
    @ValueSource(strings = {"not-a-uuid", "83b8f4f2-509f-382f-3c1e-e6bfe0fa50", "83b8f4f2509f382f3c1ee6bfe0fa5001",
            "g3b8f4f2-509f-382f-3c1e-e6bfe0fa5001", "83b8f4f2-509f-382f-3c1e-e6bfe0fa5001-0",
            " 3b8f4f2-509f-382f-3c1e-e6bfe0fa5001"})
    @DisplayName("5. a malformed UUID: the invalid-argument error, and nothing created")
    void aMalformedUuidIsTheInvalidArgumentErrorAndNothingIsCreated(String text) {
        Map<String, Long> before = availability();

        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> AttributeWriter.LINUX.write(LAYOUT.mdevCreate("mbochs", "mbochs-small"), text, "create mdev"));

        assertEquals(Errno.EINVAL, e.errno());
        assertEquals(List.of(), BUS.instances());
        assertEquals(before, availability());
    }

    @Test
    @DisplayName("6. two threads removing one instance: one acts, no error escapes")
    void twoThreadsRemovingOneInstanceOneActsAndNoErrorEscapes() throws InterruptedException {
        long before = available("mbochs", "mbochs-small");
        for (int round = 0; round < 10; round++) {
            UUID uuid = create("mbochs", "mbochs-small");
            CountDownLatch start = new CountDownLatch(1);
            ConcurrentLinkedQueue<Object> outcomes = new ConcurrentLinkedQueue<>();
            List<Thread> removers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                removers.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        outcomes.add(BUS.remove(uuid));
                    } catch (Throwable e) {
                        outcomes.add(e);
                    }
                }));
            }
            start.countDown();
            for (Thread remover : removers) remover.join(Duration.ofSeconds(30));

            assertEquals(2, outcomes.size(), "both removers returned");
            assertTrue(outcomes.stream().allMatch(o -> o instanceof Boolean), "no error escapes: " + outcomes);
            assertEquals(1, outcomes.stream().filter(Boolean.TRUE::equals).count(), "exactly one acted: " + outcomes);
            assertEquals(Optional.empty(), BUS.instance(uuid));
            assertEquals(before, available("mbochs", "mbochs-small"), "removed exactly once");
        }
    }

    private static Map<String, Long> availability() {
        return Arrays.stream(SampleDriver.values())
                .flatMap(d -> d.types.stream().map(t -> d.parent + "/" + t.id()))
                .collect(Collectors.toMap(Function.identity(), key -> {
                    String[] parts = key.split("/");
                    return available(parts[0], parts[1]);
                }));
    }
}
