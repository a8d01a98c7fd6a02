package io.mdevgpu.realkernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Guards the suite: it changes kernel state, so it runs only inside the harness VM, never on a host. */
final class GuestVm {
    private GuestVm() {}

    /** Fails (rather than skips, which would hide a broken VM) unless the kernel was booted by the harness. */
    static void require() {
        String cmdline;
        try {
            cmdline = Files.readString(Path.of("/proc/cmdline"));
        } catch (IOException e) {
            throw new AssertionError("cannot read /proc/cmdline to check for the harness VM", e);
        }
        if (!cmdline.contains("harness.share=")) {
            throw new AssertionError("not inside the harness VM (no harness.share= on the kernel command line):"
                    + " this suite creates and removes mdev devices and must only run under harness/harness.sh");
        }
    }
}
