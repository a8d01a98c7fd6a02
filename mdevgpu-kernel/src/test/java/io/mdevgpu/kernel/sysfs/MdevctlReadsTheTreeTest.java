package io.mdevgpu.kernel.sysfs;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.mdevgpu.kernel.testing.FakeHost;
import io.mdevgpu.kernel.testing.H100Fixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's own {@code mdevctl} reads a tree the {@link SysfsTreeWriter} wrote (through the harness's
 * {@code mdevctl-fake.sh}: a private mount namespace with the tree bound over /sys). Skipped where mdevctl is not
 * installed or namespaces are not allowed.
 */
class MdevctlReadsTheTreeTest {
    @TempDir
    Path root;

    private String mdevctl(String... args) throws Exception {
        Path script = H100Fixture.shared().resolve("reference/kernel-harness/fake/mdevctl-fake.sh");
        List<String> command = new ArrayList<>(List.of("bash", script.toString(), root.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assumeTrue(p.exitValue() == 0 || !out.contains("unshare"), () -> "no mount namespace here: " + out);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void mdevctlListsTheInstanceAndTheTypes() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/mdevctl")), "mdevctl is not installed");
        FakeHost.create(root);
        for (String d : new String[] {"etc/mdevctl.d/scripts.d/callouts", "etc/mdevctl.d/scripts.d/notifiers"}) {
            Files.createDirectories(root.resolve(d));
        }
        assertEquals(FakeHost.INSTANCE + " 0000:00:06.0 nvidia-529 manual", mdevctl("list").strip());
        String types = mdevctl("types");
        assertTrue(types.contains("""
                0000:00:06.0
                  nvidia-529
                    Available instances: 11
                    Device API: vfio-pci
                    Name: GRID H100-4Q
                    Description: num_heads=4, frl_config=45, framebuffer=2048M, max_resolution=5120x2880, max_instance=12
                  nvidia-530
                    Available instances: 0
                    Device API: vfio-pci
                """), types);
        assertTrue(types.contains("""
                mbochs
                  mbochs-small
                    Available instances: 63
                """), types);
    }
}
