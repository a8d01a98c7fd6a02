package io.mdevgpu.kernel.pci;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;

import io.mdevgpu.kernel.testing.DiscoverWithoutNativeAccess;
import io.mdevgpu.kernel.testing.FakeHost;
import io.mdevgpu.kernel.testing.TestJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery is plain file reads: a JVM that denies native access finds GPUs and mdevs; a create names the flag. */
class NativeAccessTest {
    @TempDir
    Path root;

    @Test
    void discoveryWorksWithoutNativeAccessAndACreateNamesTheFlag() throws Exception {
        FakeHost.create(root);
        TestJvm.Result run = TestJvm.run(DiscoverWithoutNativeAccess.class, List.of("--illegal-native-access=deny", "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"), 60, root.toString());
        String out = run.output();
        assertEquals(0, run.exitCode(), out);
        assertTrue(out.contains("native access: false"), out);
        assertTrue(out.contains("gpu: 0000:00:06.0 3D controller [0302]: 10de:2330 [10de:16c1] (rev a1)"), out);
        assertTrue(out.contains("parent: 0000:00:06.0: nvidia-529 (11 available)"), out);
        assertTrue(out.contains("instance: " + FakeHost.INSTANCE + " 0000:00:06.0 nvidia-529"), out);
        assertTrue(out.contains("create: --enable-native-access=ALL-UNNAMED"), out);
    }
}
