package io.mdevgpu.kernel.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

import io.mdevgpu.PciId;
import io.mdevgpu.kernel.abi.nvrm.VirtualizationMode;
import io.mdevgpu.sim.SimNvidiaDriver;
import io.mdevgpu.sim.SimNvidiaCard;
import io.mdevgpu.sim.SimNvidiaGpu;

/**
 * Simulated NVIDIA drivers ({@link SimNvidiaDriver}) set up to answer as the drivers of real hosts did, for the tests
 * of every module (through the kernel's test jar).
 */
public final class SimulatedNvidia {
    /** {@code /proc/driver/nvidia/version} of the H100 host's 580.159.04 build, as read there (trailing blanks its own). */
    public static final String PROC_VERSION_580_159_04 =
            "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.159.04  Release Build  (nixbld@)  \n"
                    + "GCC version:  gcc version 15.3.0 (GCC) \n";

    private SimulatedNvidia() {
    }

    /**
     * The driver of the real host recorded on 2026-11-24 in {@code docs/hardware/h100-580.md}: 580.159.04, the open
     * kernel module, one H100 80GB HBM3 at 0000:00:06.0 in a pass-through VM, answering as that driver answered: its
     * version file and version query, RM gpu id 0x6, revision a1, device instance 0, {@code /dev/nvidia0}, irq 41, the
     * register and framebuffer windows at its sysfs BAR0 and BAR2, mode NMOS, and root client handles that count up
     * from 0xc1d0001a, as that boot's did. The information file is the fixture's (the real one, GPU UUID removed).
     * Its nodes are in {@code /dev}, its files in {@code /proc/driver/nvidia}.
     */
    public static SimNvidiaDriver h100PassThrough580() {
        SimNvidiaDriver driver = new SimNvidiaDriver("580.159.04")
                .procText(PROC_VERSION_580_159_04)
                .firstClient(0xC1D0001A)
                .gpu(new SimNvidiaGpu(0x6, H100Fixture.ADDRESS, PciId.of(0x10DE, 0x2330, 0x10DE, 0x16C1), 0xA1, 0, 0,
                        VirtualizationMode.NMOS.code()))
                .card(0x6, new SimNvidiaCard(41, 0x1020_0200_0000L, 16L << 20, 0x1000_0000_0000L, 128L << 30));
        try {
            return driver.file("/proc/driver/nvidia/gpus/" + H100Fixture.ADDRESS + "/information",
                    Files.readString(H100Fixture.directory().resolve("nvidia-information.txt")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
