package io.mdevgpu.sim;

import static io.mdevgpu.sim.SimHosts.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.mdevgpu.DriverException;
import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.MdevException;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.abi.nvrm.NvControl;
import io.mdevgpu.kernel.abi.nvrm.NvStatus;
import io.mdevgpu.kernel.mdev.MdevBus;
import io.mdevgpu.kernel.mdev.OpenDeviceRegistry;
import io.mdevgpu.sim.Faults.Call;
import io.mdevgpu.sim.Faults.Failure;
import io.mdevgpu.sim.Faults.Seam;
import io.mdevgpu.kernel.vfio.Vfio;
import io.mdevgpu.kernel.vfio.VfioDevice;
import io.mdevgpu.kernel.vfio.VfioMapping;

/** Counting calls and failing chosen ones: the rules, and every call of a whole scenario failed in turn. */
class FaultsTest {
    private static final UUID U = UUID.fromString("0c6a7a4e-1e3b-4f5e-8d2c-7f1a2b3c4d5e");

    @Test
    void aFailureIsAnErrnoOrAStatus() {
        assertEquals("EIO", Failure.errno(Errno.EIO).toString());
        assertEquals("NV_ERR_IN_USE", Failure.status(NvStatus.NV_ERR_IN_USE).toString());
        assertEquals(5, Failure.status(NvStatus.NV_ERR_IN_USE).errnoOrEio(), "a status where none can be carried: EIO");
        assertEquals(Errno.EBUSY.number(), Failure.errno(Errno.EBUSY).errnoOrEio());
        assertThrows(ValidationException.class, () -> new Failure(Errno.EIO, NvStatus.NV_ERR_IN_USE));
        assertThrows(ValidationException.class, () -> Failure.status(NvStatus.NV_OK));
        assertThrows(NullPointerException.class, () -> Failure.errno(null));
    }

    @Test
    void rulesPickCallsByNumberOrBySeamTextAndPlace() {
        Faults f = new Faults();
        assertNull(f.enter(VfioCall.OPEN, "open /dev/vfio/vfio"));
        assertThrows(ValidationException.class, () -> f.failAt(1, Failure.errno(Errno.EIO)), "call 1 has been made");
        assertThrows(ValidationException.class, () -> f.fail(Seam.MDEV, "x", 0, 1, Failure.errno(Errno.EIO)));
        assertThrows(ValidationException.class, () -> f.fail(Seam.MDEV, "x", 1, 0, Failure.errno(Errno.EIO)));
        f.failAt(3, Failure.errno(Errno.ENOMEM))
                .fail(Seam.NVIDIA, "CONTROL", 2, 2, Failure.status(NvStatus.NV_ERR_BUSY_RETRY))
                .failNext(null, "close", Failure.errno(Errno.EINTR));
        assertNull(f.enter(RmCall.CONTROL, "CONTROL GPU_GET_PROBED_IDS"), "the first CONTROL is let through");
        assertEquals(Failure.errno(Errno.ENOMEM), f.enter(MdevCall.CREATE, "create mdev x"), "call 3");
        assertEquals(Failure.status(NvStatus.NV_ERR_BUSY_RETRY), f.enter(RmCall.CONTROL, "CONTROL A"));
        assertNull(f.enter(VfioCall.IOCTL, "CONTROL lookalike"), "another seam");
        assertEquals(Failure.status(NvStatus.NV_ERR_BUSY_RETRY), f.enter(RmCall.CONTROL, "CONTROL B"));
        assertNull(f.enter(RmCall.CONTROL, "CONTROL C"), "two times, then done");
        assertEquals(Failure.errno(Errno.EINTR), f.enter(VfioCall.CLOSE, "close device x"));
        assertNull(f.enter(VfioCall.CLOSE, "close device x"));
        assertEquals(9, f.calls());
        assertEquals(5, f.calls(Seam.NVIDIA) + f.calls(Seam.MDEV));
        assertEquals(List.of(3L, 4L, 6L, 8L), f.injected().stream().map(Call::number).toList());
        assertEquals(List.of("open /dev/vfio/vfio", "CONTROL lookalike", "close device x -> EINTR", "close device x"), f.log(Seam.VFIO));
        assertEquals(List.of("CONTROL A -> NV_ERR_BUSY_RETRY", "CONTROL B -> NV_ERR_BUSY_RETRY"), f.log(Seam.NVIDIA, "CONTROL ").subList(1, 3));
        assertEquals("#3 MDEV create mdev x -> ENOMEM", f.log().get(2).toString());
        f.clearLog();
        assertEquals(List.of(), f.log());
        assertEquals(9, f.calls(), "counts stay");
        assertEquals("Faults[9 calls (mdev 1, vfio 4, nvidia 4, sriov 0), 0 armed, 4 injected, recording the last 10000]", f.toString());
    }

