package io.mdevgpu.kernel.sysfs;

import io.mdevgpu.sim.SysfsTreeWriter;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;

import io.mdevgpu.kernel.testing.FakeHost;
import io.mdevgpu.kernel.testing.Mdevctl;
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
        return Mdevctl.run(root, args);
    }

    @Test
    void mdevctlListsTheInstanceAndTheTypes() throws Exception {
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
