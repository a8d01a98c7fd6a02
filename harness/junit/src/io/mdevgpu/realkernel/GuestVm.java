package io.mdevgpu.realkernel;

import io.mdevgpu.realkernel.jdk.Mdevctl;
import io.mdevgpu.realkernel.jdk.SysfsMdev;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Every guest test class extends with this. Before: fails (rather than skips, which would hide a broken VM)
 * unless the kernel was booted by the harness, because the suite creates and removes mdev devices. After
 * each test: removes whatever instances and mdevctl definitions it left behind, so one failure does not
 * cascade into the next test's counts.
 */
public final class GuestVm implements BeforeAllCallback, AfterEachCallback {
    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        if (!Files.readString(Path.of("/proc/cmdline")).contains("harness.share=")) {
            throw new AssertionError("not inside the harness VM (no harness.share= on the kernel command line):"
                    + " this suite creates and removes mdev devices and runs only under harness/harness.sh");
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        for (SysfsMdev.Instance leftover : SysfsMdev.instances()) {
            System.out.println("  cleanup after " + context.getDisplayName() + ": removing " + leftover);
            SysfsMdev.remove(leftover.uuid(), Duration.ofSeconds(30));
        }
        Mdevctl.deleteAllDefinitions();
    }
}