    @Test
    void withoutRecordingCallsAreCountedAndTextIsBuiltOnlyForTextRules() {
        Faults f = new Faults().recording(false);
        assertFalse(f.wantsText());
        f.failAt(2, Failure.errno(Errno.EIO));
        assertFalse(f.wantsText(), "a rule by number needs no text");
        assertNull(f.enter(VfioCall.IOCTL, null));
        assertEquals(Failure.errno(Errno.EIO), f.enter(VfioCall.IOCTL, null));
        f.failNext(Seam.VFIO, "pread", Failure.errno(Errno.EFAULT));
        assertTrue(f.wantsText());
        assertEquals(Failure.errno(Errno.EFAULT), f.enter(VfioCall.READ, "pread device x"));
        assertFalse(f.wantsText(), "the text rule fired");
        assertEquals(List.of(), f.log());
        assertEquals(List.of("(not recorded) -> EIO", "pread device x -> EFAULT"), f.injected().stream().map(Call::line).toList());
        f.failNext(Seam.MDEV, "x", Failure.errno(Errno.EIO)).disarm();
        assertFalse(f.wantsText());
        assertNull(f.enter(MdevCall.WRITE, "x"));
    }

    /** Register, create, open, read the config space, map BAR1, write, read back, close, remove: every port. */
    private static void scenario(SimulatedKernel kernel) {
        SimulatedKernelTest.register(kernel, A100_0, ampere());
        MdevBus bus = kernel.mdev(OpenDeviceRegistry.NONE);
        bus.create(A100_0, "nvidia-531", U);
        int group = bus.instance(U).orElseThrow().iommuGroup().orElseThrow();
        try (VfioDevice dev = new Vfio(kernel.vfio()).openDevice(group, U.toString())) {
            assertEquals((short) GUEST_ID.vendor(), dev.config().read16(0));
            try (VfioMapping m = dev.region(1).map()) {
                m.segment().set(JAVA_INT, 64, 7);
            }
            assertEquals(7, dev.region(1).read32(64));
        }
        bus.remove(U);
    }

    private static SimulatedKernel kernel(Faults faults) {
        return new SimulatedKernel(defaultHost("550.54.14"), GuestConfigFactory.PLAIN_FOR_TESTS, faults);
    }

