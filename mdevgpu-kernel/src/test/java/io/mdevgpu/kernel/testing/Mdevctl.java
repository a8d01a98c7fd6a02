package io.mdevgpu.kernel.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's own {@code mdevctl} on a tree laid out like {@code /sys} and {@code /etc/mdevctl.d}, through the
 * harness's {@code harness/fake/mdevctl-fake.sh} (a private mount namespace with the tree bound over /sys). A test that calls it
 * is skipped where mdevctl is not installed or namespaces are not allowed, and fails there under CI ({@link Required}).
 */
public final class Mdevctl {
    private Mdevctl() {
    }

    /** {@code mdevctl args...} on the tree at {@code root}; its output, after checking it succeeded. */
    public static String run(Path root, String... args) throws Exception {
        Required.tool("mdevctl", "mdevctl");
        Path script = Repository.path("harness/fake/mdevctl-fake.sh");
        List<String> command = new ArrayList<>(List.of("bash", script.toString(), root.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        Required.that(p.exitValue() == 0 || !out.contains("unshare"), "no mount namespace here (unshare): " + out);
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
