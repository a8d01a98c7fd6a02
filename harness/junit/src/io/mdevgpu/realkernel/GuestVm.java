package io.mdevgpu.realkernel;

import io.mdevgpu.kernel.mdev.MdevInstanceInfo;
import io.mdevgpu.kernel.mdev.LinuxMdevBus;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Every guest test class extends with this. Before: fails (rather than skips, which would hide a broken VM)
 * unless the kernel was booted by the harness, because the suite creates and removes mdev devices; and unless
 * the library comes from the jar the harness packaged. After each test: removes, through the library, whatever
 * instances and mdevctl definitions it left behind, so one failure does not cascade into the next test's counts.
 */
public final class GuestVm implements BeforeAllCallback, AfterEachCallback {
    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        String cmdline = Files.readString(Path.of("/proc/cmdline"));
        if (!cmdline.contains("harness.share=")) {
            throw new AssertionError("not inside the harness VM (no harness.share= on the kernel command line):"
                    + " this suite creates and removes mdev devices and runs only under harness/harness.sh");
        }
        Path kernelJar = Path.of(LinuxMdevBus.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        if (!kernelJar.getFileName().toString().equals("mdevgpu-kernel.jar")) {
            throw new AssertionError("the library under test must be the packaged mdevgpu-kernel.jar, not " + kernelJar);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        for (MdevInstanceInfo leftover : Library.BUS.instances()) {
            System.out.println("  cleanup after " + context.getDisplayName() + ": removing " + leftover);
            Library.BUS.remove(leftover.uuid());
        }
        Mdevctl.deleteAllDefinitions();
    }
}