    @Test
    void everyCallOfAScenarioFailsInTurnWithATypedErrorAndNoLeak() {
        Faults counting = new Faults();
        List<Call> calls;
        String countingRoot;
        try (SimulatedKernel kernel = kernel(counting)) {
            countingRoot = kernel.root().toString();
            scenario(kernel);
            calls = counting.log();
            assertTrue(kernel.leaks().isClean());
        }
        assertEquals(2, counting.calls(Seam.MDEV), "create and remove");
        assertTrue(counting.calls(Seam.VFIO) > 10 && counting.calls(Seam.NVIDIA) > 20, counting.toString());
        List<String> survived = new ArrayList<>();
        for (Call call : calls) {
            for (Failure failure : List.of(Failure.errno(Errno.EIO), Failure.status(NvStatus.NV_ERR_GENERIC))) {
                if (failure.isStatus() && call.seam() != Seam.NVIDIA) continue;
                Faults faults = new Faults().failAt(call.number(), failure);
                try (SimulatedKernel kernel = kernel(faults)) {
                    try {
                        scenario(kernel);
                        survived.add(call.line().replace(countingRoot, "ROOT"));
                    } catch (MdevException e) {
                        String expected = e instanceof DriverException d ? d.statusName()
                                : e instanceof KernelException k && k.errno() != null ? k.errno().name() : "?";
                        assertEquals(failure.isStatus() && e instanceof DriverException ? "NV_ERR_GENERIC" : "EIO", expected,
                                call + ": " + e.getMessage());
                    }
                    assertEquals(1, faults.injected().size(), call.toString());
                    assertEquals(call.text().replace(countingRoot, "ROOT"),
                            faults.injected().getFirst().text().replace(kernel.root().toString(), "ROOT"), "the same call in the same place");
                    SimLeaks leaks = kernel.leaks();
                    if (call.text().startsWith("munmap")) {
                        assertEquals(1, leaks.mappings(), "a failed munmap leaves the mapping, as the kernel does");
                    } else {
                        assertTrue(leaks.isClean(), call + ": " + leaks);
                    }
                }
            }
        }
        // what the library tolerates by design: a version file it can do without, a failed munmap it logs
        assertEquals(List.of("READ ROOT/proc/driver/nvidia/version", "munmap 0x10000000"), survived.stream().distinct().toList());
    }

    @Test
    void aFailedCreateOrRegisterChangesNothing() {
        Faults faults = new Faults().failNext(MdevCall.CREATE, Failure.errno(Errno.ENOSPC))
                .failNext(RmControl.VGPU_CONFIG_SET_INFO, Failure.status(RmStatus.NV_ERR_IN_USE));
        try (SimulatedKernel kernel = kernel(faults)) {
            DriverException e = assertThrows(DriverException.class, () -> SimulatedKernelTest.register(kernel, A100_0, ampere()));
            assertEquals(NvStatus.NV_ERR_IN_USE, e.status());
            assertEquals(List.of(), kernel.typeTables().get(A100_0), "the failed SET_INFO discarded nothing");
            SimulatedKernelTest.register(kernel, A100_0, ampere());
            MdevBus bus = kernel.mdev(OpenDeviceRegistry.NONE);
            KernelException c = assertThrows(KernelException.class, () -> bus.create(A100_0, "nvidia-531", U));
            assertEquals(Errno.ENOSPC, c.errno());
            assertEquals(List.of(), kernel.instances());
            assertEquals(4, bus.type(A100_0.toString(), "nvidia-531").availableInstances());
            bus.create(A100_0, "nvidia-531", U);
            assertEquals(1, kernel.instances().size());
        }
    }

