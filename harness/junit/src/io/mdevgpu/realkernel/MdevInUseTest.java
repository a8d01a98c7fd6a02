package io.mdevgpu.realkernel;

import io.mdevgpu.DeviceInUseException;
import io.mdevgpu.realkernel.jdk.SysfsMdev;
import io.mdevgpu.realkernel.jdk.Vfio;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(GuestVm.class)
class MdevInUseTest {
    /** The static C probe in the initramfs: in {@code hold} mode it opens an instance and waits to be killed. */
    private static final String HOLDER = "/bin/vfio-probe";
    private static final Duration REMOVE_TIMEOUT = Duration.ofSeconds(10), IN_USE_TIMEOUT = Duration.ofSeconds(3);

    @Test
    @DisplayName("13. removing an instance this process holds open is refused without a syscall")
    void removingAnInstanceThisProcessHoldsOpenIsRefused() {
        UUID uuid = SysfsMdev.create("mtty", "mtty-1", UUID.randomUUID());
        try (Vfio.Session session = Vfio.open(SysfsMdev.iommuGroup(uuid), uuid)) {
            Duration patient = Duration.ofSeconds(60);   // a refusal well before it cannot come from the timeout
            DeviceInUseException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(DeviceInUseException.class, () -> SysfsMdev.remove(uuid, patient)),
                    "refused at once, not after the remove timeout");
            assertTrue(e.getMessage().contains(uuid.toString()), e.getMessage());
            assertTrue(SysfsMdev.instance(uuid).isPresent(), "still there");
            assertTrue(session.device().info().numRegions() > 0, "and still usable");
        }
        assertTrue(SysfsMdev.remove(uuid, REMOVE_TIMEOUT), "removable once closed");
    }

    /**
     * With the group kept open the holder is found in /proc; with only the device fd kept (the group fd
     * closed) the kernel's remove blocks, and the timeout reports it. That remove cannot be called back:
     * the kernel has already unlinked the instance from /sys/bus/mdev/devices and its mdev_type, keeps
     * the device itself (and its capacity) until the holder lets go, and then finishes the remove.
     */
    @ParameterizedTest(name = "holder keeps its group fd open: {0}")
    @ValueSource(booleans = {true, false})
    @DisplayName("14. removing an instance another process holds open reports \"in use\" within a timeout")
    void removingAnInstanceAnotherProcessHoldsOpenReportsInUseWithinATimeout(boolean keepGroup) throws Exception {
        int available = SysfsMdev.availableInstances("mtty", "mtty-2");
        UUID uuid = SysfsMdev.create("mtty", "mtty-2", UUID.randomUUID());
        String group = Integer.toString(SysfsMdev.iommuGroup(uuid));
        Path device = SysfsMdev.DEVICES.resolve(uuid.toString()).toRealPath();   // under its parent
        Process holder = new ProcessBuilder(HOLDER, keepGroup ? "hold" : "hold-device", group, uuid.toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("HOLDING " + uuid, out.readLine(), "the holder opened the device");

            DeviceInUseException e = assertTimeoutPreemptively(IN_USE_TIMEOUT.plusSeconds(7),
                    () -> assertThrows(DeviceInUseException.class, () -> SysfsMdev.remove(uuid, IN_USE_TIMEOUT)));
            assertTrue(e.getMessage().contains(uuid.toString()) && e.getMessage().contains("in use"), e.getMessage());
            assertTrue(Files.isDirectory(device), "the device stays while held: " + device);
            assertEquals(available - 1, SysfsMdev.availableInstances("mtty", "mtty-2"), "its ports stay taken");
            assertEquals(keepGroup, SysfsMdev.instance(uuid).isPresent(), "on the mdev bus only if no remove began");
        } finally {
            holder.destroy();
            assertTrue(holder.waitFor(10, TimeUnit.SECONDS), "holder exited");
        }
        if (keepGroup) {
            assertTrue(SysfsMdev.remove(uuid, REMOVE_TIMEOUT), "removable once released");
        } else {
            awaitGone(device);   // the remove that timed out was still pending in the kernel: it completes now
        }
        assertEquals(available, SysfsMdev.availableInstances("mtty", "mtty-2"), "capacity back");
    }

    private static void awaitGone(Path device) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (Files.exists(device)) {
            assertTrue(System.nanoTime() < deadline, device + " still present 10 s after its holder exited");
            Thread.sleep(50);
        }
    }
}
