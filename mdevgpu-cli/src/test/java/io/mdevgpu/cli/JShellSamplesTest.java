package io.mdevgpu.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs each walkthrough of {@code samples/jshell} non-interactively in the JDK's own jshell, as
 * {@code ./mdevgpu jshell SCRIPT} does (startup script, native access, the library on the class path), on the
 * default simulated host, and checks its key lines and that nothing failed.
 */
class JShellSamplesTest {
    record Script(String name, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Script> scripts() {
        return List.of(
                new Script("01-discover.jsh", List.of(
                        "driver: nvidia 550.54.14",
                        "gpu 0000:17:00.0 ", "gpu 0000:65:00.0 ", "gpu 0000:b3:00.0 ",
                        "types on 0000:17:00.0: 0 ",
                        "instances: 0")),
                new Script("02-plan-apply.jsh", List.of(
                        "plan fits: true",
                        "plan nvidia-531: 4 instance(s)",
                        "type nvidia-531 \"Open vAmpere/4\" available=4",
                        "profile fits: true on 3 GPU(s)",
                        "0000:b3:00.0 offers [nvidia-1, nvidia-2, nvidia-3]")),
                new Script("03-create-inspect.jsh", List.of(
                        "config: vendor 0x10de",
                        "read back 0xcafef00d via mmap, 0xcafef00d via pread",
                        "closed",
                        "removed; instances left: 0")),
                new Script("04-teardown.jsh", List.of(
                        "instances: 2, definitions: 1",
                        "instances: 0, definitions: 0",
                        "types on 0000:17:00.0: 3 (still registered)")),
                new Script("05-sriov.jsh", List.of(
                        "backend before apply: SR-IOV vendor VFIO: 0 of 32 VFs enabled",
                        "change: enable 32 SR-IOV VF(s) of 32 (none enabled now)",
                        "assumed (not publicly known)",
                        "backend after apply: SR-IOV vendor VFIO: 32 of 32 VFs enabled, 32 free, 0 assigned",
                        "nvidia-532 on VF 0000:17:00.4",
                        "<hostdev mode='subsystem' type='pci' managed='no'>",
                        "opened 0000:17:00.4: guest sees 10de:20b0",
                        "remove while open: refused",
                        "removed; VFs free: 32",
                        "after disable: SR-IOV vendor VFIO: 0 of 32 VFs enabled")));
    }

    @ParameterizedTest
    @MethodSource("scripts")
    void runsAndPrintsItsKeyLines(Script script) throws Exception {
        Path samples = CliRun.repo("samples").toAbsolutePath().normalize();
        Path jshell = Path.of(System.getProperty("java.home"), "bin", "jshell");
        ProcessBuilder pb = new ProcessBuilder(jshell.toString(),
                "-R--enable-native-access=ALL-UNNAMED", "-R-Dmdevgpu.samples=" + samples,
                "-R-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "--class-path", System.getProperty("java.class.path"),
                "--startup", "DEFAULT", "--startup", samples.resolve("jshell/startup.jsh").toString(),
                samples.resolve("jshell").resolve(script.name()).toString());
        pb.environment().remove("MDEVGPU_HOST");
        Path out = Files.createTempFile("jshell-out", ".txt"), err = Files.createTempFile("jshell-err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        Process p = pb.start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), script + " did not end (does it end with /exit?)");
        String stdout = Files.readString(out), stderr = Files.readString(err);
        Files.delete(out);
        Files.delete(err);
        String all = "--- stdout\n" + stdout + "--- stderr\n" + stderr;
        assertEquals(0, p.exitValue(), all);
        assertFalse(stderr.contains("Exception") || stderr.contains("Error:"), all);
        assertTrue(stdout.startsWith("mdevgpu: host = simulated host (default)"), all);
        for (String line : script.expected()) {
            assertTrue(stdout.contains(line), "\"" + line + "\" in\n" + all);
        }
    }
}