    @Test
    void typedKindsMatchTheirOwnCallsOrEveryCallOfABroaderKind() {
        Faults f = new Faults();
        f.failNth(RmControl.VGPU_CONFIG_SET_INFO, 2, Failure.status(RmStatus.NV_ERR_NO_MEMORY))
                .failNext(RmCall.CONTROL, Failure.status(RmStatus.NV_ERR_BUSY_RETRY))
                .failEvery(VfioCall.DEVICE_RESET, Failure.errno(Errno.ENOTTY));
        assertEquals(Failure.status(RmStatus.NV_ERR_BUSY_RETRY), f.enter(RmControl.GPU_GET_PROBED_IDS, "CONTROL GPU_GET_PROBED_IDS"),
                "CONTROL matches any control");
        assertNull(f.enter(RmControl.VGPU_CONFIG_SET_INFO, "CONTROL VGPU_CONFIG_SET_INFO"), "the first SET_INFO is let through");
        assertNull(f.enter(RmCall.ALLOC, "ALLOC"), "an alloc is no control");
        assertEquals(Failure.status(NvStatus.NV_ERR_NO_MEMORY), f.enter(RmControl.VGPU_CONFIG_SET_INFO, "CONTROL VGPU_CONFIG_SET_INFO"));
        assertNull(f.enter(RmControl.VGPU_CONFIG_SET_INFO, "CONTROL VGPU_CONFIG_SET_INFO"), "once");
        assertNull(f.enter(VfioCall.DEVICE_GET_INFO, "ioctl device x VFIO_DEVICE_GET_INFO"), "another ioctl");
        for (int i = 0; i < 3; i++) {
            assertEquals(Failure.errno(Errno.ENOTTY), f.enter(VfioCall.DEVICE_RESET, "ioctl device x VFIO_DEVICE_RESET"), "every reset");
        }
        assertEquals(3, f.calls(RmControl.VGPU_CONFIG_SET_INFO));
        assertEquals(4, f.calls(RmCall.CONTROL), "every control, named or not");
        assertEquals(4, f.calls(VfioCall.IOCTL));
        assertEquals(3, f.log(VfioCall.DEVICE_RESET).size());
        f.failNthCall(2, Failure.errno(Errno.EIO));
        assertNull(f.enter(MdevCall.CREATE, "create mdev x"));
        assertEquals(Failure.errno(Errno.EIO), f.enter(MdevCall.REMOVE, "remove mdev x"), "the second call from now");
        assertThrows(ValidationException.class, () -> f.failNth(MdevCall.CREATE, 0, Failure.errno(Errno.EIO)));
        assertThrows(NullPointerException.class, () -> f.failNext((SimCall) null, Failure.errno(Errno.EIO)));
    }

    @Test
    void recordingKeepsTheLastCallsOnlyOrNone() {
        Faults f = new Faults().recording(3).failAt(2, Failure.errno(Errno.EIO));
        for (int i = 1; i <= 5; i++) f.enter(VfioCall.OPEN, "open " + i);
        assertEquals(List.of(3L, 4L, 5L), f.log().stream().map(Call::number).toList(), "the last three");
        assertEquals(2, f.dropped());
        assertEquals(List.of(2L), f.injected().stream().map(Call::number).toList(), "a failed call is kept apart");
        f.recording(1);
        assertEquals(List.of(5L), f.log().stream().map(Call::number).toList());
        f.recording(false);
        f.enter(VfioCall.OPEN, null);
        assertEquals(List.of(), f.log());
        assertEquals(6, f.calls(), "counted all the same");
        assertEquals(Faults.DEFAULT_RECORDING, new Faults().recordingCapacity(), "bounded by default");
        assertThrows(ValidationException.class, () -> f.recording(-1));
    }

    @Test
    void aScenarioCallsAreTypedBySeamAndKind() {
        Faults counting = new Faults();
        int setInfos;
        try (SimulatedKernel kernel = kernel(counting)) {
            scenario(kernel);
            setInfos = kernel.nvidia().received(NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_SET_INFO);
        }
        assertTrue(setInfos > 0);
        assertEquals(1, counting.calls(MdevCall.CREATE));
        assertEquals(1, counting.calls(MdevCall.REMOVE));
        assertEquals(1, counting.calls(VfioCall.MMAP));
        assertTrue(counting.calls(VfioCall.DEVICE_GET_REGION_INFO) > 0, counting::toString);
        assertEquals(setInfos, counting.calls(RmControl.VGPU_CONFIG_SET_INFO), counting::toString);
        Faults failing = new Faults().failEvery(VfioCall.MMAP, Failure.errno(Errno.ENOMEM));
        try (SimulatedKernel kernel = kernel(failing)) {
            KernelException e = assertThrows(KernelException.class, () -> scenario(kernel));
            assertEquals(Errno.ENOMEM, e.errno());
            assertEquals(1, failing.injected().size());
        }
    }
}
