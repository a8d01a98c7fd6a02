package io.mdevgpu.realkernel;

import io.mdevgpu.DeviceBusyException;
import io.mdevgpu.DeviceInUseException;
import io.mdevgpu.Errno;
import io.mdevgpu.kernel.mdev.MdevBus;
import io.mdevgpu.kernel.vfio.VfioDevice;
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

import static io.mdevgpu.realkernel.Library.BUS;
import static io.mdevgpu.realkernel.Library.available;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(GuestVm.class)
class MdevInUseTest {
    /** The static C probe in the initramfs: in {@code hold} mode it opens an instance and waits to be killed. */
    private static final String HOLDER = "/bin/vfio-probe";
    private static final Duration IN_USE_TIMEOUT = Duration.ofSeconds(3);

    @Test
    @DisplayName("13. removing an instance this process holds open is refused without a syscall")
    void removingAnInstanceThisProcessHoldsOpenIsRefused() {
        UUID uuid = Library.create("mtty", "mtty-1");
        MdevBus patient = Library.bus(Duration.ofSeconds(60));   // a refusal well before it cannot come from the timeout
        try (VfioDevice device = Library.open(uuid)) {
            DeviceInUseException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(DeviceInUseException.class, () -> patient.remove(uuid)),
                    "refused at once, not after the remove timeout");
            assertTrue(e.getMessage().contains(uuid.toString()) && e.getMessage().contains("close its VfioDevice first"),
                    e.getMessage());
            assertTrue(BUS.instance(uuid).isPresent(), "still there");
            assertTrue(device.info().numRegions() > 0 && device.config().read16(0) != 0, "and still usable");
        }
        assertTrue(patient.remove(uuid), "removable once closed");
    }

    /**
     * With the group kept open the holder is found in /proc and nothing is written; with only the device fd kept
     * (the group fd closed) the kernel's remove blocks, and the timeout reports it. That remove cannot be called
     * back: the kernel has already unlinked the instance from /sys/bus/mdev/devices and its mdev_type, keeps
     * the device itself (and its capacity) until the holder lets go, and then finishes the remove.
     */
    @ParameterizedTest(name = "holder keeps its group fd open: {0}")
    @ValueSource(booleans = {true, false})
    @DisplayName("14. removing an instance another process holds open reports \"in use\" within a timeout")
    void removingAnInstanceAnotherProcessHoldsOpenReportsInUseWithinATimeout(boolean keepGroup) throws Exception {
        MdevBus bus = Library.bus(IN_USE_TIMEOUT);
        long before = available("mtty", "mtty-2");
        UUID uuid = Library.create("mtty", "mtty-2");
        String group = Integer.toString(Library.iommuGroup(uuid));
        Path device = Library.sysfs(uuid).toRealPath();   // under its parent
        Process holder = new ProcessBuilder(HOLDER, keepGroup ? "hold" : "hold-device", group, uuid.toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("HOLDING " + uuid, out.readLine(), "the holder opened the device");
            if (keepGroup) {
                // a group is opened once on the whole host: the simulated kernel does the same between processes
                DeviceBusyException busy = assertThrows(DeviceBusyException.class, () -> Library.open(uuid).close());
                assertEquals(Errno.EBUSY, busy.errno());
                assertTrue(busy.getMessage().contains("/dev/vfio/" + group), busy.getMessage());
            }

            long start = System.nanoTime();
            DeviceInUseException e = assertTimeoutPreemptively(IN_USE_TIMEOUT.plusSeconds(7),
                    () -> assertThrows(DeviceInUseException.class, () -> bus.remove(uuid)));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            String message = e.getMessage();
            assertTrue(message.contains(uuid.toString()) && message.contains("in use"), message);
            assertTrue(message.contains(holder.pid() + " (vfio-probe)"), "names the holder: " + message);
            if (keepGroup) {
                assertTrue(message.contains("/dev/vfio/" + group) && message.contains("nothing was written"), message);
                assertTrue(took.compareTo(IN_USE_TIMEOUT) < 0, "refused before the timeout: " + took);
            } else {
                assertTrue(message.contains("did not finish the remove within 3000 ms"), message);
                assertTrue(took.compareTo(IN_USE_TIMEOUT) >= 0, "reported at the timeout: " + took);
            }
            assertTrue(Files.isDirectory(device), "the device stays while held: " + device);
            assertEquals(before - 1, available("mtty", "mtty-2"), "its ports stay taken");
            assertEquals(keepGroup, BUS.instance(uuid).isPresent(), "on the mdev bus only if no remove began");
            if (!keepGroup) {
                assertThrows(DeviceInUseException.class, () -> bus.remove(uuid), "asked again: still in use, no new write");
            }
        } finally {
            holder.destroy();
            assertTrue(holder.waitFor(10, TimeUnit.SECONDS), "holder exited");
        }
        if (keepGroup) {
            assertTrue(bus.remove(uuid), "removable once released");
        } else {
            awaitGone(device);   // the remove that timed out was still pending in the kernel: it completes now
            assertFalse(bus.remove(uuid), "the pending remove did it");
        }
        assertEquals(before, available("mtty", "mtty-2"), "capacity back");
    }

    private static void awaitGone(Path device) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (Files.exists(device)) {
            assertTrue(System.nanoTime() < deadline, device + " still present 10 s after its holder exited");
            Thread.sleep(50);
        }
    }
}
