package io.mdevgpu.realkernel;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Proves the JUnit-in-VM pipeline against the kernel's mdev sysfs with JDK APIs only. */
class MdevSysfsSmokeTest {
    private static final Path MDEV_BUS = Path.of("/sys/class/mdev_bus");
    private static final Path MDEV_DEVICES = Path.of("/sys/bus/mdev/devices");

    @BeforeAll
    static void insideTheHarnessVm() {
        GuestVm.require();
    }

    @Test
    void theThreeSampleParentsAreRegistered() throws IOException {
        try (Stream<Path> parents = Files.list(MDEV_BUS)) {
            assertEquals(List.of("mbochs", "mdpy", "mtty"),
                    parents.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void anMttyInstanceIsCreatedAndRemovedThroughSysfs() throws IOException {
        Path type = MDEV_BUS.resolve("mtty/mdev_supported_types/mtty-2");
        int before = availableInstances(type);
        String uuid = UUID.randomUUID().toString();
        Files.writeString(type.resolve("create"), uuid);
        Path device = MDEV_DEVICES.resolve(uuid);
        assertTrue(Files.isDirectory(device), device + " after create");
        assertEquals(before - 1, availableInstances(type));
        String group = Files.readSymbolicLink(device.resolve("iommu_group")).getFileName().toString();
        assertTrue(Files.exists(Path.of("/dev/vfio", group)), "/dev/vfio/" + group);

        Files.writeString(device.resolve("remove"), "1");
        assertFalse(Files.exists(device), device + " after remove");
        assertEquals(before, availableInstances(type));
    }

    private static int availableInstances(Path type) throws IOException {
        return Integer.parseInt(Files.readString(type.resolve("available_instances")).strip());
    }
}
